"""Tables for blind second reviews (reviewer consistency) and the exception expiry register.

A blind second review is measurement only: it never touches ``decisions.review_status``
or rework. One per decision (``decision_id`` unique), so a replayed assignment or a
double submit leaves one row. The register holds one row per live approval: what its
conditions say, the expiry date parsed from them (or none given), and the engineer's
answer at expiry; a "no" is delayed rework.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base

BLIND_STATUSES = ("open", "answered", "void")
EXCEPTION_STATUSES = ("open", "asked", "answered")
EXCEPTION_OUTCOMES = ("rolled_back", "permanent", "extended", "not_rolled_back")


class BlindReview(Base):
    """A second mentor's uphold / overturn given without seeing the first verdict."""

    __tablename__ = "blind_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    assigned_at: Mapped[datetime]
    verdict: Mapped[str | None] = mapped_column(String(16))  # uphold | overturn
    suggested_verdict: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("status IN ('open', 'answered', 'void')", name="status"),
        CheckConstraint("verdict IS NULL OR verdict IN ('uphold', 'overturn')", name="verdict"),
        Index("ix_blind_reviews_reviewer_status", "reviewer_id", "status"),
    )


class ExceptionEntry(Base):
    """One approved live exception: its conditions, expiry and what happened at expiry."""

    __tablename__ = "exception_register"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    conditions: Mapped[str] = mapped_column(Text)
    expires_on: Mapped[date | None] = mapped_column(Date)  # None: no expiry given
    expiry_text: Mapped[str | None] = mapped_column(String(200))  # the words the date was read from
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    asked_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    conditions_met: Mapped[bool | None] = mapped_column(Boolean)
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    delayed_rework: Mapped[bool | None] = mapped_column(Boolean)

    __table_args__ = (
        CheckConstraint("status IN ('open', 'asked', 'answered')", name="status"),
        CheckConstraint(
            "outcome IS NULL OR outcome IN ('rolled_back', 'permanent', 'extended', 'not_rolled_back')",
            name="outcome",
        ),
        Index("ix_exception_register_status_expires_on", "status", "expires_on"),
        Index("ix_exception_register_person_id", "person_id"),
    )
