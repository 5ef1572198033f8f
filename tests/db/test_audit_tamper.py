"""Tampering by someone who can write the database (but does not hold the audit key) is caught.

Each attack first removes the database guards, as a determined operator could; the chain's
keyed MACs, the head's own MAC and the export's signed trailer are what must catch it.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.audit import anchor_problem, export_rows, head_of, verify_database
from bot.db.audit_chain import Keyring, canonical_json, event_mac, legacy_hash
from bot.db.audit_export import read_signed, verify_export, write_export
from bot.db.engine import make_session_factory, transaction
from tests.db.test_audit import _seed

KEY = Keyring.from_secrets("first-secret-key-0123456789")


@pytest.fixture
def keyed(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine, audit_keyring=KEY)


def _drop_all_guards(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_events_no_update_delete ON audit_events"))
            conn.execute(text("DROP TRIGGER audit_head_forward_only ON audit_head"))
        else:
            for name in ("audit_events_no_update", "audit_events_no_delete", "audit_events_no_replace"):
                conn.execute(text(f"DROP TRIGGER {name}"))
            for name in ("audit_head_one_row", "audit_head_forward_only", "audit_head_no_delete"):
                conn.execute(text(f"DROP TRIGGER {name}"))


def _rows(sessions: sessionmaker[Session]) -> list[dict[str, object]]:
    with transaction(sessions) as session:
        return list(export_rows(session))


def _verify(sessions: sessionmaker[Session], keyring: Keyring = KEY) -> tuple[bool, str]:
    with transaction(sessions) as session:
        result = verify_database(session, keyring=keyring)
    return result.ok, result.problem or ""


def test_a_keyed_chain_verifies_and_only_with_its_key(keyed, clock: FixedClock) -> None:
    _seed(keyed, clock)
    assert _verify(keyed) == (True, "")
    ok, problem = _verify(keyed, Keyring.from_secrets("some-other-key"))
    assert not ok and "seq 1: content does not match its MAC" in problem


def test_deleting_the_last_row_and_moving_the_head_back_is_caught(keyed, clock, engine: Engine) -> None:
    _seed(keyed, clock)
    rows = _rows(keyed)
    _drop_all_guards(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 5"))
        # the head as it would have been with an unkeyed chain: the tip's own hash
        conn.execute(text("UPDATE audit_head SET seq = 4, hash = :h"), {"h": rows[3]["hash"]})
    ok, problem = _verify(keyed)
    assert not ok and "audit_head (seq 4) does not carry a valid MAC" in problem


def test_a_forged_event_with_a_correct_sha256_is_caught(keyed, clock, engine: Engine) -> None:
    _seed(keyed, clock)
    last = _rows(keyed)[-1]
    forged = {**last, "seq": 6, "actor": "U0MALLORY", "prev_hash": last["hash"], "reason": "forged"}
    forged["hash"] = legacy_hash(forged)
    _drop_all_guards(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_events (seq, occurred_at, actor, action, subject_type, subject_id,"
                " reason, payload, prev_hash, hash) VALUES (6, :at, 'U0MALLORY', 'test.event', 'thing',"
                " '9', 'forged', :payload, :prev, :hash)"
            ),
            {"at": clock.now(), "payload": forged["payload"], "prev": last["hash"], "hash": forged["hash"]},
        )
        conn.execute(text("UPDATE audit_head SET seq = 6, hash = :h"), {"h": forged["hash"]})
    ok, problem = _verify(keyed)
    assert not ok and "seq 6: content does not match its MAC" in problem


def test_an_edited_row_with_the_chain_rehashed_is_caught(keyed, clock, engine: Engine) -> None:
    _seed(keyed, clock)
    rows = _rows(keyed)
    wrong = Keyring.from_secrets("a-key-the-attacker-made-up")
    _drop_all_guards(engine)
    prev = rows[1]["hash"]
    with engine.begin() as conn:
        for row in rows[2:]:  # edit seq 3, then re-sign it and everything after it
            row = {**row, "prev_hash": prev, "reason": "nothing to see" if row["seq"] == 3 else row["reason"]}
            row["hash"] = event_mac(wrong.current, row)
            conn.execute(
                text("UPDATE audit_events SET reason = :r, prev_hash = :p, hash = :h WHERE seq = :s"),
                {"r": row["reason"], "p": row["prev_hash"], "h": row["hash"], "s": row["seq"]},
            )
            prev = row["hash"]
    ok, problem = _verify(keyed)
    assert not ok and "seq 3: content does not match its MAC" in problem


def test_the_head_cannot_be_rewound_deleted_or_replaced(keyed, clock, engine: Engine) -> None:
    _seed(keyed, clock)
    for statement in (
        "UPDATE audit_head SET seq = 4",
        "DELETE FROM audit_head",
        "UPDATE audit_head SET seq = 99",  # forward, but to an event that does not exist
    ):
        with pytest.raises(DBAPIError, match="only moves forward"), engine.begin() as conn:
            conn.execute(text(statement))
    assert _verify(keyed) == (True, "")


def test_an_upsert_cannot_overwrite_an_event(keyed, clock, engine: Engine) -> None:
    """SQLite's INSERT OR REPLACE skips DELETE triggers; PostgreSQL's ON CONFLICT DO UPDATE is an UPDATE."""
    _seed(keyed, clock)
    columns = "seq, occurred_at, actor, action, subject_type, subject_id, payload, prev_hash, hash"
    mallory = columns.replace("actor", "'mallory'")
    copy = f"SELECT {mallory} FROM audit_events WHERE seq = 2"
    statement = f"INSERT INTO audit_events ({columns}) {copy} ON CONFLICT (seq) DO UPDATE SET actor = 'x'"
    if engine.dialect.name == "sqlite":
        statement = f"INSERT OR REPLACE INTO audit_events ({columns}) {copy}"
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    assert _verify(keyed) == (True, "")


def test_the_chain_verifies_across_a_key_rotation(engine: Engine, clock) -> None:
    before = make_session_factory(engine, audit_keyring=KEY)
    _seed(before, clock, n=3)
    rotated = Keyring.from_secrets("second-secret-key-9876543210", previous="first-secret-key-0123456789")
    after = make_session_factory(engine, audit_keyring=rotated)
    _seed(after, clock, n=3)
    assert _verify(after, rotated) == (True, "")
    ok, problem = _verify(after, Keyring.from_secrets("second-secret-key-9876543210"))
    assert not ok and "seq 1" in problem  # the old key is needed for the old events


def _export(sessions: sessionmaker[Session], fmt: str) -> str:
    out = io.StringIO()
    with transaction(sessions) as session:
        rows = export_rows(session)
        write_export(rows, out, fmt=fmt, keyring=KEY, head=head_of(session), exported_by="ops")
    return out.getvalue()


def _lines_without(data: str, *drop: int) -> str:
    lines = data.split("\n")[:-1]
    return "\n".join(line for i, line in enumerate(lines) if i not in drop) + "\n"


@pytest.mark.parametrize(
    ("tamper", "says"),
    [
        (lambda d: _lines_without(d, 4), "the trailer says 5 events but the file has 4: rows were removed"),
        (lambda d: _lines_without(d, 0), "row seq 1 is missing"),
        (lambda d: _lines_without(d, 0, 1, 2, 3, 4), "the trailer says 5 events but the file has 0"),
        (lambda d: _lines_without(d, 5), "no signed trailer"),
    ],
    ids=["last row removed", "first row removed", "rows only the trailer", "trailer removed"],
)
def test_an_export_with_rows_removed_is_caught(keyed, clock, tamper, says: str) -> None:
    _seed(keyed, clock)
    data = _export(keyed, "jsonl")
    assert verify_export(data, keyring=KEY).ok
    result = verify_export(tamper(data), keyring=KEY)
    assert not result.ok and says in (result.problem or ""), result.problem


def test_an_export_with_an_appended_or_rehashed_row_is_caught(keyed, clock) -> None:
    _seed(keyed, clock)
    data = _export(keyed, "jsonl")
    fmt, rows, trailer = read_signed(data)
    assert fmt == "jsonl" and trailer is not None and trailer["exported_by"] == "ops"
    forged = {**rows[-1], "seq": 6, "prev_hash": rows[-1]["hash"], "reason": "forged"}
    forged["hash"] = legacy_hash(forged)
    lines = data.split("\n")[:-1]
    appended = "\n".join([*lines[:-1], canonical_json(forged), lines[-1]]) + "\n"
    result = verify_export(appended, keyring=KEY)
    assert not result.ok and "seq 6: content does not match its MAC" in (result.problem or "")
    edited = {**rows[2], "reason": "nothing to see"}
    edited["hash"] = legacy_hash(edited)
    rehashed = data.replace(canonical_json(rows[2]), canonical_json(edited))
    result = verify_export(rehashed, keyring=KEY)
    assert not result.ok and "seq 3: content does not match its MAC" in (result.problem or "")


def test_a_header_only_csv_is_caught(keyed, clock) -> None:
    _seed(keyed, clock)
    header = _export(keyed, "csv").split("\n")[0] + "\n"
    result = verify_export(header, keyring=KEY)
    assert not result.ok and "no signed trailer" in (result.problem or "")


def test_an_old_head_replayed_after_truncation_is_caught_by_an_outside_anchor(keyed, clock, engine) -> None:
    """The one attack the database alone cannot catch: restoring an earlier, genuine head row."""
    _seed(keyed, clock, n=3)
    with transaction(keyed) as session:
        old_seq, old_mac = head_of(session)  # an operator with database access saw this earlier
    _seed(keyed, clock, n=2)
    with transaction(keyed) as session:
        anchor = head_of(session)  # posted to the private audit channel by the daily anchor
    _drop_all_guards(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq > 3"))
        conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": old_seq, "h": old_mac})
    assert _verify(keyed) == (True, "")  # consistent on its own...
    with transaction(keyed) as session:
        problem = anchor_problem(session, seq=anchor[0], mac=anchor[1], keyring=KEY)
    assert problem and "no longer reaches it" in problem  # ...but not with the anchor
