"""`casebook report --out DIR` on a database seeded with the whole four-week program."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

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

UNBUILT: set[str] = set()  # every section is computed from the four-week fixture


def test_the_report_writes_every_file_of_the_evidence_directory(
    shipped_env: str, sessions: sessionmaker[Session], program: Program, tmp_path: Path, capsys
) -> None:
    counts = seed_program(sessions=sessions, program=program, library=load_library(resolve_dir("scenarios")))
    assert counts["people"] == 27 and counts["assessments"] >= 20 and counts["live_decisions"] > 150
    assert counts["attendance_corrections"] == 1 and counts["process_improvements"] == 1
    out = tmp_path / "evidence"
    assert main(["report", "--out", str(out), "--through", "2026-W48"]) == 0
    printed = capsys.readouterr().out
    assert f"to {out}/" in printed and "not computed" not in printed

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["weeks"] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert [s["key"] for s in manifest["sections"]] == [s.key for s in SECTIONS]
    available = [s for s in manifest["sections"] if not s["unavailable"]]
    # Every section is computed from the fixture.
    assert {s["key"] for s in manifest["sections"] if s["unavailable"]} == UNBUILT
    assert len(available) == len(SECTIONS)
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

    _check_program_sections(out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert all(s.title.replace("'", "&#x27;") in html for s in SECTIONS)
    assert html.index("Everything was computed") < html.index('data-section="scorecard"')


def _jsonl(out: Path, key: str) -> list[dict]:
    return [json.loads(x) for x in (out / f"{key}.jsonl").read_text(encoding="utf-8").splitlines()]


def _check_program_sections(out: Path) -> None:
    """The sections the training, voices and policy features feed carry the fixture's data."""
    training = _jsonl(out, "training")
    assert len(training) == 20 and all(r["sessions_held"] == 18 for r in training)
    ada = next(r for r in training if r["engineer"] == "Ada Park")
    assert "w9-tue-am" not in ada["missed"]  # her mentor corrected the no-show to present
    assert sum(bool(r["testing_environment"]) for r in _jsonl(out, "milestones")) >= 15
    register = _jsonl(out, "exceptions")  # every live approval, some answered late or not as agreed
    assert register and all(r["status"] in ("open", "asked", "answered") for r in register)
    assert any(r["delayed_rework"] == "yes" for r in register)
    disagreements = _jsonl(out, "consistency")  # blind second reviews that differed from the first
    assert disagreements and all(r["first_verdict"] != r["second_verdict"] for r in disagreements)
    reflections = _jsonl(out, "reflections")
    assert {r["day"] for r in reflections} == {"2026-11-06"} and any(r["shared_text"] for r in reflections)
    assert all(r["shared_text"] is None for r in reflections if not r["submitted"])
    assert all(r["mean"] is not None for r in _jsonl(out, "post_switchover"))
    assert {r["status"] for r in _jsonl(out, "policy_feedback")} == {"open", "accepted", "done", "rejected"}
    assert any(r["author"] is None for r in _jsonl(out, "lessons"))  # some given anonymously
    [proposal] = _jsonl(out, "proposals")
    assert (proposal["policy_rule"], proposal["kind"], proposal["status"]) == (
        "tenant-limits/rate-limit-override",
        "standing",
        "accepted",
    )
    assert sum(r["overturns"] for r in _jsonl(out, "overturn_reasons")) > 0
    assert len(_jsonl(out, "calibration")) == 20
    flags = {r["signal"]: r["state"] for r in _jsonl(out, "red_flags")}
    assert flags["No process improvements documented"] == "quiet"  # November ended; every lead has one


def test_bad_arguments_are_one_line(shipped_env: str, tmp_path: Path, capsys) -> None:
    assert main(["report", "--through", "next-week"]) == 2
    assert "--through: week: 'next-week' is not an ISO week" in capsys.readouterr().err
    (tmp_path / "taken").write_text("x")
    assert main(["report", "--out", str(tmp_path / "taken")]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err
