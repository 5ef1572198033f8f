"""How the five week-11 metrics are computed from a week's facts (graded in ``bot.domain.metrics``).

Definitions (DESIGN.md, "Week-11 success metrics"), per ISO week in the program timezone:

* handling rate = live decisions not escalated ÷ live decisions (decided that week); > 70%.
* rework = live decisions overturned ÷ live decisions reviewed (reviews made that week); 0%.
* satisfaction = mean of the weekly survey's 1–5 answers, Σ answer_sum ÷ Σ answer_count
  over the responses filed for that week; > 3.5.
* incident SLO = each priority's median response this week against its baseline median
  (see ``incidents.baselines``); the metric is the *worse* of P1 and P2, so a pilot cannot
  hide a slower P1 behind faster P2s. A priority with no incidents this week is left out;
  the sample is all P1+P2 incidents of the week. ≤ 5% slower passes.
* retention = people who left since the program's start date, up to the week's end; 0.
"""

from __future__ import annotations

from typing import Any

from bot.domain.facts import SurveyFacts, WeekFacts
from bot.domain.grading import Reading, share
from bot.domain.incidents import PRIORITIES
from bot.program import Program


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def handling_rate(facts: WeekFacts, program: Program) -> Reading:
    live = facts.live
    return share(
        live.total - live.escalated,
        live.total,
        said=f"{plural(live.total, 'live decision')} handled without escalation",
        empty="no live decisions recorded",
        parts={"live_decisions": live.total, "escalated": live.escalated},
    )


def rework(facts: WeekFacts, program: Program) -> Reading:
    reviews = facts.reviews
    return share(
        reviews.overturned,
        reviews.reviewed,
        said=f"{plural(reviews.reviewed, 'reviewed live decision')} overturned",
        empty="no live decisions reviewed",
        parts={"reviewed": reviews.reviewed, "overturned": reviews.overturned},
    )


def survey_detail(survey: SurveyFacts, shown: str) -> str:
    """What a survey figure covers, without ever a figure from fewer than the minimum."""
    if not survey.answered:
        return "no survey responses"
    if not survey.published:
        return (
            f"{survey.answered} of the {survey.minimum} responses needed before any result is shown "
            "(survey answers are anonymous)"
        )
    late = survey.answered - survey.published
    waits = "response waits" if late == 1 else "responses wait"
    wait = f"; {late} later {waits} for a group of {survey.minimum}"
    return shown + (wait if late else "")


def satisfaction(facts: WeekFacts, program: Program) -> Reading:
    survey = facts.survey
    shown = f"mean of {plural(survey.answer_count, 'answer')} from {plural(survey.published, 'response')}"
    return Reading(
        value=survey.answer_sum / survey.answer_count if survey.published and survey.answer_count else None,
        sample=survey.published or survey.answered,
        detail=survey_detail(survey, shown),
        parts={"responses": survey.answered, "published": survey.published, "answers": survey.answer_count},
    )


def incident_slo(facts: WeekFacts, program: Program) -> Reading:
    incidents = facts.incidents
    parts: dict[str, Any] = {}
    slowdowns: dict[str, float] = {}
    lines: list[str] = []
    for priority in PRIORITIES:
        count, med = incidents.week[priority]
        base = incidents.baselines[priority]
        entry: dict[str, Any] = {
            "count": count,
            "median_minutes": med,
            "baseline_minutes": base.median_minutes,
            "baseline_source": base.source,
            "slowdown": None,
        }
        if med is not None:
            slowdowns[priority] = med / base.median_minutes - 1
            entry["slowdown"] = slowdowns[priority]
            lines.append(
                f"{priority} median {med:g} min vs {base.median_minutes:g} baseline "
                f"({slowdowns[priority] * 100:+.1f}%, {plural(count, 'incident')})"
            )
        parts[priority] = entry
    worst = max(slowdowns, key=lambda p: slowdowns[p]) if slowdowns else None
    parts["worst"] = worst
    return Reading(
        value=slowdowns[worst] if worst else None,
        sample=incidents.count,
        detail="; ".join(lines) if lines else "no P1/P2 incidents recorded",
        parts=parts,
    )


def retention(facts: WeekFacts, program: Program) -> Reading:
    people = facts.people
    this_week = len(people.leavers_this_week)
    if people.leavers_total:
        who = "1 person" if people.leavers_total == 1 else f"{people.leavers_total} people"
        detail = f"{who} left since the program started" + (f" ({this_week} this week)" if this_week else "")
    elif not people.engineers:
        detail = "no one has left the program; no engineers on the roster yet"
    else:
        detail = "no one has left the program"
    return Reading(
        value=float(people.leavers_total),
        sample=people.engineers,
        detail=detail,
        parts={"leavers": people.leavers_total, "this_week": this_week, "engineers": people.engineers},
    )
