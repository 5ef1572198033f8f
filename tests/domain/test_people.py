"""Roster import: upsert people, roles and mentor pairs, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db.engine import transaction
from bot.db.models import AuditEvent, MentorPair, Person
from bot.domain.people import RosterError, get_view, import_roster, mentor_of, parse_roster
from tests.helpers import ROSTER_CSV, load_roster


def test_import_creates_people_roles_and_mentor_pairs(sessions, clock) -> None:
    load_roster(sessions, clock.now())
    with transaction(sessions) as session:
        pilot = get_view(session=session, slack_user_id="U0PILOT")
        assert pilot is not None and pilot.roles == {"engineer", "pilot"}
        mentor = mentor_of(session=session, person_id=pilot.id)
        assert mentor is not None and mentor.slack_user_id == "U0MENTOR"
        assert session.scalar(select(func.count()).select_from(Person)) == 7
        assert session.scalar(select(func.count()).select_from(MentorPair)) == 3


def test_reimport_updates_in_place_and_audits_only_changes(sessions, clock) -> None:
    load_roster(sessions, clock.now())
    with transaction(sessions) as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    load_roster(sessions, clock.now())
    with transaction(sessions) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
    changed = ROSTER_CSV.replace(
        "U0ENG2,Bo Engineer,bo@example.com,engineer,U0MENTOR",
        "U0ENG2,Bo Engineer,bo@example.com,engineer;pilot,U0LEAD",
    )
    load_roster(sessions, clock.now(), changed)
    with transaction(sessions) as session:
        bo = get_view(session=session, slack_user_id="U0ENG2")
        assert bo is not None and bo.roles == {"engineer", "pilot"}
        mentor = mentor_of(session=session, person_id=bo.id)
        assert mentor is not None and mentor.slack_user_id == "U0LEAD"
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.seq > before)).all()
    assert sorted(actions) == ["mentor.paired", "person.updated"]


BAD = """slack_user_id,name,email,roles,mentor,timezone
U0OK1,Fine Person,fine@example.com,engineer,,Europe/Berlin
not-an-id,Broken,b@example.com,engineer,,
U0OK2,,x@example.com,wizard,U0NOBODY,Mars/Olympus
"""


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_imported(sessions, clock) -> None:
    with pytest.raises(RosterError) as info:
        parse_roster(BAD, source="team.csv")
    problems = info.value.problems
    assert "team.csv:3: slack_user_id: 'not-an-id' is not a Slack user id (like U012ABCDEF)" in problems
    assert any(p.startswith("team.csv:4: name:") for p in problems)
    assert any(p.startswith("team.csv:4: roles: unknown role 'wizard'") for p in problems)
    assert any(p.startswith("team.csv:4: timezone:") for p in problems)
    assert any(p.startswith("team.csv:4: mentor: U0NOBODY is not in this roster") for p in problems)
    with transaction(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_import_is_one_transaction(sessions, clock) -> None:
    rows = parse_roster(ROSTER_CSV)
    with pytest.raises(RuntimeError), transaction(sessions) as session:
        import_roster(session=session, now=clock.now(), actor="t", rows=rows)
        raise RuntimeError("crash after the import, before commit")
    with transaction(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0
