"""Leavers: `/casebook left` domain, the roster's optional status column, audit before/after."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.db.models import AuditEvent
from bot.domain.attrition import mark_left
from bot.domain.errors import Conflict, DomainError
from bot.domain.people import RosterError, import_roster, parse_roster
from tests.helpers import ROSTER_CSV, load_roster
from tests.metrics_data import person

NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
NY = ZoneInfo("America/New_York")


def with_status(statuses: dict[str, str]) -> str:
    lines = ROSTER_CSV.strip().splitlines()
    out = [lines[0] + ",status"]
    for line in lines[1:]:
        out.append(line + "," + statuses.get(line.split(",")[0], ""))
    return "\n".join(out) + "\n"


def test_roster_without_status_column_still_parses() -> None:
    rows = parse_roster(ROSTER_CSV)
    assert all(row.status is None for row in rows)


def test_roster_status_records_a_leaver_from_that_local_day(sessions: sessionmaker[Session]) -> None:
    load_roster(sessions, NOW)
    text = with_status({"U0ENG2": "left:2026-11-18:moved to the SRE team", "U0ENG1": "active"})
    with transaction(sessions) as session:
        import_roster(session=session, now=NOW, actor="cli", rows=parse_roster(text), tz=NY)
        bo = person(session, "U0ENG2")
        assert (bo.status, bo.left_reason) == ("left", "moved to the SRE team")
        assert bo.left_at == datetime(2026, 11, 18, 5, 0, tzinfo=UTC)
        assert person(session, "U0ENG1").status == "active"
    with transaction(sessions) as session:  # importing the same file again changes nothing
        import_roster(session=session, now=NOW, actor="cli", rows=parse_roster(text), tz=NY)
        actions = session.execute(
            select(AuditEvent.action).where(AuditEvent.subject_id == "U0ENG2")
        ).scalars()
        assert list(actions).count("person.left") == 1
    back = with_status({"U0ENG2": "active"})
    with transaction(sessions) as session:
        import_roster(session=session, now=NOW, actor="cli", rows=parse_roster(back), tz=NY)
        assert person(session, "U0ENG2").status == "active"
        assert person(session, "U0ENG2").left_at is None


def test_bad_status_cells_name_line_and_field() -> None:
    text = with_status({"U0ENG1": "gone", "U0ENG2": "left:18/11/2026:x", "U0PILOT": "left:2026-11-18:"})
    with pytest.raises(RosterError) as info:
        parse_roster(text, source="roster.csv")
    assert info.value.problems == [
        "roster.csv:2: status: 'gone' is not a status (use active or left:YYYY-MM-DD:reason)",
        "roster.csv:3: status: '18/11/2026' is not a date (use left:YYYY-MM-DD:reason)",
        "roster.csv:4: status: a leaver needs a reason (use left:YYYY-MM-DD:reason)",
    ]


def test_mark_left_audits_before_and_after_and_refuses_a_second_record(sessions) -> None:
    load_roster(sessions, NOW)
    with transaction(sessions) as session:
        ada = person(session, "U0ENG1")
        with pytest.raises(DomainError, match="reason: say why"):
            mark_left(session=session, now=NOW, actor="U0ADMIN", person=ada, left_at=NOW, reason="  ")
        assert mark_left(
            session=session, now=NOW, actor="U0ADMIN", person=ada, left_at=NOW, reason="resigned"
        )
        with pytest.raises(Conflict, match="already recorded as having left on 2026-11-18"):
            mark_left(session=session, now=NOW, actor="U0ADMIN", person=ada, left_at=NOW, reason="other")
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "person.left")).scalar_one()
    payload = json.loads(event.payload)
    assert payload["before"] == {"status": "active", "left_at": None, "left_reason": None}
    assert payload["after"]["status"] == "left" and payload["after"]["left_reason"] == "resigned"
    assert (event.actor, event.reason) == ("U0ADMIN", "resigned")
