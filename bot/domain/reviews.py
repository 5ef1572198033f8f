"""Mentor reviews of decisions: the data a review post shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Decision, Person, Review
from bot.domain.errors import NotFound


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


def review_post_data(*, session: Session, decision_id: int) -> ReviewPostData:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"Decision {decision_id} does not exist.")
    engineer = session.get(Person, decision.person_id)
    assert engineer is not None
    review = session.execute(select(Review).where(Review.decision_id == decision_id)).scalar_one_or_none()
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
    )
