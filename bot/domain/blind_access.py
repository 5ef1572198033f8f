"""Who holds a decision's blind second review: what keeps the first verdict out of their sight.

Kept apart from :mod:`bot.domain.blind_reviews` (which uses the review checks) so that
:mod:`bot.domain.reviews` and :mod:`bot.domain.reminders` can ask without an import cycle.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.db.models_review2 import BlindReview

BLIND_ONLY = (
    "Already reviewed by someone else. You're this decision's blind second reviewer, so their "
    "verdict isn't shown to you; answer on the card in your DMs."
)


def holds_blind_review(*, session: Session, decision_id: int, reviewer_id: int) -> bool:
    """Whether this person holds the decision's blind second review (so must not be shown its review post)."""
    found = session.execute(
        select(BlindReview.id).where(
            BlindReview.decision_id == decision_id, BlindReview.reviewer_id == reviewer_id
        )
    ).first()
    return found is not None


def void_blind(*, session: Session, decision_id: int, reviewer_id: int) -> None:
    """The blind second reviewer gave the first verdict themselves: their blind one measures nothing now."""
    blind = session.execute(
        select(BlindReview).where(
            BlindReview.decision_id == decision_id, BlindReview.reviewer_id == reviewer_id
        )
    ).scalar_one_or_none()
    if blind is not None:
        blind.status = "void"


def blind_decisions(*, reviewer_id: int) -> Select[int]:
    """The decisions this person reviews blind (and did not end up reviewing first), as a subquery."""
    return select(BlindReview.decision_id).where(
        BlindReview.reviewer_id == reviewer_id, BlindReview.status != "void"
    )
