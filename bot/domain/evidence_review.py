"""Report sections on review quality: reviewer consistency (blind second reviews) and the exception register.

Each function is a ``SectionBuild`` adapting the feature's own ``*_report``. The page shows
figures only from the minimum number of pairs up (the consistency feature decides ``enough``)
and the register's counts; the files keep every pair, disagreement and register line.
"""

from __future__ import annotations

from typing import Any

from bot.domain.consistency import Agreement, consistency_report
from bot.domain.evidence import ReportScope, SectionResult
from bot.domain.exception_register import exceptions_register_report

NOT_ENOUGH = "not enough data yet"


def _figures(label: str, found: Agreement) -> dict[str, Any]:
    if not found.enough:
        return {"who": label, "pairs": found.pairs, "agreement": NOT_ENOUGH, "kappa": NOT_ENOUGH}
    kappa = "not defined (every verdict the same)" if found.degenerate else f"{found.kappa:.2f}"
    return {"who": label, "pairs": found.pairs, "agreement": f"{found.p_o:.0%}", "kappa": kappa}


def consistency(scope: ReportScope) -> SectionResult:
    """Agreement and Cohen's kappa overall, per reviewer pair and per category; every disagreement."""
    data = consistency_report(session=scope.session, program=scope.program)
    table = (
        _figures("all pairs", data.overall),
        *(_figures(f"pair: {row.label}", row.figures) for row in data.by_pair),
        *(_figures(f"category: {row.label.replace('_', ' ')}", row.figures) for row in data.by_category),
    )
    rows = [
        {
            "decision": pair.decision_id,
            "title": pair.title,
            "category": pair.category,
            "first_reviewer": pair.first_name,
            "first_verdict": pair.first_verdict,
            "first_comment": pair.first_comment or "",
            "second_reviewer": pair.second_name,
            "second_verdict": pair.second_verdict,
            "second_comment": pair.second_comment or "",
        }
        for pair in data.disagreements
    ]
    overall = data.overall
    if overall.enough and not overall.degenerate:
        headline = (
            f"{overall.agree} of {overall.pairs} blind second reviews agreed with the first "
            f"({overall.p_o:.0%}); "
            f"Cohen's kappa {overall.kappa:.2f} (1 is perfect agreement, 0 is what chance alone gives)."
        )
    elif overall.enough:
        headline = f"All {overall.pairs} pairs gave the same verdict: agreement 100%, kappa not defined."
    else:
        headline = f"Not enough data yet: {overall.pairs} blind pairs (figures from {data.min_pairs})."
    listed = f"{len(rows)} disagreements listed in the files for the leads to settle the standard."
    summary = (headline, listed)
    columns = tuple(rows[0]) if rows else ("decision", "first_verdict", "second_verdict")
    return SectionResult(columns, tuple(rows), summary, table=table)


def exceptions(scope: ReportScope) -> SectionResult:
    """Every approved live exception with its expiry, conditions and answer; counts on the page."""
    data = exceptions_register_report(session=scope.session)
    rows = [
        {
            "id": e.id,
            "decision": e.decision_id,
            "engineer": e.engineer_name,
            "title": e.title,
            "conditions": e.conditions,
            "expires_on": e.expires_on.isoformat() if e.expires_on else "",
            "status": e.status,
            "conditions_met": "" if e.conditions_met is None else ("yes" if e.conditions_met else "no"),
            "outcome": e.outcome or "",
            "delayed_rework": "" if e.delayed_rework is None else ("yes" if e.delayed_rework else "no"),
        }
        for e in data.entries
    ]
    answered = data.answered
    summary = (
        f"{len(rows)} approved exceptions registered: {data.open} open, {data.asked} asked at expiry, "
        f"{answered} answered; {data.no_expiry} gave no expiry.",
        f"Delayed rework: {data.delayed_rework} of {answered} answered exceptions did not end as agreed."
        if answered
        else "No expiry question answered yet.",
    )
    table = (
        {"state": "open", "exceptions": data.open},
        {"state": "asked at expiry", "exceptions": data.asked},
        {"state": "answered", "exceptions": answered},
        {"state": "no expiry given", "exceptions": data.no_expiry},
        {"state": "delayed rework", "exceptions": data.delayed_rework},
    )
    columns = tuple(rows[0]) if rows else ("id", "decision", "status")
    return SectionResult(columns, tuple(rows), summary, table=table)
