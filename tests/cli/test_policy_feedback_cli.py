"""`casebook policy-feedback export`: CSV and JSON Lines, to stdout or a file, formulas defused."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.config import EXAMPLE_PROGRAM
from bot.db.engine import transaction
from bot.domain.policy_feedback import FlagInput, RulePrefill, record_flag, set_status
from tests.helpers import load_roster
from tests.metrics_data import person

NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


@pytest.fixture
def seeded(sessions: sessionmaker[Session], database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CASEBOOK_PROGRAM", str(EXAMPLE_PROGRAM))
    load_roster(sessions, NOW)
    prefill = RulePrefill(policy="resource-tagging", version="2.1", rule="require-cost-center")
    with transaction(sessions) as session:
        ada, lee = person(session, "U0ENG1"), person(session, "U0LEAD")
        first, _ = record_flag(
            session=session,
            now=NOW,
            author=ada,
            key="a",
            source="command",
            flag=FlagInput(prefill.label, "When does the 72h window start?", "From approval, say so."),
            prefill=prefill,
        )
        record_flag(
            session=session,
            now=NOW,
            author=ada,
            key="b",
            source="command",
            flag=FlagInput("freeze rule", "=HYPERLINK() looks like a formula", "Quote it as text please."),
            prefill=RulePrefill(),
        )
        set_status(session=session, now=NOW, actor=lee, feedback_id=first.id, status="accepted")


def test_export_csv_to_stdout(seeded: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy-feedback", "export", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["policy"], r["rule"], r["status"]) for r in rows] == [
        ("resource-tagging", "require-cost-center", "accepted"),
        ("", "freeze rule", "open"),
    ]
    assert rows[0]["status_by_name"] == "Lee Lead" and rows[0]["author_slack_id"] == "U0ENG1"
    assert rows[1]["problem"].startswith("'=")  # a spreadsheet shows it, never runs it


def test_export_jsonl_to_a_file(seeded: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "feedback.jsonl"
    assert main(["policy-feedback", "export", "--format", "jsonl", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2 and rows[0]["version"] == "2.1" and rows[0]["accepted_at"].startswith("2026-11-18")
    assert "2 policy feedback items written" in capsys.readouterr().err
