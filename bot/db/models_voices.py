"""Tables for the people's voices: reflections, and the Friday wrap-up lessons.

A reflection is personal, not anonymous: it belongs to its author (their mentor reads it;
the PM only when ``shared_with_pm``). Lessons follow the survey's rule (migration 0005):
``lessons`` rows carry a person only when the author chose "attribute to me"; an anonymous
one has no person, no time and a random id, and ``lesson_responses`` records apart that
someone answered a kind in a week (one each, so a replayed or repeated submission adds nothing).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base

LESSON_KINDS = ("went_well", "was_hard")


class Reflection(Base):
    """One engineer's reflection for one reflection day: their answers keyed by question id."""

    __tablename__ = "reflections"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    day: Mapped[date] = mapped_column(Date)  # the reflection day (program-local)
    answers: Mapped[dict[str, Any]]
    shared_with_pm: Mapped[bool] = mapped_column(Boolean)
    revision: Mapped[int]  # 1, then +1 per change (the mentor is sent each revision once)
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("person_id", "day", name="uq_reflections_person_day"),
        CheckConstraint("revision >= 1", name="revision"),
        Index("ix_reflections_day", "day"),
    )


class Lesson(Base):
    """One wrap-up lesson; ``person_id`` only when attributed. Anonymous: no person, no time, random id."""

    __tablename__ = "lessons"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex: the order says nothing
    week: Mapped[str] = mapped_column(String(8))  # YYYY-Www
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    __table_args__ = (
        CheckConstraint(f"kind IN {LESSON_KINDS!r}", name="kind"),
        Index("ix_lessons_week", "week", "kind"),
    )


class LessonResponse(Base):
    """That a person answered one kind of lesson in one week: never what, nor whether anonymously."""

    __tablename__ = "lesson_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    week: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        UniqueConstraint("person_id", "week", "kind", name="uq_lesson_responses_person_week_kind"),
        CheckConstraint(f"kind IN {LESSON_KINDS!r}", name="kind"),
    )
