"""The scorecard as a JSON-ready dict (the shape `casebook metrics --json` prints; docs/metrics.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.gonogo import Verdict
from bot.domain.grading import Metric
from bot.domain.metrics import Scorecard
from bot.domain.supporting import Supporting


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _with_change(metric: Metric, previous: Scorecard | None) -> dict[str, Any]:
    out = metric.as_dict()
    prev = previous.metric(metric.key).value if previous else None
    out["previous"] = prev
    out["change"] = metric.value - prev if metric.value is not None and prev is not None else None
    return out


def scorecard_report(
    *,
    card: Scorecard,
    previous: Scorecard | None,
    verdict: Verdict,
    support: Supporting,
    timezone: str,
    generated_at: datetime,
) -> dict[str, Any]:
    facts = card.facts
    return {
        "week": {
            "label": card.week.label,
            "start": _iso(card.week.start),
            "end": _iso(card.week.end),
            "timezone": timezone,
        },
        "generated_at": _iso(generated_at),
        "empty": card.empty,
        "recommendation": verdict.as_dict(),
        "metrics": [_with_change(m, previous) for m in card.core],
        "week12": [_with_change(m, previous) for m in card.week12],
        "week12_due": card.week12_due,
        "cohorts": {
            "week11": {"cohort": card.cohort[0].value, "people": card.cohort[1]},
            "week12": {"cohort": card.week12_cohort[0].value, "people": card.week12_cohort[1]},
        },
        "supporting": support.as_dict(),
        "counts": {
            "live_decisions": facts.live.total,
            "practice_decisions": facts.practice_decisions,
            "live_reviews": facts.reviews.reviewed,
            "survey_responses": facts.survey.responses,
            "incidents": facts.incidents.count,
            "engineers": facts.people.engineers,
        },
    }
