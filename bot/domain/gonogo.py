"""The go / pivot / pause / no-call recommendation from the five week-11 metrics, with its reasons.

The rule (DESIGN.md): all pass → GO (scale to everyone); any fail → PAUSE
(investigate, do not scale); a metric without enough data → NO CALL YET (say what
is missing and when it is likely to be there), never PAUSE; otherwise at least three
pass and the rest are close → PIVOT (short pivot, extra training, retry); anything
else (fewer than three passes) → PAUSE. Insufficient data never counts as a pass.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.grading import Metric, Status
from bot.domain.metricfmt import shortfall_text, target_text, value_text
from bot.domain.weeks import Week

MIN_PASSES_FOR_PIVOT = 3


class Recommendation(StrEnum):
    GO = "go"
    PIVOT = "pivot"
    PAUSE = "pause"
    NO_CALL = "no_call"

    @property
    def heading(self) -> str:
        """How the recommendation is written in a heading: ``GO``, ``NO CALL YET``."""
        return "NO CALL YET" if self is Recommendation.NO_CALL else self.value.upper()


ACTION = {
    Recommendation.GO: "scale to everyone",
    Recommendation.PIVOT: "short pivot: extra training, then retry",
    Recommendation.PAUSE: "investigate, do not scale",
    Recommendation.NO_CALL: "too little data to judge yet",
}


def decide(statuses: Sequence[Status]) -> Recommendation:
    """The bare rule over the five statuses."""
    if statuses and all(s is Status.PASS for s in statuses):
        return Recommendation.GO
    if any(s is Status.FAIL for s in statuses):
        return Recommendation.PAUSE
    if any(s is Status.INSUFFICIENT for s in statuses):
        return Recommendation.NO_CALL
    passes = sum(1 for s in statuses if s is Status.PASS)
    if passes >= MIN_PASSES_FOR_PIVOT and all(s in (Status.PASS, Status.CLOSE) for s in statuses):
        return Recommendation.PIVOT
    return Recommendation.PAUSE


@dataclass(frozen=True)
class Verdict:
    recommendation: Recommendation
    summary: str  # one line: why this recommendation
    reasons: tuple[str, ...]  # one line per group: passed, close, failed, insufficient

    def as_dict(self) -> dict[str, object]:
        return {
            "recommendation": self.recommendation.value,
            "action": ACTION[self.recommendation],
            "summary": self.summary,
            "reasons": list(self.reasons),
        }


def _label(metric: Metric) -> str:
    return metric.label[0].lower() + metric.label[1:]


def _describe(metric: Metric) -> str:
    if metric.status is Status.INSUFFICIENT:
        # "needs at least 1" says nothing the detail does not (it is "any at all"): leave it out.
        need = f"; needs at least {metric.min_sample}" if metric.min_sample > 1 else ""
        return f"{_label(metric)} ({metric.detail}{need})"
    text = f"{_label(metric)} {value_text(metric)} (target {target_text(metric)}"
    gap = shortfall_text(metric)
    return text + (f", {gap})" if gap else ")")


def _missing(metric: Metric) -> int:
    return max(metric.min_sample - metric.sample, 1)


def needs_text(metrics: Sequence[Metric]) -> str:
    """``needs 3 more reviewed live decisions and 2 more survey responses`` (one item per kind)."""
    wanted: dict[str, int] = {}
    for m in metrics:
        if m.status is Status.INSUFFICIENT:
            noun = m.sample_noun or _label(m) + " data point"
            wanted[noun] = max(wanted.get(noun, 0), _missing(m))
    items = [f"{n} more {noun if n == 1 else noun + 's'}" for noun, n in wanted.items()]
    if not items:
        return ""
    return "needs " + (items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1])


def pace_text(metrics: Sequence[Metric], *, week: Week, at: datetime) -> str:
    """When the missing data is likely to be there at this week's pace, in words."""
    if at >= week.end:
        return "the week ended without it"
    elapsed = max((at - week.start).total_seconds(), 3600.0)
    latest = at
    for m in metrics:
        if m.status is not Status.INSUFFICIENT:
            continue
        if m.sample <= 0:
            return "nothing has come in yet this week to judge the pace by"
        eta = at + timedelta(seconds=elapsed * _missing(m) / m.sample)
        latest = max(latest, eta)
    if latest >= week.end:
        return "at this pace not before the week ends"
    day = week.monday + timedelta(days=math.floor((latest - week.start).total_seconds() / 86400))
    return f"at this pace by {day:%A}"


def _summary(result: Recommendation, statuses: list[Status], metrics: Sequence[Metric]) -> str:
    passes, failed, total = statuses.count(Status.PASS), statuses.count(Status.FAIL), len(statuses)
    if result is Recommendation.GO:
        return f"All {total} metrics pass."
    if result is Recommendation.PIVOT:
        return f"{passes} of {total} pass and the other {total - passes} are close."
    if failed:
        return f"{failed} of {total} metrics {'fails' if failed == 1 else 'fail'}."
    if result is Recommendation.NO_CALL:
        return f"No call yet: {needs_text(metrics)}."
    return f"Only {passes} of {total} pass; a pivot needs at least {MIN_PASSES_FOR_PIVOT}."


def recommend(metrics: Sequence[Metric], *, week: Week | None = None, at: datetime | None = None) -> Verdict:
    """Apply the rule and spell out which metrics passed, were close, failed (by how much) or lacked data.

    Given the ``week`` and the moment ``at``, "no call yet" also says when the missing
    data is likely to be there at this week's pace.
    """
    statuses = [m.status for m in metrics]
    result = decide(statuses)
    groups = (
        (Status.PASS, "Passed"),
        (Status.CLOSE, "Close"),
        (Status.FAIL, "Failed"),
        (Status.INSUFFICIENT, "Insufficient data"),
    )
    reasons = tuple(
        f"{title}: " + "; ".join(_describe(m) for m in metrics if m.status is status)
        for status, title in groups
        if any(m.status is status for m in metrics)
    )
    summary = _summary(result, statuses, metrics)
    if result is Recommendation.NO_CALL and week is not None and at is not None:
        summary = summary[:-1] + "; " + pace_text(metrics, week=week, at=at) + "."
    return Verdict(result, summary, reasons)
