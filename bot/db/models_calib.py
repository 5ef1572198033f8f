"""Which parts of a justification a reviewer said failed (issue 18: why an overturn).

One row per (review, part): an overturn or a "Right call, weak reasoning" mark names
one or more parts. Rows are written with the review, in its transaction.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.domain.vocab import JUSTIFICATION_PARTS


class ReviewReason(Base):
    """One failed part of the justification, named in one review."""

    __tablename__ = "review_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    part: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        UniqueConstraint("review_id", "part", name="uq_review_reasons_review_part"),
        CheckConstraint(f"part IN {JUSTIFICATION_PARTS!r}", name="part"),
        Index("ix_review_reasons_part", "part"),
    )
