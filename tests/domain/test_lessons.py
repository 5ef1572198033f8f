"""Lessons: validation, one of each kind a week, and anonymous ones shown only from the minimum."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.db.models import Person
from bot.domain.errors import DomainError
from bot.domain.lessons import NOT_ENOUGH, lessons_report, submit_lesson, validate_lesson
from bot.program import Program
from tests.helpers import load_roster

NOW = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)


def _give(
    sessions: sessionmaker[Session], uid: str, kind: str, text: str, *, named: bool, week: str = "2026-W47"
) -> None:
    with transaction(sessions) as session:
        person = session.execute(select(Person).where(Person.slack_user_id == uid)).scalar_one()
        submit_lesson(
            session=session, now=NOW, person=person, week=week, kind=kind, text=text, attributed=named
        )


def _report(sessions: sessionmaker[Session], program: Program):  # type: ignore[no-untyped-def]
    with transaction(sessions) as session:
        return lessons_report(session=session, program=program)


def test_validation() -> None:
    assert validate_lesson(text="  Good pairing  ", attribution="me") == (("Good pairing", True), {})
    assert validate_lesson(text="Good pairing", attribution="anonymous")[0] == ("Good pairing", False)
    parsed, errors = validate_lesson(text="x" * 1001, attribution="maybe")
    assert parsed is None and set(errors) == {"text", "attribution"} and "under 1000" in errors["text"]


def test_anonymous_lessons_appear_exactly_at_the_minimum(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, NOW)
    _give(sessions, "U0ENG1", "was_hard", "Handover notes", named=False)
    _give(sessions, "U0ENG2", "was_hard", "Two dashboards", named=False)
    (week,) = _report(sessions, program)
    assert week.was_hard.shown == () and (week.was_hard.hidden, week.was_hard.note) == (2, NOT_ENOUGH)
    assert week.went_well.note is None and week.people == 2
    _give(sessions, "U0PILOT", "was_hard", "Alert noise", named=False)
    (week,) = _report(sessions, program)
    assert [i.text for i in week.was_hard.shown] == ["Alert noise", "Handover notes", "Two dashboards"]
    assert all(i.author is None for i in week.was_hard.shown) and week.was_hard.hidden == 0
    # Attributed ones never wait, and other weeks are separate.
    _give(sessions, "U0MENTOR", "went_well", "Office hours", named=True, week="2026-W48")
    weeks = _report(sessions, program)
    assert [w.week for w in weeks] == ["2026-W47", "2026-W48"]
    assert [(i.text, i.author) for i in weeks[1].went_well.shown] == [("Office hours", "Mo Mentor")]
    assert weeks[1].as_dict()["went_well"]["shown"] == [{"text": "Office hours", "author": "Mo Mentor"}]


def test_one_of_each_kind_per_week(sessions: sessionmaker[Session], program: Program) -> None:
    load_roster(sessions, NOW)
    _give(sessions, "U0ENG1", "went_well", "Pairing", named=False)
    _give(sessions, "U0ENG1", "was_hard", "Paperwork", named=False)
    with pytest.raises(DomainError, match="already shared what went well for 2026-W47"):
        _give(sessions, "U0ENG1", "went_well", "Pairing again", named=True)
    _give(sessions, "U0ENG1", "went_well", "Pairing", named=False, week="2026-W48")
    assert sum(w.went_well.hidden for w in _report(sessions, program)) == 2
