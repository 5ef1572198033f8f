"""`casebook report --out DIR` on a database seeded with the whole four-week program."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.db.audit_export import verify_export
from bot.db.engine import transaction
from bot.db.models import Decision
from bot.domain.evidence_registry import SECTIONS
from bot.domain.library import load_library, resolve_dir
from bot.program import Program
from bot.sandbox.program_demo import seed_program


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("CASEBOOK_PROGRAM", raising=False)
    monkeypatch.chdir(tmp_path)
    yield database_url
    root.handlers[:] = handlers
    root.setLevel(level)


def test_the_report_writes_every_file_of_the_evidence_directory(
    env: str, sessions: sessionmaker[Session], program: Program, tmp_path: Path, capsys
) -> None:
    counts = seed_program(sessions=sessions, program=program, library=load_library(resolve_dir("scenarios")))
    assert counts["people"] == 27 and counts["assessments"] >= 20 and counts["live_decisions"] > 150
    out = tmp_path / "evidence"
    assert main(["report", "--out", str(out), "--through", "2026-W48"]) == 0
    printed = capsys.readouterr().out
    assert f"to {out}/" in printed and "not computed: Policy feedback: not recorded" in printed

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["weeks"] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert [s["key"] for s in manifest["sections"]] == [s.key for s in SECTIONS]
    available = [s for s in manifest["sections"] if not s["unavailable"]]
    assert {s["key"] for s in available} == {
        "scorecard",
        "practice",
        "readiness",
        "surveys",
        "live_decisions",
        "overturns",
        "audit",
    }
    for section in available:  # every CSV and JSONL is there, parses, and has the rows the manifest says
        rows = list(csv.DictReader(io.StringIO((out / f"{section['key']}.csv").read_text(encoding="utf-8"))))
        lines = (out / f"{section['key']}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(rows) == len(lines) == section["rows"] > 0, section["key"]
        assert all(isinstance(json.loads(line), dict) for line in lines)
    with transaction(sessions) as session:
        live = session.execute(select(func.count()).where(Decision.kind == "live")).scalar_one()
    assert manifest["sections"][[s.key for s in SECTIONS].index("live_decisions")]["rows"] == live
    readiness = [json.loads(x) for x in (out / "readiness.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(readiness) == 20 and sum(r["readiness"] == "ready (signed off)" for r in readiness) >= 15

    weekly = json.loads((out / "scorecard-weeks.json").read_text(encoding="utf-8"))  # `metrics --json` shape
    assert [w["week"]["label"] for w in weekly] == manifest["weeks"]
    assert weekly[2]["recommendation"]["recommendation"] in ("go", "pivot", "pause", "no_call")
    assert weekly[2]["counts"]["live_decisions"] > 0 and weekly[0]["counts"]["live_decisions"] == 0

    export = (out / "audit-export.jsonl").read_text(encoding="utf-8")
    verified = verify_export(export)
    assert verified.ok and verified.checked > 1000
    head = (out / "audit-head.txt").read_text(encoding="utf-8").strip()
    trailer = json.loads(export.splitlines()[-1])
    assert head == f"{trailer['signature']['head_seq']}:{trailer['signature']['head_mac']}"

    html = (out / "index.html").read_text(encoding="utf-8")
    assert all(s.title.replace("'", "&#x27;") in html for s in SECTIONS)
    assert html.index("What this report could not compute") < html.index('data-section="scorecard"')


def test_bad_arguments_are_one_line(env: str, tmp_path: Path, capsys) -> None:
    assert main(["report", "--through", "next-week"]) == 2
    assert "--through: week: 'next-week' is not an ISO week" in capsys.readouterr().err
    (tmp_path / "taken").write_text("x")
    assert main(["report", "--out", str(tmp_path / "taken")]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err
