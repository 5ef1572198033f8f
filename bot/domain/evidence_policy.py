"""Report sections on judgment and policy: policy feedback, red flags, calibration, overturn reasons,
exception-pattern proposals.

Each function is a ``SectionBuild`` adapting a feature's own ``*_report``. Per-engineer
calibration and overturn reasons stay in the CSV/JSONL files (they are for the engineer's
mentor); the page shows the cohort.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.domain.calibration import calibration_report
from bot.domain.evidence import Chart, ReportScope, SectionResult, Series
from bot.domain.overturn_reasons import overturn_reasons_report
from bot.domain.patterns import proposals_report
from bot.domain.policy_feedback import policy_feedback_report
from bot.domain.red_flags import FIRED, NOT_ENOUGH, red_flags_report

STATES = {FIRED: "fired", NOT_ENOUGH: "not enough data yet"}
STATUSES = ("open", "accepted", "done", "rejected")


def _columns(rows: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for r in rows for k in r))


def policy_feedback(scope: ReportScope) -> SectionResult:
    """Every policy feedback item (files), grouped by rule with counts by status (page)."""
    found = policy_feedback_report(session=scope.session)
    rows = [item.as_row() for item in found.items]
    table = tuple(
        {"rule": g.label, "items": g.count}
        | {status: sum(1 for i in g.items if i.status == status) for status in STATUSES}
        for g in found.groups
    )
    counts = found.by_status
    total = sum(counts.values())
    summary = (
        f"{total} items flagged on {len(found.groups)} rules: "
        + ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES)
        + ".",
        "Accepted and done items count as documented process improvements (red flags below).",
    )
    chart = Chart(
        "Policy feedback by status",
        STATUSES,
        (Series("items", tuple(float(counts.get(s, 0)) for s in STATUSES)),),
    )
    notes = tuple(
        f"{i.rule}: {i.status}" + (f" — {i.reason}" if i.reason else "") + f" (“{i.problem}”)"
        for i in found.items
        if i.status in ("rejected", "done")
    )
    return SectionResult(_columns(rows), tuple(rows), summary, chart, table=table, notes=notes)


def red_flags(scope: ReportScope) -> SectionResult:
    """The role-design red flags as measured at the report's moment, and the ones left to the survey."""
    found = red_flags_report(session=scope.session, program=scope.program, at=scope.at)
    rows: list[dict[str, Any]] = [
        {
            "signal": c.signal,
            "state": STATES.get(c.state, c.state),
            "finding": c.text,
            "threshold": c.threshold,
            "source": c.source,
        }
        for c in found.checks
    ]
    rows += [
        {
            "signal": q.signal,
            "state": "asked in the post-switchover survey",
            "finding": q.question,
            "threshold": "",
            "source": q.why,
        }
        for q in found.questions
    ]
    fired = found.fired
    summary = (
        f"{len(fired)} of {len(found.checks)} measured red flags fired"
        + (": " + "; ".join(c.signal for c in fired) if fired else "")
        + ".",
        f"{len(found.questions)} more signals are not in Casebook's data: the survey asks them instead.",
    )
    display = ("signal", "state", "finding", "threshold")
    return SectionResult(_columns(rows), tuple(rows), summary, display=display)


def calibration(scope: ReportScope) -> SectionResult:
    """Confidence calibration: per confidence level, how often the cohort's calls were sound; Brier score."""
    data = calibration_report(session=scope.session, program=scope.program)
    cohort = data["cohort"]
    rows = [
        {
            "engineer": e["name"],
            "calls": e["total"],
            "brier": round(e["brier"], 3) if e["brier"] is not None else None,
            "high_confidence": e["high"],
            "high_unsound": e["high_unsound"],
            "high_overturned": e["high_overturned"],
            "flag": e["flag"] or "",
        }
        for e in data["engineers"]
    ]
    levels = cohort["levels"]
    table = tuple(
        {
            "confidence": lv["confidence"],
            "stated chance": f"{data['probability'][str(lv['confidence'])]:.0%}",
            "calls": lv["decisions"],
            "sound": lv["sound"],
            "share sound": f"{lv['share']:.0%}" if lv["share"] is not None else "not enough data yet",
        }
        for lv in levels
    )
    brier = cohort["brier"]
    summary = (
        f"Cohort Brier score {brier:.2f} over {cohort['total']} calls (0 is perfect, 0.25 is a coin toss)."
        if brier is not None
        else f"Not enough data yet: {cohort['total']} calls with an outcome.",
        cohort["flag"] or "No overconfidence flag for the cohort.",
        f"{sum(1 for r in rows if r['flag'])} engineers flagged for confident calls that were often wrong.",
    )
    chart = Chart(
        "Share of calls that were sound, by stated confidence (1–5)",
        tuple(str(lv["confidence"]) for lv in levels),
        (
            Series("sound", tuple(lv["share"] for lv in levels)),
            Series("stated", tuple(data["probability"][str(lv["confidence"])] for lv in levels)),
        ),
        unit="share",
    )
    return SectionResult(_columns(rows), tuple(rows), summary, chart, table=table)


def overturn_reasons(scope: ReportScope) -> SectionResult:
    """Which part of the justification reviewers said failed: cohort on the page, per engineer in files."""
    data = overturn_reasons_report(session=scope.session)
    labels: dict[str, str] = data["parts"]
    cohort = data["cohort"]
    rows = [
        {
            "engineer": e["name"],
            "reviews": e["reviews"],
            "overturns": e["overturns"],
            "top_part": e["top"] or "",
        }
        | {part: e["counts"].get(part, 0) for part in labels}
        for e in data["engineers"]
    ]
    counts = Counter(cohort["counts"])
    table = tuple(
        {"part that failed": labels[p], "reviews naming it": counts[p]} for p in labels if counts[p]
    )
    top = cohort["top"]
    summary = (
        f"{cohort['reviews']} reviews named a failed part ({cohort['overturns']} overturns, "
        "the rest “right call, weak reasoning”).",
        f"Most named: {labels[top]} ({counts[top]} of {cohort['reviews']})."
        if top
        else "No part is named often enough to make a pattern.",
    )
    chart = Chart(
        "Reviews naming each part of the justification as failed",
        tuple(labels[p] for p in labels),
        (Series("reviews", tuple(float(counts[p]) for p in labels)),),
    )
    return SectionResult(_columns(rows), tuple(rows), summary, chart, table=table)


def proposals(scope: ReportScope) -> SectionResult:
    """Exception patterns: proposals raised from live decisions by policy rule, and what leads decided."""
    rows = proposals_report(session=scope.session)
    for row in rows:
        row["evidence"] = " ".join(str(i) for i in row["evidence"])
    status = Counter(str(r["status"]) for r in rows)
    summary = (
        (
            f"{len(rows)} proposal{'' if len(rows) == 1 else 's'} raised: "
            + ", ".join(f"{n} {s}" for s, n in sorted(status.items()))
            + ". An accepted proposal is a documented process improvement.",
        )
        if rows
        else ("No rule has crossed the proposal thresholds.",)
    )
    display = ("policy_rule", "kind", "status", "approvals", "overturns", "reviewed", "period", "headline")
    return SectionResult(_columns(rows), tuple(rows), summary, display=display)
