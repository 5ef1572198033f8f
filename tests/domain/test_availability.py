"""Out-of-office from the roster: the optional ooo_until column."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.db.models import AuditEvent, Person
from bot.domain.people import RosterError, import_roster, parse_roster

NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
HEADER = "slack_user_id,name,email,roles,mentor,timezone,ooo_until\n"


def test_roster_ooo_until_sets_the_date_and_an_empty_cell_leaves_it(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        import_roster(
            session=session,
            now=NOW,
            actor="test",
            rows=parse_roster(HEADER + "U0A,Ann,,engineer,,,2026-11-18\n"),
        )
    with transaction(sessions) as session:
        import_roster(
            session=session, now=NOW, actor="test", rows=parse_roster(HEADER + "U0A,Ann,,engineer,,,\n")
        )
        person = session.execute(select(Person)).scalar_one()
        assert person.ooo_until == date(2026, 11, 18)
        events = session.execute(
            select(AuditEvent).where(AuditEvent.action == "person.ooo_changed")
        ).scalars()
        assert [json.loads(e.payload) for e in events] == [{"before": None, "after": "2026-11-18"}]


def test_a_bad_ooo_date_names_its_line_and_column() -> None:
    with pytest.raises(RosterError) as exc:
        parse_roster(HEADER + "U0A,Ann,,engineer,,,next week\n", source="roster.csv")
    assert "roster.csv:2: ooo_until: 'next week' is not a date" in str(exc.value)
