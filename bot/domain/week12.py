"""The week-12 (switchover) metrics: adoption, escalation trend, absolute SLO, confidence.

* adoption = engineers (engineer or pilot role, on the roster that week) with at least
  one live decision that week ÷ engineers; target ``thresholds.adoption`` (100%).
* escalation trend = least-squares slope of the daily escalation rate (escalated ÷ live
  decisions) over the week's local days that had live decisions; needs two such days.
  Declining or "stable" (a slope up to ``thresholds.escalation_slope`` per day) passes.
* absolute SLO = each priority's median response against its limit (P1 ≤ 30 min,
  P2 ≤ 4 h); the value is the worse median ÷ limit, so 1.0 is exactly at the limit.
* confidence = mean of the survey's confidence answer; > 3.5.
"""

from __future__ import annotations

from typing import Any

from bot.domain.facts import IncidentFacts, LiveFacts, PeopleFacts, SurveyFacts, WeekFacts
from bot.domain.grading import EPS, Metric, Op, grade
from bot.domain.incidents import PRIORITIES
from bot.program import Program


def adoption(people: PeopleFacts, program: Program) -> Metric:
    t = program.thresholds
    value = people.adopted / people.engineers if people.engineers else None
    return Metric(
        key="adoption",
        label="Adoption",
        status=grade(
            value,
            op=Op.AT_LEAST,
            target=t.adoption,
            band=t.close_band.adoption,
            sample=people.engineers,
            min_sample=t.min_sample.engineers,
        ),
        value=value,
        target=t.adoption,
        op=Op.AT_LEAST,
        unit="ratio",
        sample=people.engineers,
        min_sample=t.min_sample.engineers,
        detail=(
            f"{people.adopted} of {people.engineers} engineers logged a live decision"
            if people.engineers
            else "no engineers on the roster"
        ),
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


def escalation_trend(live: LiveFacts, program: Program) -> Metric:
    t = program.thresholds
    points = [(float(i), d.escalated / d.decisions) for i, d in enumerate(live.days) if d.decisions > 0]
    value = slope(points)
    sample = live.total if len(points) >= 2 else 0
    if value is None:
        detail = "needs live decisions on at least two days"
    else:
        shape = "declining" if value < -EPS else "rising" if value > t.escalation_slope + EPS else "stable"
        detail = (
            f"daily escalation rate {points[0][1] * 100:.0f}% → {points[-1][1] * 100:.0f}% "
            f"over {len(points)} days ({value * 100:+.1f} pts/day): {shape}"
        )
    return Metric(
        key="escalation_trend",
        label="Escalation trend",
        status=grade(
            value,
            op=Op.AT_MOST,
            target=t.escalation_slope,
            band=t.close_band.escalation_slope,
            sample=sample,
            min_sample=t.min_sample.live_decisions,
        ),
        value=value,
        target=t.escalation_slope,
        op=Op.AT_MOST,
        unit="slope",
        sample=sample,
        min_sample=t.min_sample.live_decisions,
        detail=detail,
        parts={
            "days": [
                {"day": d.day.isoformat(), "decisions": d.decisions, "escalated": d.escalated}
                for d in live.days
            ]
        },
    )


def absolute_slo(incidents: IncidentFacts, program: Program) -> Metric:
    t = program.thresholds
    limits = {"P1": t.p1_minutes, "P2": t.p2_minutes}
    parts: dict[str, Any] = {}
    ratios: dict[str, float] = {}
    lines: list[str] = []
    for priority in PRIORITIES:
        count, med = incidents.week[priority]
        parts[priority] = {"count": count, "median_minutes": med, "limit_minutes": limits[priority]}
        if med is not None:
            ratios[priority] = med / limits[priority]
            lines.append(f"{priority} median {med:g} min (limit {limits[priority]:g})")
    value = max(ratios.values()) if ratios else None
    return Metric(
        key="absolute_slo",
        label="Absolute SLO",
        status=grade(
            value,
            op=Op.AT_MOST,
            target=1.0,
            band=t.close_band.slo_slowdown,
            sample=incidents.count,
            min_sample=t.min_sample.incidents,
        ),
        value=value,
        target=1.0,
        op=Op.AT_MOST,
        unit="limit_ratio",
        sample=incidents.count,
        min_sample=t.min_sample.incidents,
        detail="; ".join(lines) if lines else "no P1/P2 incidents recorded",
        parts=parts,
    )


def confidence(survey: SurveyFacts, program: Program) -> Metric:
    t = program.thresholds
    value = survey.confidence_sum / survey.confidence_n if survey.confidence_n else None
    return Metric(
        key="confidence",
        label="Confidence",
        status=grade(
            value,
            op=Op.ABOVE,
            target=t.confidence,
            band=t.close_band.confidence,
            sample=survey.confidence_n,
            min_sample=t.min_sample.survey_responses,
        ),
        value=value,
        target=t.confidence,
        op=Op.ABOVE,
        unit="score",
        sample=survey.confidence_n,
        min_sample=t.min_sample.survey_responses,
        detail=(
            f"mean of {survey.confidence_n} confidence answers"
            if survey.confidence_n
            else "no confidence answers"
        ),
        parts={"answers": survey.confidence_n},
    )


def week12_metrics(facts: WeekFacts, program: Program) -> tuple[Metric, ...]:
    return (
        adoption(facts.people, program),
        escalation_trend(facts.live, program),
        absolute_slo(facts.incidents, program),
        confidence(facts.survey, program),
    )
