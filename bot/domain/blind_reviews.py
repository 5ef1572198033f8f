"""Blind second reviews: which live decisions get one, who gives it, and recording the answer.

A share of live decisions (``review_quality.blind_share``) is picked by a hash of the
decision id, so the pick is the same on every replica, replay and test run. The second
reviewer is a mentor or lead who is neither the author nor the author's mentor (the
usual first reviewer), also chosen by hash. Their verdict is stored here and nowhere
else: the decision's ``review_status`` and rework are the first verdict's alone. The
data they are shown (:class:`BlindCardData`) has no field for the first verdict, so no
card built from it can leak one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Decision, Person, Review
from bot.db.models_review2 import BlindReview
from bot.domain.errors import Conflict, Forbidden, NotFound
from bot.domain.people import mentor_of
from bot.domain.reviews import ReviewInputError, check_review_input
from bot.domain.vocab import Role

SECOND_REVIEWERS = frozenset({Role.MENTOR, Role.LEAD})


def _unit(label: str, decision_id: int) -> float:
    """A number in [0, 1) fixed by ``label`` and the decision id (sha256, not Python's salted hash)."""
    digest = hashlib.sha256(f"{label}:{decision_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def picked_for_blind_review(*, decision_id: int, share: float) -> bool:
    """Whether this decision is in the blind-review sample (share 1.0: all, 0: none)."""
    return share >= 1.0 or (share > 0.0 and _unit("blind-review", decision_id) < share)


def second_reviewer(*, session: Session, decision: Decision) -> Person | None:
    """The blind second reviewer: an active mentor or lead, not the author, their mentor or first reviewer."""
    excluded = {decision.person_id}
    mentor = mentor_of(session=session, person_id=decision.person_id)
    if mentor is not None:
        excluded.add(mentor.id)
    first = session.execute(select(Review.reviewer_id).where(Review.decision_id == decision.id)).scalar()
    if first is not None:
        excluded.add(first)
    people = session.execute(select(Person).where(Person.status == "active").order_by(Person.id)).scalars()
    candidates = [p for p in people if p.id not in excluded and p.role_names & SECOND_REVIEWERS]
    if not candidates:
        return None
    return candidates[int(_unit("blind-reviewer", decision.id) * len(candidates))]


@dataclass(frozen=True)
class Assigned:
    blind_review_id: int
    decision_id: int
    reviewer_slack_id: str
    created: bool


def assign_blind_review(
    *, session: Session, now: datetime, decision_id: int, share: float
) -> Assigned | None:
    """Assign a blind second review if the decision is picked and someone may give it (idempotent)."""
    decision = session.get(Decision, decision_id)
    if decision is None or decision.kind != "live":
        return None
    if not picked_for_blind_review(decision_id=decision_id, share=share):
        return None
    existing = _row(session, decision_id)
    if existing is not None:
        return _assigned(session, existing, created=False)
    reviewer = second_reviewer(session=session, decision=decision)
    if reviewer is None:
        return None
    row = BlindReview(decision_id=decision_id, reviewer_id=reviewer.id, status="open", assigned_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # another replica assigned it between our check and our insert
        winner = _row(session, decision_id)
        assert winner is not None
        return _assigned(session, winner, created=False)
    append_event(
        session=session,
        now=now,
        actor="casebook",
        action="blind_review.assigned",
        subject_type="decision",
        subject_id=decision_id,
        payload={"blind_review_id": row.id, "reviewer": reviewer.slack_user_id},
    )
    return _assigned(session, row, created=True)


def _row(session: Session, decision_id: int, *, lock: bool = False) -> BlindReview | None:
    query = select(BlindReview).where(BlindReview.decision_id == decision_id)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def _assigned(session: Session, row: BlindReview, *, created: bool) -> Assigned:
    reviewer = session.get(Person, row.reviewer_id)
    assert reviewer is not None
    return Assigned(row.id, row.decision_id, reviewer.slack_user_id, created)


@dataclass(frozen=True)
class BlindCardData:
    """What the blind reviewer sees: the decision as logged, and their own answer. No first verdict."""

    decision_id: int
    engineer_slack_id: str
    category: str
    title: str
    verdict: str
    justification: dict[str, Any]
    source_url: str | None
    source_text: str | None
    decided_at: datetime
    status: str  # the blind review's: open | answered | void
    my_verdict: str | None = None
    my_suggested: str | None = None
    my_comment: str | None = None


def blind_card_data(*, session: Session, decision_id: int) -> BlindCardData:
    row = _row(session, decision_id)
    decision = session.get(Decision, decision_id)
    if row is None or decision is None:
        raise NotFound(f"Decision #{decision_id} has no blind second review.")
    engineer = session.get(Person, decision.person_id)
    assert engineer is not None
    return BlindCardData(
        decision_id=decision.id,
        engineer_slack_id=engineer.slack_user_id,
        category=decision.category,
        title=decision.title,
        verdict=decision.verdict,
        justification=dict(decision.justification),
        source_url=decision.source_url,
        source_text=decision.source_text,
        decided_at=decision.decided_at,
        status=row.status,
        my_verdict=row.verdict,
        my_suggested=row.suggested_verdict,
        my_comment=row.comment,
    )


def blind_gate(
    *, session: Session, decision_id: int, reviewer_slack_id: str, lock: bool = False
) -> BlindReview:
    """The blind review row, if it is this person's to answer; else a DomainError saying why not."""
    row = _row(session, decision_id, lock=lock)
    reviewer = session.execute(
        select(Person).where(Person.slack_user_id == reviewer_slack_id)
    ).scalar_one_or_none()
    if row is None or reviewer is None or row.reviewer_id != reviewer.id:
        raise Forbidden("This blind second review was asked of someone else.")
    if reviewer.status != "active":
        raise Forbidden("You're not on the Casebook roster, so you can't review decisions.")
    if row.status == "void":
        raise Conflict(f"The blind second review of decision #{decision_id} is no longer needed.")
    return row


def record_blind_review(
    *,
    session: Session,
    now: datetime,
    decision_id: int,
    reviewer_slack_id: str,
    verdict: str,
    comment: str | None,
    suggested_verdict: str | None,
) -> tuple[BlindReview, bool]:
    """Store the blind verdict (the first answer stands; a repeat changes nothing); returns (row, created).

    The decision's review status and rework are never touched: the first verdict decides.
    """
    row = blind_gate(session=session, decision_id=decision_id, reviewer_slack_id=reviewer_slack_id, lock=True)
    if row.status == "answered":
        return row, False
    decision = session.get(Decision, decision_id)
    assert decision is not None
    errors = check_review_input(
        verdict=verdict,
        comment=comment,
        suggested_verdict=suggested_verdict,
        decided=decision.verdict,
        kind="live",
    )
    if errors:
        raise ReviewInputError(errors)
    row.verdict = verdict
    row.suggested_verdict = suggested_verdict if verdict == "overturn" else None
    row.comment = (comment or "").strip() or None
    row.status = "answered"
    row.answered_at = now
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=reviewer_slack_id,
        action="blind_review.recorded",
        subject_type="decision",
        subject_id=decision_id,
        reason=row.comment[:500] if row.comment else None,
        payload={"blind_review_id": row.id, "verdict": verdict, "suggested_verdict": row.suggested_verdict},
    )
    return row, True


def any_blind_reviews(*, session: Session) -> bool:
    """Whether any blind second review was ever assigned (else there is nothing to measure yet)."""
    return session.execute(select(BlindReview.id).limit(1)).first() is not None


def open_blind_reviews(*, session: Session, reviewer_id: int, limit: int = 10) -> list[tuple[int, str]]:
    """(decision id, title) of the blind reviews waiting for this person's answer, oldest first."""
    rows = session.execute(
        select(Decision.id, Decision.title)
        .join(BlindReview, BlindReview.decision_id == Decision.id)
        .where(BlindReview.reviewer_id == reviewer_id, BlindReview.status == "open")
        .order_by(BlindReview.assigned_at, BlindReview.id)
        .limit(limit)
    ).all()
    return [(int(i), str(t)) for i, t in rows]
