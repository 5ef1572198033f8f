"""The pilot scorecard for one ISO week: the five week-11 metrics and the week-12 ones.

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

Each is graded by ``grading.grade``; a sample below ``thresholds.min_sample`` is
"insufficient data", never a pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.domain.facts import (
    IncidentFacts,
    LiveFacts,
    PeopleFacts,
    ReviewFacts,
    SurveyFacts,
    WeekFacts,
    collect,
)
from bot.domain.grading import Metric, Op, grade
from bot.domain.incidents import PRIORITIES
from bot.domain.week12 import week12_metrics
from bot.domain.weeks import Week
from bot.program import Program

CORE_KEYS = ("handling_rate", "rework", "satisfaction", "incident_slo", "retention")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def handling_rate(live: LiveFacts, program: Program) -> Metric:
    t = program.thresholds
    handled = live.total - live.escalated
    value = handled / live.total if live.total else None
    return Metric(
        key="handling_rate",
        label="Handling rate",
        status=grade(
            value,
            op=Op.ABOVE,
            target=t.handling_rate,
            band=t.close_band.handling_rate,
            sample=live.total,
            min_sample=t.min_sample.live_decisions,
        ),
        value=value,
        target=t.handling_rate,
        op=Op.ABOVE,
        unit="ratio",
        sample=live.total,
        min_sample=t.min_sample.live_decisions,
        detail=(
            f"{handled} of {_plural(live.total, 'live decision')} handled without escalation"
            if live.total
            else "no live decisions recorded"
        ),
        parts={"live_decisions": live.total, "escalated": live.escalated},
    )


def rework(reviews: ReviewFacts, program: Program) -> Metric:
    t = program.thresholds
    value = reviews.overturned / reviews.reviewed if reviews.reviewed else None
    return Metric(
        key="rework",
        label="Rework",
        status=grade(
            value,
            op=Op.AT_MOST,
            target=t.rework,
            band=t.close_band.rework,
            sample=reviews.reviewed,
            min_sample=t.min_sample.reviews,
        ),
        value=value,
        target=t.rework,
        op=Op.AT_MOST,
        unit="ratio",
        sample=reviews.reviewed,
        min_sample=t.min_sample.reviews,
        detail=(
            f"{reviews.overturned} of {_plural(reviews.reviewed, 'reviewed live decision')} overturned"
            if reviews.reviewed
            else "no live decisions reviewed"
        ),
        parts={"reviewed": reviews.reviewed, "overturned": reviews.overturned},
    )


def satisfaction(survey: SurveyFacts, program: Program) -> Metric:
    t = program.thresholds
    value = survey.answer_sum / survey.answer_count if survey.answer_count else None
    return Metric(
        key="satisfaction",
        label="Satisfaction",
        status=grade(
            value,
            op=Op.ABOVE,
            target=t.satisfaction,
            band=t.close_band.satisfaction,
            sample=survey.responses,
            min_sample=t.min_sample.survey_responses,
        ),
        value=value,
        target=t.satisfaction,
        op=Op.ABOVE,
        unit="score",
        sample=survey.responses,
        min_sample=t.min_sample.survey_responses,
        detail=(
            f"mean of {_plural(survey.answer_count, 'answer')} from {_plural(survey.responses, 'response')}"
            if survey.responses
            else "no survey responses"
        ),
        parts={"responses": survey.responses, "answers": survey.answer_count},
    )


def incident_slo(incidents: IncidentFacts, program: Program) -> Metric:
    t = program.thresholds
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
                f"({slowdowns[priority] * 100:+.1f}%, {_plural(count, 'incident')})"
            )
        parts[priority] = entry
    worst = max(slowdowns, key=lambda p: slowdowns[p]) if slowdowns else None
    value = slowdowns[worst] if worst else None
    parts["worst"] = worst
    return Metric(
        key="incident_slo",
        label="Incident SLO",
        status=grade(
            value,
            op=Op.AT_MOST,
            target=t.slo_slowdown,
            band=t.close_band.slo_slowdown,
            sample=incidents.count,
            min_sample=t.min_sample.incidents,
        ),
        value=value,
        target=t.slo_slowdown,
        op=Op.AT_MOST,
        unit="slowdown",
        sample=incidents.count,
        min_sample=t.min_sample.incidents,
        detail="; ".join(lines) if lines else "no P1/P2 incidents recorded",
        parts=parts,
    )


def retention(people: PeopleFacts, program: Program) -> Metric:
    t = program.thresholds
    value = float(people.leavers_total)
    this_week = len(people.leavers_this_week)
    if people.leavers_total:
        who = "1 person" if people.leavers_total == 1 else f"{people.leavers_total} people"
        detail = f"{who} left since the program started" + (f" ({this_week} this week)" if this_week else "")
    else:
        detail = "no one has left the program"
    return Metric(
        key="retention",
        label="Retention",
        status=grade(
            value,
            op=Op.AT_MOST,
            target=float(t.retention_leavers),
            band=0.0,
            sample=people.engineers,
            min_sample=t.min_sample.engineers,
        ),
        value=value,
        target=float(t.retention_leavers),
        op=Op.AT_MOST,
        unit="count",
        sample=people.engineers,
        min_sample=t.min_sample.engineers,
        detail=detail,
        parts={"leavers": people.leavers_total, "this_week": this_week, "engineers": people.engineers},
    )


def core_metrics(facts: WeekFacts, program: Program) -> tuple[Metric, ...]:
    """The five go/no-go metrics, in DESIGN.md's order."""
    return (
        handling_rate(facts.live, program),
        rework(facts.reviews, program),
        satisfaction(facts.survey, program),
        incident_slo(facts.incidents, program),
        retention(facts.people, program),
    )


@dataclass(frozen=True)
class Scorecard:
    week: Week
    core: tuple[Metric, ...]
    week12: tuple[Metric, ...]
    facts: WeekFacts

    @property
    def empty(self) -> bool:
        return self.facts.empty

    def metric(self, key: str) -> Metric:
        for metric in (*self.core, *self.week12):
            if metric.key == key:
                return metric
        raise KeyError(key)


def scorecard_from_facts(facts: WeekFacts, program: Program) -> Scorecard:
    return Scorecard(
        week=facts.week,
        core=core_metrics(facts, program),
        week12=week12_metrics(facts, program),
        facts=facts,
    )


def compute_scorecard(*, session: Session, program: Program, week: Week) -> Scorecard:
    """Gather the week's counts with SQL aggregates and grade every metric."""
    return scorecard_from_facts(collect(session=session, program=program, week=week), program)
