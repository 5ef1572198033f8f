"""Reflections: a few written answers from each engineer on the reflection days the program names.

A reflection belongs to its author and their mentor. The PM sees who has submitted (names
and counts), never the text, unless the author ticked "share with the PM". It can be
changed until the end of the reflection day's week (its Sunday, the author's local time);
submitting the same text again changes nothing. Texts never go to the audit trail or logs:
the audit records that a reflection was saved, its revision and whether it is shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Person
from bot.db.models_voices import Reflection
from bot.domain.errors import DomainError
from bot.domain.scheduling import people_with_roles
from bot.domain.vocab import ENGINEERS
from bot.program import Program
from bot.program_voices import ReflectionQuestion

MIN_ANSWER = 10  # characters: "ok" is not a reflection


def reflection_days(program: Program) -> list[date]:
    return program.voices.reflections.dates(program.start_date)


def last_open_day(day: date) -> date:
    """The last local day a reflection for ``day`` may be written or changed: that week's Sunday."""
    return day + timedelta(days=6 - day.weekday())


def open_day(program: Program, today: date) -> date | None:
    """The reflection day whose window (the day to its Sunday) contains ``today``, if any."""
    for day in reflection_days(program):
        if day <= today <= last_open_day(day):
            return day
    return None


def check_open(*, program: Program, day: date, today: date) -> None:
    if day not in reflection_days(program):
        raise DomainError(f"There is no reflection for {day:%a %d %b}.")
    if today < day:
        raise DomainError(f"The reflection for {day:%a %d %b} opens that day.")
    if today > last_open_day(day):
        raise DomainError(
            f"The reflection for {day:%a %d %b} closed on {last_open_day(day):%a %d %b}; "
            "ask your mentor if you still want to send them your thoughts."
        )


def validate_reflection(
    *, questions: Sequence[ReflectionQuestion], values: dict[str, str | None]
) -> tuple[dict[str, str] | None, dict[str, str]]:
    """Each required answer at least a sentence, each within its length; errors keyed by question id."""
    answers: dict[str, str] = {}
    errors: dict[str, str] = {}
    for q in questions:
        text = (values.get(q.id) or "").strip()
        if not text:
            if not q.optional:
                errors[q.id] = "Please write a sentence or two here: this question is not optional."
            continue
        if len(text) < MIN_ANSWER:
            errors[q.id] = f"Please write at least {MIN_ANSWER} characters (a full sentence)."
        elif len(text) > q.max_length:
            errors[q.id] = f"Keep this under {q.max_length} characters (it has {len(text)}); trim a little."
        answers[q.id] = text
    return (None, errors) if errors else (answers, {})


def get_reflection(*, session: Session, person_id: int, day: date) -> Reflection | None:
    return session.execute(
        select(Reflection).where(Reflection.person_id == person_id, Reflection.day == day)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class Saved:
    revision: int
    changed: bool  # False: the same answers and choice again (a retry); nothing written
    created: bool


def save_reflection(
    *, session: Session, now: datetime, person: Person, day: date, answers: dict[str, str], share: bool
) -> Saved:
    """Create or change ``person``'s reflection for ``day``; the same content again is a no-op."""
    row = get_reflection(session=session, person_id=person.id, day=day)
    if row is not None and dict(row.answers) == answers and row.shared_with_pm == share:
        return Saved(row.revision, False, False)
    created = row is None
    if row is None:
        row = Reflection(
            person_id=person.id,
            day=day,
            answers=answers,
            shared_with_pm=share,
            revision=1,
            submitted_at=now,
            updated_at=now,
        )
        session.add(row)
    else:
        row.answers, row.shared_with_pm = dict(answers), share
        row.revision, row.updated_at = row.revision + 1, now
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=person.slack_user_id,
        action="reflection.saved",
        subject_type="reflection",
        subject_id=f"{person.slack_user_id}:{day.isoformat()}",
        payload={"day": day.isoformat(), "revision": row.revision, "shared_with_pm": share},
    )
    return Saved(row.revision, True, created)


@dataclass(frozen=True)
class SharedText:
    name: str
    answers: dict[str, str]


@dataclass(frozen=True)
class ReflectionDayReport:
    """Who was asked for one reflection day and who submitted; texts only where shared with the PM."""

    day: date
    asked: int
    submitted: tuple[str, ...]  # names
    missing: tuple[str, ...]
    shared: tuple[SharedText, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "asked": self.asked,
            "submitted": list(self.submitted),
            "missing": list(self.missing),
            "shared": [{"name": s.name, "answers": dict(s.answers)} for s in self.shared],
        }


def _asked(session: Session, day: date) -> list[Person]:
    """Engineers on the roster that day (active, or left after it)."""
    people = people_with_roles(session=session, roles=ENGINEERS)
    return [p for p in people if p.status == "active" or (p.left_at is not None and p.left_at.date() > day)]


def reflections_report(*, session: Session, program: Program) -> list[ReflectionDayReport]:
    """Per reflection day (up to today or not): counts and names of who submitted; shared texts only."""
    out: list[ReflectionDayReport] = []
    for day in reflection_days(program):
        rows = {
            r.person_id: r for r in session.execute(select(Reflection).where(Reflection.day == day)).scalars()
        }
        asked = _asked(session, day)
        names = {p.id: p.name for p in asked}
        extra = [pid for pid in rows if pid not in names]
        if extra:
            names.update(
                {p.id: p.name for p in session.execute(select(Person).where(Person.id.in_(extra))).scalars()}
            )
        submitted = sorted(names[pid] for pid in rows)
        missing = sorted(p.name for p in asked if p.id not in rows)
        shared = sorted(
            (SharedText(names[pid], dict(r.answers)) for pid, r in rows.items() if r.shared_with_pm),
            key=lambda s: s.name,
        )
        out.append(ReflectionDayReport(day, len(asked), tuple(submitted), tuple(missing), tuple(shared)))
    return out
