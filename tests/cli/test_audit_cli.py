"""`casebook audit …` queries in every output format, and export → verify on a real file."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import EXAMPLE_PROGRAM
from tests.audit_fixture import OVERTURN_D1, build


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """The CLI points the root logger at the (captured, later closed) stderr; put it back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def ids(sessions, database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CASEBOOK_PROGRAM", str(EXAMPLE_PROGRAM))
    return build(sessions)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_decisions_as_csv(ids, capsys) -> None:
    code, out, _ = _run(
        capsys,
        "audit",
        "decisions",
        "--user",
        "U0ENG1",
        "--from",
        "2026-11-16",
        "--to",
        "2026-11-22",
        "--format",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [int(r["decision_id"]) for r in rows] == [ids["d1"], ids["d2"], ids["d6"], ids["d4"]]
    assert rows[0]["reviewer"] == "U0LEAD"


def test_escalations_as_jsonl(ids, capsys) -> None:
    code, out, _ = _run(capsys, "audit", "escalations", "--week", "2026-W47", "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["category"], r["escalations"], r["decisions"]) for r in rows] == [
        ("security_exception", 2, 2),
        ("policy_violation", 1, 2),
    ]


def test_overturns_as_a_table(ids, capsys) -> None:
    code, out, _ = _run(capsys, "audit", "overturns")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["decision_id", "kind", "engineer"]
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 4 and str(ids["d1"]) == lines[2].split()[0]
    assert OVERTURN_D1[:40] in out  # long comments are shortened in tables only


def test_pending_with_sla_and_as_of(ids, capsys) -> None:
    code, out, _ = _run(
        capsys,
        "audit",
        "pending",
        "--sla-hours",
        "24",
        "--at",
        "2026-11-24T05:00:00+00:00",
        "--format",
        "jsonl",
    )
    assert code == 0
    assert [json.loads(line)["decision_id"] for line in out.splitlines()] == [ids["d7"], ids["d4"]]
    code, out, _ = _run(capsys, "audit", "pending", "--at", "2026-11-16T05:00:00Z")
    assert code == 0 and "nothing has waited longer than 24 h" in out


def test_history_in_each_format(ids, capsys) -> None:
    code, out, _ = _run(capsys, "audit", "history", str(ids["d2"]))
    assert code == 0
    assert out.startswith(f"Decision #{ids['d2']} (live) by U0ENG1 Ada Engineer")
    assert "review.recorded" in out and "hash OK" in out
    code, out, _ = _run(capsys, "audit", "history", str(ids["d2"]), "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["record"] for r in records] == ["decision", "source", "review", "event", "event"]
    assert (
        records[-1]["payload"]["after"] == {"review_status": "overturned"} and records[-1]["hash_ok"] is True
    )
    table = _run(capsys, "audit", "history", str(ids["d2"]))[1]
    assert records[-1]["hash"] in table  # hashes are never shortened, even in a table
    code, out, _ = _run(capsys, "audit", "history", str(ids["d2"]), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["record"] for r in rows][:3] == ["decision", "source", "review"]
    assert len(rows[-1]["hash"]) == 64


def test_query_errors_are_one_line(ids, capsys) -> None:
    code, _, err = _run(capsys, "audit", "history", "99999")
    assert code == 2 and "Decision #99999 does not exist" in err
    code, _, err = _run(capsys, "audit", "escalations", "--week", "2026-47")
    assert code == 2 and "ISO week" in err
    code, _, err = _run(
        capsys, "audit", "decisions", "--user", "U0NOBODY", "--from", "2026-11-01", "--to", "2026-11-02"
    )
    assert code == 2 and "not on the roster" in err


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_then_verify_passes_and_one_changed_byte_fails(ids, capsys, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"audit.{fmt}"
    code, _, err = _run(capsys, "audit", "export", "--format", fmt, "--output", str(path))
    assert code == 0 and "exported" in err
    code, out, _ = _run(capsys, "audit", "verify", "--file", str(path))
    assert code == 0 and "events verified" in out

    data = bytearray(path.read_bytes())
    middle = data.index(b"review.recorded")  # inside an event in the middle of the chain
    data[middle] ^= 0x01
    path.write_bytes(bytes(data))
    code, _, err = _run(capsys, "audit", "verify", "--file", str(path))
    assert code == 1 and "BROKEN" in err


def test_verify_reports_a_file_that_is_not_utf8(ids, capsys, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    _run(capsys, "audit", "export", "--format", "jsonl", "--output", str(path))
    data = path.read_bytes().replace(b"U0LEAD", b"U0L\xffAD", 1)
    path.write_bytes(data)
    code, _, err = _run(capsys, "audit", "verify", "--file", str(path))
    assert code == 1 and "not UTF-8" in err
