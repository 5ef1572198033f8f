"""Mentor reviews of decisions: who may review, recording the one verdict, the queue.

A decision is reviewed once: the first verdict stands. ``Review.decision_id`` is
unique and ``record_review`` locks the decision row first (``SELECT … FOR UPDATE``
on PostgreSQL; SQLite serialises writers with ``BEGIN IMMEDIATE``), so two
reviewers pressing at the same moment leave one review, and the other is told who
got there first. Overturning needs the verdict that should have been made and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Decision, MentorPair, Person, Review
from bot.domain.blind_access import BLIND_ONLY, blind_decisions, holds_blind_review, void_blind
from bot.domain.errors import Conflict, DomainError, Forbidden, NotFound
from bot.domain.people import mentor_of
from bot.domain.reasoning import ScenarioKey, scenario_key
from bot.domain.vocab import REVIEWERS, VERDICTS

REVIEW_VERDICTS = ("uphold", "overturn")
STATUS_AFTER = {"uphold": "upheld", "overturn": "overturned"}
COMMENT_MIN = 10
COMMENT_MAX = 3000


@dataclass(frozen=True)
class ReviewPostData:
    """Everything a review-channel post shows about one decision."""

    decision_id: int
    kind: str
    engineer_slack_id: str
    engineer_name: str
    category: str
    title: str
    verdict: str
    justification: dict[str, Any]
    source_url: str | None
    seconds_to_decide: float | None
    decided_at: datetime
    status: str
    reviewer_slack_id: str | None = None
    review_verdict: str | None = None
    review_comment: str | None = None
    suggested_verdict: str | None = None
    reviewed_at: datetime | None = None
    source_text: str | None = None
    reviewer_name: str | None = None
    weak_reasoning: bool = False
    key: ScenarioKey | None = None  # practice and assessment decisions: the scenario's answer key


def review_post_data(*, session: Session, decision_id: int, new: bool = False) -> ReviewPostData:
    """What the decision's review post shows; ``new``: written in this transaction, so not reviewed
    yet (the look for its review is skipped: it ran under SQLite's write lock on every submission)."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"Decision {decision_id} does not exist.")
    engineer = session.get(Person, decision.person_id)
    assert engineer is not None
    review = None if new else first_review(session=session, decision_id=decision_id)
    reviewer = session.get(Person, review.reviewer_id) if review else None
    return ReviewPostData(
        decision_id=decision.id,
        kind=decision.kind,
        engineer_slack_id=engineer.slack_user_id,
        engineer_name=engineer.name,
        category=decision.category,
        title=decision.title,
        verdict=decision.verdict,
        justification=dict(decision.justification),
        source_url=decision.source_url,
        seconds_to_decide=decision.seconds_to_decide,
        decided_at=decision.decided_at,
        status=decision.review_status,
        reviewer_slack_id=reviewer.slack_user_id if reviewer else None,
        review_verdict=review.verdict if review else None,
        review_comment=review.comment if review else None,
        suggested_verdict=review.suggested_verdict if review else None,
        reviewed_at=review.reviewed_at if review else None,
        source_text=decision.source_text,
        reviewer_name=reviewer.name if reviewer else None,
        weak_reasoning=bool(review.weak_reasoning) if review else False,
        key=scenario_key(session=session, decision=decision),
    )


class AlreadyReviewed(Conflict):
    """The decision has its verdict already; carries who gave it and when."""

    def __init__(self, *, verdict: str, reviewer_name: str, reviewer_slack_id: str, at: datetime) -> None:
        self.verdict = verdict
        self.reviewer_name = reviewer_name
        self.reviewer_slack_id = reviewer_slack_id
        self.at = at
        super().__init__(
            f"Already {STATUS_AFTER[verdict]} by {reviewer_name} at {at:%Y-%m-%d %H:%M} UTC; "
            "the first verdict stands."
        )


class ReviewInputError(DomainError):
    """Bad verdict input; ``errors`` maps the field (comment, suggested_verdict) to its problem."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def check_review_input(
    *,
    verdict: str,
    comment: str | None,
    suggested_verdict: str | None,
    decided: str | None = None,
    weak_reasoning: bool = False,
    kind: str | None = None,
) -> dict[str, str]:
    """Problems with a verdict's comment, suggested verdict and weak-reasoning mark, keyed by field."""
    errors: dict[str, str] = {}
    if verdict not in REVIEW_VERDICTS:
        return {"verdict": f"Unknown review verdict {verdict!r}."}
    if weak_reasoning and (verdict != "uphold" or kind == "live"):
        errors["weak_reasoning"] = "“Right call, weak reasoning” upholds a practice or assessment call."
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX:
        errors["comment"] = f"Keep the comment under {COMMENT_MAX} characters (it has {len(text)})."
    elif verdict == "overturn" and len(text) < COMMENT_MIN:
        errors["comment"] = (
            "Overturning needs a comment: what should have been decided, and why "
            f"(at least {COMMENT_MIN} characters)."
        )
    if verdict == "overturn":
        if suggested_verdict not in VERDICTS:
            errors["suggested_verdict"] = "Choose the decision that should have been made."
        elif decided is not None and suggested_verdict == decided:
            errors["suggested_verdict"] = (
                f"{decided.capitalize()} is what was decided; to agree with it, uphold instead."
            )
    return errors


def first_review(*, session: Session, decision_id: int) -> Review | None:
    """The decision's review (the first verdict, which stands), if it has one."""
    return session.execute(select(Review).where(Review.decision_id == decision_id)).scalar_one_or_none()


def _existing(session: Session, decision_id: int) -> AlreadyReviewed | None:
    review = first_review(session=session, decision_id=decision_id)
    if review is None:
        return None
    reviewer = session.get(Person, review.reviewer_id)
    return AlreadyReviewed(
        verdict=review.verdict,
        reviewer_name=reviewer.name if reviewer else "someone",
        reviewer_slack_id=reviewer.slack_user_id if reviewer else "",
        at=review.reviewed_at,
    )


class BlindAlready(AlreadyReviewed):
    """Already reviewed, told to the decision's blind second reviewer: no verdict, no name, no time."""

    def __init__(self) -> None:
        Conflict.__init__(self, BLIND_ONLY)
        self.verdict = ""
        self.reviewer_name = ""
        self.reviewer_slack_id = ""
        self.at = datetime.min


def review_gate(
    *, session: Session, decision_id: int, reviewer_slack_id: str, lock: bool = False
) -> Decision:
    """The decision, if this person may review it now; else a DomainError saying why not."""
    reviewer = session.execute(
        select(Person).where(Person.slack_user_id == reviewer_slack_id)
    ).scalar_one_or_none()
    if reviewer is None or reviewer.status != "active":
        raise Forbidden("You're not on the Casebook roster, so you can't review decisions.")
    if not reviewer.role_names & REVIEWERS:
        raise Forbidden("Only mentors, leads and admins can review decisions.")
    query = select(Decision).where(Decision.id == decision_id)
    if lock:
        query = query.with_for_update()
    decision = session.execute(query).scalar_one_or_none()
    if decision is None:
        raise NotFound(f"Decision #{decision_id} does not exist.")
    if decision.person_id == reviewer.id:
        raise Forbidden("You can't review your own decision; another mentor or lead will.")
    blind = holds_blind_review(session=session, decision_id=decision_id, reviewer_id=reviewer.id)
    if blind and _existing(session, decision_id) is not None:
        raise BlindAlready()  # not "Already upheld by …": the first verdict must stay unseen
    already = _existing(session, decision_id)
    if already is not None:
        raise already
    if decision.review_status != "pending":
        raise Conflict(f"Decision #{decision_id} does not need a review.")
    return decision


@dataclass(frozen=True)
class RecordedReview:
    review: Review
    decision: Decision
    reviewer: Person
    engineer: Person
    assigned_mentor: Person | None  # the engineer's mentor, when someone else reviewed


def _insert_review(*, session: Session, review: Review) -> None:
    try:
        with session.begin_nested():
            session.add(review)
            session.flush()
    except IntegrityError:
        # Another reviewer's transaction committed between our check and our insert.
        already = _existing(session, review.decision_id)
        if already is None:
            raise
        raise already from None


def _audit_review(
    *, session: Session, now: datetime, review: Review, decision: Decision, engineer: Person, before: str
) -> None:
    reviewer = session.get(Person, review.reviewer_id)
    append_event(
        session=session,
        now=now,
        actor=reviewer.slack_user_id if reviewer else "",
        action="review.recorded",
        subject_type="decision",
        subject_id=decision.id,
        reason=review.comment[:500] if review.comment else None,
        payload={
            "review_id": review.id,
            "verdict": review.verdict,
            "suggested_verdict": review.suggested_verdict,
            "weak_reasoning": review.weak_reasoning,
            "comment": review.comment,
            "decision_kind": decision.kind,
            "decided_verdict": decision.verdict,
            "engineer": engineer.slack_user_id,
            "before": {"review_status": before},
            "after": {"review_status": decision.review_status},
        },
    )


def record_review(
    *,
    session: Session,
    now: datetime,
    decision_id: int,
    reviewer_slack_id: str,
    verdict: str,
    comment: str | None,
    suggested_verdict: str | None,
    weak_reasoning: bool = False,
) -> RecordedReview:
    """Record the first verdict on a decision, its status change and audit event.

    ``weak_reasoning`` ("Right call, weak reasoning") upholds the call, so it is no rework
    or overturn, and makes the decision count as not sound in the reasoning score.
    """
    decision = review_gate(
        session=session, decision_id=decision_id, reviewer_slack_id=reviewer_slack_id, lock=True
    )
    errors = check_review_input(
        verdict=verdict,
        comment=comment,
        suggested_verdict=suggested_verdict,
        decided=decision.verdict,
        weak_reasoning=weak_reasoning,
        kind=decision.kind,
    )
    if errors:
        raise ReviewInputError(errors)
    reviewer = session.execute(select(Person).where(Person.slack_user_id == reviewer_slack_id)).scalar_one()
    engineer = session.get(Person, decision.person_id)
    assert engineer is not None
    review = Review(
        decision_id=decision.id,
        reviewer_id=reviewer.id,
        verdict=verdict,
        suggested_verdict=suggested_verdict if verdict == "overturn" else None,
        comment=(comment or "").strip() or None,
        reviewed_at=now,
        decision_kind=decision.kind,
        weak_reasoning=weak_reasoning,
    )
    _insert_review(session=session, review=review)
    void_blind(session=session, decision_id=decision.id, reviewer_id=reviewer.id)
    before = decision.review_status
    decision.review_status = STATUS_AFTER[verdict]
    session.flush()
    _audit_review(
        session=session, now=now, review=review, decision=decision, engineer=engineer, before=before
    )
    mentor = mentor_of(session=session, person_id=engineer.id)
    assigned = mentor if mentor is not None and mentor.id != reviewer.id else None
    return RecordedReview(review, decision, reviewer, engineer, assigned)


@dataclass(frozen=True)
class PendingItem:
    decision_id: int
    kind: str
    title: str
    category: str
    verdict: str
    engineer_slack_id: str
    engineer_name: str
    decided_at: datetime
    age: timedelta


def pending_queue(
    *,
    session: Session,
    reviewer_id: int,
    everyone: bool,
    now: datetime,
    limit: int = 100,
    practice: bool = False,
) -> tuple[list[PendingItem], int]:
    """Decisions waiting for this reviewer, oldest first, and how many there are in all.

    Two queues: by default the live queue (live decisions only); with ``practice`` the
    optional practice queue (practice and assessment decisions), so training never
    crowds out real exceptions. A mentor's queue holds their mentees' decisions; with
    ``everyone`` (leads and admins) it holds every pending decision. Nobody's queue
    holds their own.
    """
    kind = Decision.kind != "live" if practice else Decision.kind == "live"
    where = [Decision.review_status == "pending", Decision.person_id != reviewer_id, kind]
    # Not the decisions this person reviews blind: the queue links to the post the first verdict lands on.
    where.append(Decision.id.not_in(blind_decisions(reviewer_id=reviewer_id)))
    if not everyone:
        mentees = select(MentorPair.mentee_id).where(MentorPair.mentor_id == reviewer_id)
        where.append(Decision.person_id.in_(mentees))
    total = session.execute(select(func.count(Decision.id)).where(*where)).scalar_one()
    rows = session.execute(
        select(Decision, Person)
        .join(Person, Person.id == Decision.person_id)
        .where(*where)
        .order_by(Decision.decided_at, Decision.id)
        .limit(limit)
    ).all()
    items = [
        PendingItem(
            decision_id=d.id,
            kind=d.kind,
            title=d.title,
            category=d.category,
            verdict=d.verdict,
            engineer_slack_id=p.slack_user_id,
            engineer_name=p.name,
            decided_at=d.decided_at,
            age=now - d.decided_at,
        )
        for d, p in rows
    ]
    return items, int(total)


def overdue(*, session: Session, now: datetime, sla: timedelta) -> list[tuple[Decision, Person]]:
    """Pending decisions older than the review SLA with their engineer, oldest first."""
    rows = session.execute(
        select(Decision, Person)
        .join(Person, Person.id == Decision.person_id)
        .where(Decision.review_status == "pending", Decision.decided_at <= now - sla)
        .order_by(Decision.decided_at, Decision.id)
    ).all()
    return [(d, p) for d, p in rows]
