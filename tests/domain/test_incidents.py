"""Incidents: the slash-command grammar, CSV import (all or nothing, idempotent), audit events."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.audit import verify_database
from bot.db.engine import transaction
from bot.db.models import AuditEvent, Incident
from bot.domain.errors import Conflict, DomainError
from bot.domain.incidents import IncidentCsvError, import_incidents, parse_command, parse_csv, record_incident

NOW = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
CSV = """ref,priority,opened_at,responded_at
INC-1,P1,2026-11-16T10:00:00-05:00,2026-11-16T10:12:00-05:00
INC-2,p2,2026-11-16T15:00:00Z,2026-11-16T16:30:00Z
INC-3,P1,2026-11-17 09:00,2026-11-17 09:20
"""


def test_command_grammar() -> None:
    row = parse_command("P1 12 INC-42", now=NOW)
    assert (row.priority, row.minutes, row.ref) == ("P1", 12, "INC-42")
    assert row.responded_at == NOW and row.opened_at == NOW - timedelta(minutes=12)
    assert parse_command("p2 95.5", now=NOW).ref is None
    with pytest.raises(DomainError, match="priority: 'P3' is not P1 or P2"):
        parse_command("P3 12", now=NOW)
    with pytest.raises(DomainError, match="minutes: 'soon' is not a number"):
        parse_command("P1 soon", now=NOW)
    with pytest.raises(DomainError, match="minutes: must be between 0 and"):
        parse_command("P1 -3", now=NOW)
    with pytest.raises(DomainError, match="Usage"):
        parse_command("P1", now=NOW)


def test_csv_rows_and_program_local_times() -> None:
    rows = parse_csv(CSV, tz=ZoneInfo("America/New_York"))
    assert [(r.ref, r.priority, r.minutes) for r in rows] == [
        ("INC-1", "P1", 12),
        ("INC-2", "P2", 90),
        ("INC-3", "P1", 20),
    ]
    assert rows[2].opened_at == datetime(2026, 11, 17, 14, 0, tzinfo=UTC)  # no offset: New York time


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(sessions: sessionmaker[Session]) -> None:
    bad = (
        CSV + "INC-4,P1,yesterday,2026-11-17T10:00:00Z\nINC-1,P2,2026-11-17T10:00:00Z,2026-11-17T09:00:00Z\n"
    )
    with pytest.raises(IncidentCsvError) as info:
        parse_csv(bad, tz=UTC, source="inc.csv")
    assert info.value.problems == [
        "inc.csv:5: opened_at: 'yesterday' is not an ISO-8601 time",
        "inc.csv:6: ref: INC-1 already appears on line 2",
    ]
    with pytest.raises(IncidentCsvError, match=r"inc.csv:2: responded_at: is earlier than opened_at"):
        parse_csv(
            "ref,priority,opened_at,responded_at\nX,P1,2026-11-17T10:00:00Z,2026-11-17T09:00:00Z\n",
            tz=UTC,
            source="inc.csv",
        )
    with pytest.raises(IncidentCsvError, match="missing column"):
        parse_csv("ref,priority\n", tz=UTC)
    with transaction(sessions) as session:
        assert session.execute(select(Incident)).first() is None


def test_import_is_idempotent_on_ref_and_updates_are_audited(sessions: sessionmaker[Session]) -> None:
    rows = parse_csv(CSV, tz=UTC)
    with transaction(sessions) as session:
        first = import_incidents(session=session, now=NOW, actor="cli", rows=rows)
    with transaction(sessions) as session:
        again = import_incidents(session=session, now=NOW, actor="cli", rows=rows)
    assert (first.created, again.created, again.unchanged) == (3, 0, 3)
    changed = parse_csv(CSV.replace("10:12:00-05:00", "10:15:00-05:00"), tz=UTC)
    with transaction(sessions) as session:
        third = import_incidents(session=session, now=NOW, actor="cli", rows=changed)
        incidents = session.execute(select(Incident).order_by(Incident.ref)).scalars().all()
        events = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
        assert verify_database(session).ok
    assert (third.updated, third.unchanged) == (1, 2)
    assert [i.response_minutes for i in incidents] == [15, 90, 20]
    assert [e.action for e in events] == ["incident.recorded"] * 3 + ["incident.updated"]
    payload = json.loads(events[-1].payload)
    assert payload["before"]["response_minutes"] == 12 and payload["after"]["response_minutes"] == 15


def test_slash_record_repeat_is_a_no_op_but_a_different_report_conflicts(sessions) -> None:
    with transaction(sessions) as session:
        made = record_incident(
            session=session,
            now=NOW,
            actor="U0MENTOR",
            row=parse_command("P1 12 INC-9", now=NOW),
            source="slack",
        )
        later = NOW + timedelta(minutes=3)
        again = record_incident(
            session=session,
            now=later,
            actor="U0MENTOR",
            row=parse_command("P1 12 INC-9", now=later),
            source="slack",
        )
        assert (made.outcome, again.outcome) == ("created", "unchanged")
        with pytest.raises(Conflict, match="INC-9 is already recorded"):
            record_incident(
                session=session,
                now=later,
                actor="U0MENTOR",
                row=parse_command("P1 40 INC-9", now=later),
                source="slack",
            )
