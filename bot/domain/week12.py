"""How the week-12 (switchover) metrics are computed: adoption, escalation trend, absolute SLO, confidence.

* adoption = engineers (engineer or pilot role, on the roster that week) with at least
  one live decision that week ÷ engineers; target ``thresholds.adoption`` (100%).
* escalation trend = least-squares slope of the daily escalation rate (escalated ÷ live
  decisions) over the week's local days that had live decisions; needs two such days.
  Declining or "stable" (a slope up to ``thresholds.escalation_slope`` per day) passes.
* absolute SLO = breaches of the absolute limits (any P1 over 30 min or P2 over 4 h,
  from ``thresholds.p1_minutes``/``p2_minutes``); one breach fails the week and is
  named (ref, minutes), however few incidents there were. Week 11 keeps the median
  against the baseline (``measures.incident_slo``).
* confidence = mean of the confidence answers ("I'm confident in this new model"); > 3.5.
  The post-switchover survey's answers when anyone answered it that week, else the
  weekly survey's confidence question; the detail line names which one it read.
"""

from __future__ import annotations

from typing import Any

from bot.domain.facts import WeekFacts
from bot.domain.grading import EPS, Reading, share
from bot.domain.incidents import PRIORITIES
from bot.domain.measures import survey_detail
from bot.program import Program


def adoption(facts: WeekFacts, program: Program) -> Reading:
    people = facts.people
    return share(
        people.adopted,
        people.engineers,
        said=f"{people.engineers} engineers logged a live decision",
        empty="no engineers on the roster",
        parts={"engineers": people.engineers, "adopted": people.adopted},
    )


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of y on x; None with fewer than two distinct x."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    if var == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var


def escalation_trend(facts: WeekFacts, program: Program) -> Reading:
    live = facts.live
    points = [(float(i), d.escalated / d.decisions) for i, d in enumerate(live.days) if d.decisions > 0]
    value = slope(points)
    if value is None:
        detail = "needs live decisions on at least two days"
    else:
        stable = program.thresholds.escalation_slope
        shape = "declining" if value < -EPS else "rising" if value > stable + EPS else "stable"
        detail = (
            f"daily escalation rate {points[0][1] * 100:.0f}% → {points[-1][1] * 100:.0f}% "
            f"over {len(points)} days ({value * 100:+.1f} pts/day): {shape}"
        )
    return Reading(
        value=value,
        sample=live.total if len(points) >= 2 else 0,
        detail=detail,
        parts={
            "days": [
                {"day": d.day.isoformat(), "decisions": d.decisions, "escalated": d.escalated}
                for d in live.days
            ]
        },
    )


def absolute_slo(facts: WeekFacts, program: Program) -> Reading:
    """Breaches of the absolute limits; one is enough to fail, however few incidents there were."""
    t, incidents = program.thresholds, facts.incidents
    limits = {"P1": t.p1_minutes, "P2": t.p2_minutes}
    parts: dict[str, Any] = {
        p: {"count": incidents.week[p][0], "median_minutes": incidents.week[p][1], "limit_minutes": limits[p]}
        for p in PRIORITIES
    }
    parts["breaches"] = [
        {"ref": b.ref, "priority": b.priority, "minutes": b.minutes, "limit_minutes": b.limit}
        for b in incidents.breaches
    ]
    if incidents.breach_count:
        named = "; ".join(
            f"{b.ref} {b.priority} {b.minutes:g} min (limit {b.limit:g})" for b in incidents.breaches
        )
        more = incidents.breach_count - len(incidents.breaches)
        detail = f"over the limit: {named}" + (f" and {more} more" if more > 0 else "")
    elif incidents.count:
        detail = f"all {incidents.count} P1/P2 responses within their limits"
    else:
        detail = "no P1/P2 incidents recorded"
    return Reading(
        value=float(incidents.breach_count) if incidents.count else None,
        sample=incidents.count,
        detail=detail,
        parts=parts,
        decisive=incidents.breach_count > 0,
    )


def confidence(facts: WeekFacts, program: Program) -> Reading:
    """The post-switchover survey's confidence item when it has answers that week, else the weekly one's."""
    post = facts.post_survey
    if post is not None and post.answered:
        survey, source = post, "post-switchover survey"
    else:
        survey, source = facts.survey, "weekly survey"
    return Reading(
        value=survey.confidence_sum / survey.confidence_n
        if survey.published and survey.confidence_n
        else None,
        sample=survey.confidence_n if survey.published else survey.answered,
        detail=f"{source}: " + survey_detail(survey, f"mean of {survey.confidence_n} confidence answers"),
        parts={"answers": survey.confidence_n, "published": survey.published, "source": source},
    )
