"""What a mentor sees about each mentee: readiness and this week's numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.db.models import Assessment, Decision
from bot.domain.people import mentees_of
from bot.domain.vocab import Verdict
from bot.domain.weeks import week_label, week_range

READINESS_LABELS = {
    "ready": "Ready (passed and signed off)",
    "awaiting_sign_off": "Passed; waiting for sign-off",
    "not_passed": "Not passed yet",
    "in_progress": "Assessment in progress",
    "none": "No assessment yet",
}


@dataclass(frozen=True)
class MenteeSummary:
    slack_user_id: str
    name: str
    active: bool
    readiness: str  # a key of READINESS_LABELS
    score: float | None
    live: int
    escalated: int
    overturned: int
    practice: int


def readiness(*, session: Session, person_id: int) -> tuple[str, float | None]:
    """From the person's assessments: signed off beats passed beats the latest attempt."""
    rows = (
        session.execute(
            select(Assessment)
            .where(Assessment.person_id == person_id)
            .order_by(Assessment.started_at.desc(), Assessment.id.desc())
        )
        .scalars()
        .all()
    )
    for status in ("ready", "awaiting_sign_off"):
        for row in rows:
            if row.passed and (row.signed_off_at is not None) == (status == "ready"):
                return status, row.score
    if not rows:
        return "none", None
    latest = rows[0]
    if latest.completed_at is None:
        return "in_progress", None
    return "not_passed", latest.score


@dataclass(frozen=True)
class WeekCounts:
    live: int
    escalated: int
    overturned: int
    pending: int
    practice: int


def week_counts(*, session: Session, person_id: int, start: datetime, end: datetime) -> WeekCounts:
    """One person's decisions decided in [start, end): live, of which escalated / overturned / pending."""
    live = Decision.kind == "live"
    row = session.execute(
        select(
            func.count(case((live, 1))),
            func.count(case((live & (Decision.verdict == Verdict.ESCALATE), 1))),
            func.count(case((live & (Decision.review_status == "overturned"), 1))),
            func.count(case((live & (Decision.review_status == "pending"), 1))),
            func.count(case((Decision.kind != "live", 1))),
        ).where(Decision.person_id == person_id, Decision.decided_at >= start, Decision.decided_at < end)
    ).one()
    return WeekCounts(*(int(v) for v in row))


def mentee_summaries(*, session: Session, mentor_id: int, now: datetime, tz: ZoneInfo) -> list[MenteeSummary]:
    """Every mentee of ``mentor_id`` with readiness and the current ISO week's decisions."""
    start, end = week_range(week_label(now, tz), tz)
    out: list[MenteeSummary] = []
    for mentee in mentees_of(session=session, mentor_id=mentor_id):
        counts = week_counts(session=session, person_id=mentee.id, start=start, end=end)
        status, score = readiness(session=session, person_id=mentee.id)
        out.append(
            MenteeSummary(
                slack_user_id=mentee.slack_user_id,
                name=mentee.name,
                active=mentee.status == "active",
                readiness=status,
                score=score,
                live=counts.live,
                escalated=counts.escalated,
                overturned=counts.overturned,
                practice=counts.practice,
            )
        )
    return out
