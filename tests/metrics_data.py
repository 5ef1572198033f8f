"""Test data for metrics: decisions through the domain, reviews and survey rows by hand.

``bot.domain.reviews.record_review`` and ``bot.domain.surveys`` are being written on
other branches; until they land, reviews and survey responses are created here as
plain rows (exactly the columns those functions fill), and only in tests.
"""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Decision, Person, Review, SurveyAnswer, SurveyResponse
from bot.domain.decisions import record_decision
from bot.domain.incidents import IncidentRow, record_incident
from bot.domain.justification import Justification
from bot.domain.people import find_by_slack_id
from bot.domain.surveys import _publish_if_due

_keys = itertools.count(1)
JUSTIFICATION = Justification(
    policy="Deployment policy 4.2 requires two replicas in production",
    evidence="The generator output shows replicas: 1 for orders-worker",
    risk="Single replica: a node drain takes checkout down for minutes",
    conditions="Approve for 48 hours with rollback to the previous manifest",
    escalation="Escalate to the platform lead: needs a policy owner call",
    confidence=4,
)


def person(session: Session, slack_user_id: str) -> Person:
    found = find_by_slack_id(session=session, slack_user_id=slack_user_id)
    assert found is not None, slack_user_id
    return found


def decide(
    session: Session,
    slack_user_id: str,
    *,
    at: datetime,
    verdict: str = "approve",
    kind: str = "live",
    category: str = "policy_violation",
    outcome: str | None = None,
) -> Decision:
    who = person(session, slack_user_id)
    return record_decision(
        session=session,
        now=at,
        person_id=who.id,
        actor=slack_user_id,
        kind=kind,
        verdict=verdict,
        justification=JUSTIFICATION,
        idempotency_key=f"test:{next(_keys)}",
        category=category,
        title=f"{kind} {verdict} in {category}",
        outcome=outcome,
        review_required=kind == "live",
    ).decision


def review(
    session: Session, decision: Decision, *, at: datetime, verdict: str = "uphold", reviewer: str = "U0MENTOR"
) -> Review:
    """A mentor's review row (what record_review will write), and the decision's new status."""
    row = Review(
        decision_id=decision.id,
        reviewer_id=person(session, reviewer).id,
        verdict=verdict,
        suggested_verdict="escalate" if verdict == "overturn" else None,
        comment="should have gone to the platform lead" if verdict == "overturn" else None,
        reviewed_at=at,
        decision_kind=decision.kind,
    )
    session.add(row)
    decision.review_status = "overturned" if verdict == "overturn" else "upheld"
    session.flush()
    return row


def survey(
    session: Session,
    slack_user_id: str,
    *,
    week: str,
    answers: list[int],
    at: datetime,
    confidence: int | None = None,
    minimum: int = 3,
) -> SurveyResponse:
    """One weekly survey response: ``answers`` are the satisfaction questions (1–5).

    Who answered and what was answered are separate rows (issue 13); answers are
    published, as ``submit_survey`` does, once ``minimum`` of them wait.
    """
    row = SurveyResponse(
        person_id=person(session, slack_user_id).id, survey="weekly", week=week, submitted_at=at
    )
    session.add(row)
    session.add(
        SurveyAnswer(
            id=secrets.token_hex(16),
            survey="weekly",
            week=week,
            answers={f"q{i}": a for i, a in enumerate(answers)} | {"confidence": confidence},
            answer_sum=sum(answers),
            answer_count=len(answers),
            confidence=confidence,
            comment=None,
        )
    )
    session.flush()
    _publish_if_due(session, at, "weekly", week, minimum)
    return row


def incident(
    session: Session, priority: str, minutes: float, *, opened_at: datetime, ref: str | None = None
) -> None:
    row = IncidentRow(ref, priority, opened_at, opened_at + timedelta(minutes=minutes))
    record_incident(session=session, now=opened_at, actor="test", row=row, source="import")


def count(session: Session, model: type) -> int:
    return len(session.execute(select(model)).scalars().all())
