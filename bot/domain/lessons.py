"""Friday wrap-up lessons: "what went well" and "what was hard", attributed or anonymous.

Each person gives at most one of each kind per ISO week (``LessonResponse``, which says
only that they answered that kind). The lesson itself is a ``Lesson``: with the person
when they chose "attribute to me"; otherwise with no person, no time and a random id,
so nothing in the database leads back to who wrote it (as the survey, migration 0005).

Summaries (:func:`lessons_report`) show attributed lessons with their author's name, and
anonymous ones only once at least ``survey_anonymity_min`` people gave an anonymous
lesson of that kind that week; until then they are counted, never shown.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Person
from bot.db.models_voices import LESSON_KINDS, Lesson, LessonResponse
from bot.domain.errors import DomainError
from bot.program import Program

WENT_WELL, WAS_HARD = LESSON_KINDS
KIND_LABELS = {WENT_WELL: "What went well", WAS_HARD: "What was hard"}
MAX_LESSON = 1000
MIN_LESSON = 5
NOT_ENOUGH = "not enough answers to show anonymously yet"


def validate_lesson(
    *, text: str | None, attribution: str | None
) -> tuple[tuple[str, bool] | None, dict[str, str]]:
    """(text, attributed) or the problems, keyed ``text`` / ``attribution``."""
    errors: dict[str, str] = {}
    clean = (text or "").strip()
    if len(clean) < MIN_LESSON:
        errors["text"] = f"Please write at least {MIN_LESSON} characters: one concrete thing is enough."
    elif len(clean) > MAX_LESSON:
        errors["text"] = f"Keep it under {MAX_LESSON} characters (it has {len(clean)})."
    if attribution not in ("me", "anonymous"):
        errors["attribution"] = "Choose whether to put your name on it or share it anonymously."
    return (None, errors) if errors else ((clean, attribution == "me"), {})


def already(*, session: Session, person_id: int, week: str, kind: str) -> bool:
    return (
        session.execute(
            select(LessonResponse.id).where(
                LessonResponse.person_id == person_id,
                LessonResponse.week == week,
                LessonResponse.kind == kind,
            )
        ).first()
        is not None
    )


def _taken(week: str, kind: str) -> DomainError:
    return DomainError(
        f"You already shared {KIND_LABELS[kind].lower()} for {week}: thank you. Anonymous answers "
        "can't be found again to change, so each kind is given once a week."
    )


def submit_lesson(
    *, session: Session, now: datetime, person: Person, week: str, kind: str, text: str, attributed: bool
) -> None:
    """Record that ``person`` answered ``kind`` this week and, apart from that, the lesson itself."""
    if kind not in LESSON_KINDS:
        raise DomainError("That button is out of date.")
    if already(session=session, person_id=person.id, week=week, kind=kind):
        raise _taken(week, kind)
    try:
        with session.begin_nested():
            session.add(LessonResponse(person_id=person.id, week=week, kind=kind))
            session.flush()
    except IntegrityError:
        raise _taken(week, kind) from None  # a double submit: the first one counted
    session.add(
        Lesson(
            id=secrets.token_hex(16),
            week=week,
            kind=kind,
            text=text,
            person_id=person.id if attributed else None,
        )
    )
    session.flush()
    # That they answered, never what, nor whether anonymously (the lesson row says that for named ones).
    append_event(
        session=session,
        now=now,
        actor=person.slack_user_id,
        action="lesson.submitted",
        subject_type="lesson",
        subject_id=f"{kind}:{week}",
        payload={"week": week, "kind": kind},
    )


@dataclass(frozen=True)
class LessonItem:
    text: str
    author: str | None  # None: anonymous


@dataclass(frozen=True)
class LessonKind:
    kind: str
    shown: tuple[LessonItem, ...]  # attributed ones, then anonymous ones when enough
    hidden: int  # anonymous lessons not shown yet (fewer than the minimum)
    note: str | None  # NOT_ENOUGH when some are hidden


@dataclass(frozen=True)
class LessonWeek:
    week: str
    people: int  # distinct people who gave a lesson that week
    went_well: LessonKind
    was_hard: LessonKind

    def as_dict(self) -> dict[str, Any]:
        def kind(k: LessonKind) -> dict[str, Any]:
            items = [{"text": i.text, "author": i.author} for i in k.shown]
            return {"shown": items, "hidden_anonymous": k.hidden, "note": k.note}

        return {
            "week": self.week,
            "people": self.people,
            "went_well": kind(self.went_well),
            "was_hard": kind(self.was_hard),
        }


def _kind(rows: list[tuple[str, str, str | None]], kind: str, minimum: int) -> LessonKind:
    named = sorted(
        (LessonItem(t, a) for k, t, a in rows if k == kind and a is not None),
        key=lambda i: (i.author or "", i.text),
    )
    anonymous = sorted(t for k, t, a in rows if k == kind and a is None)  # by text: the order says nothing
    if len(anonymous) >= minimum:
        return LessonKind(kind, tuple(named) + tuple(LessonItem(t, None) for t in anonymous), 0, None)
    return LessonKind(kind, tuple(named), len(anonymous), NOT_ENOUGH if anonymous else None)


def lessons_report(*, session: Session, program: Program) -> list[LessonWeek]:
    """Per ISO week with lessons, oldest first: went well / was hard, safe to show to the PM and report."""
    minimum = program.thresholds.survey_anonymity_min
    rows = session.execute(
        select(Lesson.week, Lesson.kind, Lesson.text, Person.name).outerjoin(
            Person, Person.id == Lesson.person_id
        )
    ).all()
    people = session.execute(select(LessonResponse.week, LessonResponse.person_id).distinct()).all()
    weeks = sorted({str(r[0]) for r in rows})
    out: list[LessonWeek] = []
    for week in weeks:
        of_week: list[tuple[str, str, str | None]] = [(str(k), str(t), a) for w, k, t, a in rows if w == week]
        count = len({pid for w, pid in people if w == week})
        out.append(
            LessonWeek(week, count, _kind(of_week, WENT_WELL, minimum), _kind(of_week, WAS_HARD, minimum))
        )
    return out
