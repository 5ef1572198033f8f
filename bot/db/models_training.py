"""Training weeks (weeks 9–10): attendance per session, labs done, and the Week-10 mentor sign-offs.

Sessions, modules and labs are the program file's (``training:``); these tables hold only
what people did, keyed by the program file's stable ids, so a uniqueness constraint makes
every click, command and replay land once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base

ATTENDANCE_STATUSES = ("present", "absent")
ATTENDANCE_SOURCES = ("checkin", "correction")
MILESTONES = ("real_exceptions", "testing_environment")


class TrainingAttendance(Base):
    """One engineer at one session: their check-in, or their mentor's correction of it."""

    __tablename__ = "training_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    session_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("person_id", "session_id", name="uq_training_attendance_person_session"),
        CheckConstraint(f"status IN {ATTENDANCE_STATUSES!r}", name="status"),
        CheckConstraint(f"source IN {ATTENDANCE_SOURCES!r}", name="source"),
        Index("ix_training_attendance_session", "session_id"),
    )


class TrainingLab(Base):
    """A lab an engineer marked done."""

    __tablename__ = "training_labs"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    lab_id: Mapped[str] = mapped_column(String(32))
    done_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("person_id", "lab_id", name="uq_training_labs_person_lab"),)


class TrainingSignOff(Base):
    """A mentor's Week-10 sign-off of one milestone for one mentee; the first one stands."""

    __tablename__ = "training_signoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    milestone: Mapped[str] = mapped_column(String(32))
    signed_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    signed_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("person_id", "milestone", name="uq_training_signoffs_person_milestone"),
        CheckConstraint(f"milestone IN {MILESTONES!r}", name="milestone"),
    )
