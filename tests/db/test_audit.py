"""The audit trail: hash chain, append-only triggers, verification and export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.audit import append_event, export_rows, verify_database, verify_rows
from bot.db.audit_export import read_export, write_export
from bot.db.engine import transaction


def _seed(sessions: sessionmaker[Session], clock: FixedClock, n: int = 5) -> None:
    for i in range(n):
        with transaction(sessions) as session:
            append_event(
                session=session,
                now=clock.now(),
                actor="U0ADMIN",
                action="test.event",
                subject_type="thing",
                subject_id=i,
                payload={"i": i, "text": "naïve <b>"},
                reason=f"r{i}",
            )
        clock.advance(timedelta(seconds=1))


def test_chain_links_each_event_to_the_previous(sessions, clock) -> None:
    _seed(sessions, clock)
    with transaction(sessions) as session:
        rows = list(export_rows(session))
        result = verify_database(session)
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["prev_hash"] == "0" * 64
    assert all(rows[i]["prev_hash"] == rows[i - 1]["hash"] for i in range(1, 5))
    assert result.ok and result.checked == 5


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2",
        "DELETE FROM audit_events WHERE seq = 2",
    ],
)
def test_database_refuses_update_and_delete(sessions, clock, engine: Engine, statement: str) -> None:
    _seed(sessions, clock)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    with transaction(sessions) as session:
        assert verify_database(session).ok


def test_emptying_the_table_is_refused(sessions, clock, engine: Engine) -> None:
    # PostgreSQL has TRUNCATE (a statement-level trigger refuses it); SQLite's equivalent
    # is an unqualified DELETE, which the row trigger refuses.
    _seed(sessions, clock)
    statement = "TRUNCATE audit_events" if engine.dialect.name == "postgresql" else "DELETE FROM audit_events"
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    with transaction(sessions) as session:
        assert verify_database(session).checked == 5


def _drop_guards(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_events_no_update_delete ON audit_events"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
            conn.execute(text("DROP TRIGGER audit_events_no_delete"))


def test_verify_names_an_altered_row(sessions, clock, engine: Engine) -> None:
    _seed(sessions, clock)
    _drop_guards(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 3"))
    with transaction(sessions) as session:
        result = verify_database(session)
    assert not result.ok
    assert result.checked == 2
    assert "seq 3" in (result.problem or "")


def test_verify_names_a_deleted_row_in_the_middle_and_at_the_tip(sessions, clock, engine: Engine) -> None:
    _seed(sessions, clock)
    _drop_guards(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 5"))
    with transaction(sessions) as session:
        tip = verify_database(session)
    assert not tip.ok and "seq 5 is missing" in (tip.problem or "")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 2"))
    with transaction(sessions) as session:
        middle = verify_database(session)
    assert not middle.ok and "seq 2 is missing" in (middle.problem or "")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_verifies_on_its_own_and_detects_a_changed_byte(sessions, clock, fmt: str) -> None:
    _seed(sessions, clock)
    out = io.StringIO()
    with transaction(sessions) as session:
        assert write_export(export_rows(session), out, fmt=fmt) == 5
    data = out.getvalue()
    detected, rows = read_export(data)
    assert detected == fmt
    assert verify_rows(rows).ok
    tampered = data.replace("r3", "r9", 1)
    assert tampered != data
    assert not verify_rows(read_export(tampered)[1]).ok


def test_concurrent_appends_never_fork_the_chain(sessions, clock) -> None:
    import threading

    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for i in range(5):
                with transaction(sessions) as session:
                    append_event(
                        session=session,
                        now=clock.now(),
                        actor=f"w{k}",
                        action="t",
                        subject_type="x",
                        subject_id=i,
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with transaction(sessions) as session:
        result = verify_database(session)
    assert result.ok and result.checked == 20
