"""Reflections: validation, the open window, idempotent saves and what the report may show."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.db.models import Person
from bot.domain.errors import DomainError
from bot.domain.reflections import (
    check_open,
    open_day,
    reflections_report,
    save_reflection,
    validate_reflection,
)
from bot.program import Program
from tests.helpers import load_roster

DAY = date(2026, 11, 6)
NOW = datetime(2026, 11, 6, 20, 0, tzinfo=UTC)
TEXT = {"learned": "Escalate config conflicts early.", "unsure": "Exemptions during a freeze."}


def test_validation_per_question(program: Program) -> None:
    questions = program.voices.reflections.questions
    answers, errors = validate_reflection(questions=questions, values=dict(TEXT, next=None))
    assert answers == TEXT and errors == {}
    answers, errors = validate_reflection(questions=questions, values={"learned": "short", "next": "x" * 501})
    assert answers is None
    assert (
        set(errors) == {"learned", "unsure", "next"} and "under 500 characters (it has 501)" in errors["next"]
    )


def test_open_from_the_day_to_its_sunday(program: Program) -> None:
    assert open_day(program, date(2026, 11, 5)) is None
    assert open_day(program, DAY) == DAY and open_day(program, date(2026, 11, 8)) == DAY
    assert open_day(program, date(2026, 11, 9)) is None
    with pytest.raises(DomainError, match="opens that day"):
        check_open(program=program, day=DAY, today=date(2026, 11, 5))
    with pytest.raises(DomainError, match="no reflection for"):
        check_open(program=program, day=date(2026, 11, 13), today=date(2026, 11, 13))


def test_saves_are_idempotent_and_the_report_shows_only_shared_text(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, NOW)
    with transaction(sessions) as session:
        ada = session.execute(select(Person).where(Person.slack_user_id == "U0ENG1")).scalar_one()
        bo = session.execute(select(Person).where(Person.slack_user_id == "U0ENG2")).scalar_one()
        first = save_reflection(session=session, now=NOW, person=ada, day=DAY, answers=TEXT, share=False)
        again = save_reflection(session=session, now=NOW, person=ada, day=DAY, answers=TEXT, share=False)
        save_reflection(session=session, now=NOW, person=bo, day=DAY, answers=TEXT, share=True)
        (report,) = reflections_report(session=session, program=program)
    assert (first.created, first.changed, again.changed, again.revision) == (True, True, False, 1)
    assert report.submitted == ("Ada Engineer", "Bo Engineer") and report.missing == ("Cy Pilot",)
    assert [s.name for s in report.shared] == ["Bo Engineer"]
    assert "Escalate" not in str([s for s in report.as_dict()["shared"] if s["name"] == "Ada Engineer"])
