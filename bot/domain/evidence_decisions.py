"""Report sections on live work: every live decision with its review, and the themes of overturns."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from bot.db.models import Decision, Person, Review
from bot.domain.evidence import Chart, ReportScope, SectionResult, Series
from bot.domain.vocab import VERDICTS
from bot.domain.weeks import week_of

# Words that say nothing about a theme ("the", "should") are left out of the summary.
_STOP_TEXT = (
    "a an and are as at be been but by for from had has have i in is it its not of on or should so "
    "than that the their them there this to was we were what when which while who will with would "
    "you your they he she into also more just only no yes these those over under"
)
STOP = frozenset(_STOP_TEXT.split())


def _live(scope: ReportScope) -> list[Any]:
    first, last = scope.weeks[0], scope.weeks[-1]
    reviewer = aliased(Person)
    return list(
        scope.session.execute(
            select(Decision, Person.name, Review, reviewer.name)
            .join(Person, Person.id == Decision.person_id)
            .outerjoin(Review, Review.decision_id == Decision.id)
            .outerjoin(reviewer, reviewer.id == Review.reviewer_id)
            .where(
                Decision.kind == "live", Decision.decided_at >= first.start, Decision.decided_at < last.end
            )
            .order_by(Decision.decided_at, Decision.id)
        ).all()
    )


def _iso(moment: Any) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def live_decisions(scope: ReportScope) -> SectionResult:
    """Every live decision in the weeks covered: who, what, when, and its review if any."""
    tz = scope.program.tz
    rows: list[dict[str, Any]] = []
    for decision, engineer, review, reviewer in _live(scope) if scope.weeks else []:
        rows.append(
            {
                "decision_id": decision.id,
                "week": week_of(decision.decided_at, tz).label,
                "decided_at": _iso(decision.decided_at),
                "engineer": engineer,
                "category": decision.category,
                "title": decision.title,
                "verdict": decision.verdict,
                "confidence": decision.confidence,
                "review_status": decision.review_status,
                "reviewer": reviewer or "",
                "review_verdict": review.verdict if review else "",
                "suggested_verdict": (review.suggested_verdict or "") if review else "",
                "reviewed_at": _iso(review.reviewed_at) if review else None,
                "review_comment": (review.comment or "") if review else "",
            }
        )
    labels = tuple(w.label for w in scope.weeks)
    by_week: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        by_week[row["week"]][row["verdict"]] += 1
    series = tuple(Series(v, tuple(float(by_week[w][v]) for w in labels)) for v in VERDICTS)
    reviewed = [r for r in rows if r["review_verdict"]]
    overturned = sum(r["review_verdict"] == "overturn" for r in reviewed)
    escalated = sum(r["verdict"] == "escalate" for r in rows)
    summary = (
        f"{len(rows)} live decisions; {escalated} escalated; "
        f"{len(reviewed)} reviewed, {overturned} overturned.",
        f"{len(rows) - len(reviewed)} not reviewed yet."
        if len(rows) > len(reviewed)
        else "Every one was reviewed.",
    )
    chart = Chart("Live decisions by week and verdict", labels, series)
    table = tuple(_week_row(w, [r for r in rows if r["week"] == w]) for w in labels)
    return SectionResult(tuple(rows[0]) if rows else (), tuple(rows), summary, chart, table=table)


def _week_row(week: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One week of live decisions in a line: how many, escalated, reviewed, overturned."""
    reviewed = [r for r in rows if r["review_verdict"]]
    return {
        "week": week,
        "live decisions": len(rows),
        "engineers": len({r["engineer"] for r in rows}),
        "escalated": sum(r["verdict"] == "escalate" for r in rows),
        "reviewed": len(reviewed),
        "overturned": sum(r["review_verdict"] == "overturn" for r in reviewed),
        "awaiting review": len(rows) - len(reviewed),
    }


def _themes(comments: list[str], top: int = 5) -> list[str]:
    """The words reviewers repeat across comments (each counted once per comment)."""
    seen: Counter[str] = Counter()
    for comment in comments:
        seen.update({w for w in re.findall(r"[a-z][a-z\-]{2,}", comment.lower()) if w not in STOP})
    return [f"{word} ({n})" for word, n in seen.most_common(top) if n > 1]


def overturn_themes(scope: ReportScope) -> SectionResult:
    """Overturned live decisions by category: how many, what reviewers would have done, what they said."""
    reviewed: Counter[str] = Counter()
    overturns: dict[str, list[Any]] = defaultdict(list)
    for decision, _engineer, review, _reviewer in _live(scope) if scope.weeks else []:
        if review is None:
            continue
        reviewed[decision.category] += 1
        if review.verdict == "overturn":
            overturns[decision.category].append((decision, review))
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for category in sorted(reviewed, key=lambda c: (-len(overturns[c]), c)):
        found = overturns[category]
        comments = [r.comment.strip() for _, r in found if r.comment and r.comment.strip()]
        suggested = Counter(f"{d.verdict} → {r.suggested_verdict or '?'}" for d, r in found)
        rows.append(
            {
                "category": category,
                "reviewed": reviewed[category],
                "overturned": len(found),
                "overturn_share": round(len(found) / reviewed[category], 3),
                "changes": "; ".join(f"{k} ×{n}" for k, n in suggested.most_common()),
                "recurring_words": ", ".join(_themes(comments)),
            }
        )
        notes.extend(f"{category}: “{c}”" for c in sorted(set(comments)))
    total = sum(len(v) for v in overturns.values())
    summary = (
        (
            f"{total} overturned of {sum(reviewed.values())} reviewed live decisions.",
            f"Most overturned: {rows[0]['category']} ({rows[0]['overturned']}).",
        )
        if total
        else ("No live decision was overturned.",)
    )
    chart = (
        Chart(
            "Overturned live decisions by category",
            tuple(r["category"] for r in rows),
            (Series("overturned", tuple(float(r["overturned"]) for r in rows)),),
        )
        if total
        else None
    )
    return SectionResult(tuple(rows[0]) if rows else (), tuple(rows), summary, chart, notes=tuple(notes))
