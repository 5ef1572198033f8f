"""The go / pivot / pause recommendation from the five week-11 metrics, with its reasons.

The rule (DESIGN.md): all pass → GO (scale to everyone); any fail → PAUSE
(investigate, do not scale); otherwise at least three pass and the rest are close →
PIVOT (short pivot, extra training, retry); anything else — fewer than three passes,
or a metric without enough data — → PAUSE. Insufficient data never counts as a pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.grading import Metric, Status
from bot.domain.metricfmt import shortfall_text, target_text, value_text

MIN_PASSES_FOR_PIVOT = 3


class Recommendation(StrEnum):
    GO = "go"
    PIVOT = "pivot"
    PAUSE = "pause"


ACTION = {
    Recommendation.GO: "scale to everyone",
    Recommendation.PIVOT: "short pivot: extra training, then retry",
    Recommendation.PAUSE: "pause: investigate, do not scale",
}


def decide(statuses: Sequence[Status]) -> Recommendation:
    """The bare rule over the five statuses."""
    if statuses and all(s is Status.PASS for s in statuses):
        return Recommendation.GO
    if any(s is Status.FAIL for s in statuses):
        return Recommendation.PAUSE
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
        return f"{_label(metric)} ({metric.detail}; needs at least {metric.min_sample})"
    text = f"{_label(metric)} {value_text(metric)} (target {target_text(metric)}"
    gap = shortfall_text(metric)
    return text + (f", {gap})" if gap else ")")


def recommend(metrics: Sequence[Metric]) -> Verdict:
    """Apply the rule and spell out which metrics passed, were close, failed (by how much) or lacked data."""
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
    passes = statuses.count(Status.PASS)
    failed = statuses.count(Status.FAIL)
    missing = statuses.count(Status.INSUFFICIENT)
    total = len(statuses)
    if result is Recommendation.GO:
        summary = f"All {total} metrics pass."
    elif result is Recommendation.PIVOT:
        summary = f"{passes} of {total} pass and the other {total - passes} are close."
    elif failed:
        summary = f"{failed} of {total} metrics {'fails' if failed == 1 else 'fail'}."
    elif missing:
        summary = (
            f"{missing} of {total} metrics {'has' if missing == 1 else 'have'} too little data "
            "to judge; a go/no-go needs all of them measured."
        )
    else:
        summary = f"Only {passes} of {total} pass; a pivot needs at least {MIN_PASSES_FOR_PIVOT}."
    return Verdict(result, summary, reasons)
