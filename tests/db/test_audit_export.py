"""Evidence export: an exported file verifies on its own, and any single changed byte breaks it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from bot.db.audit import append_event, export_rows
from bot.db.audit_export import verify_export, write_export
from bot.db.engine import transaction
from tests.conftest import START


def _export(sessions, fmt: str, since=None) -> bytes:
    with transaction(sessions) as session:
        out = io.StringIO()
        write_export(export_rows(session, since=since), out, fmt=fmt)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def chain(sessions) -> None:
    with transaction(sessions) as session:
        for i in range(6):
            append_event(
                session=session,
                now=START + timedelta(minutes=i),
                actor="U0MENTOR" if i % 2 else "U0ENG1",
                action="review.recorded" if i % 2 else "decision.recorded",
                subject_type="decision",
                subject_id=i // 2 + 1,
                reason=None if i == 2 else f"Rule r{i} — “quoted”, with commas, and\na newline",
                payload={"verdict": "approve", "comment": 'says "no" & <b>', "n": i, "ünï": ["ç", None]},
            )


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_untouched_export_verifies(sessions, chain, fmt: str) -> None:
    result = verify_export(_export(sessions, fmt).decode("utf-8"))
    assert result.ok and result.checked == 6


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_every_single_byte_change_is_detected(sessions, chain, fmt: str) -> None:
    """Flip one bit of each byte in turn: no position lets the change through."""
    data = _export(sessions, fmt)
    undetected = []
    for position in range(len(data)):
        changed = bytearray(data)
        changed[position] ^= 0x01
        try:
            text = bytes(changed).decode("utf-8")
        except UnicodeDecodeError:
            continue  # the CLI refuses a file that is not UTF-8 (tested in tests/cli)
        if verify_export(text).ok:
            undetected.append(position)
    assert undetected == [], [data[p - 10 : p + 10] for p in undetected[:3]]


def test_a_partial_export_verifies_from_where_it_starts(sessions, chain) -> None:
    data = _export(sessions, "jsonl", since=START + timedelta(minutes=3)).decode("utf-8")
    result = verify_export(data)
    assert result.ok and result.checked == 3
    lines = data.splitlines()
    assert not verify_export("\n".join([lines[0], lines[2]]) + "\n").ok  # a row removed in the middle


def test_swapped_rows_are_detected(sessions, chain) -> None:
    # CSV rows here span lines (quoted newlines), so rows are swapped after parsing.
    parsed = list(csv.reader(io.StringIO(_export(sessions, "csv").decode("utf-8"))))
    header, body = parsed[0], parsed[1:]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in [header, body[0], body[2], body[1], *body[3:]]:
        writer.writerow(row)
    assert "seq 2 is missing" in (verify_export(out.getvalue()).problem or "")
