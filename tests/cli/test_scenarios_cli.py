"""`casebook scenarios validate|audit` and the start-up check that refuses an invalid library."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cli import main
from tests.domain.test_library import BROKEN, EXPECTED, RULES_BROKEN, RULES_EXPECTED, SHIPPED, VALID


def test_validate_passes_on_a_valid_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "validate", str(VALID)]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"12 scenarios in 1 categories, all valid \(expected decisions: approve 4, deny 4, escalate 4; "
        r"pools: practice 6, assessment 6\)",
        out,
    )


def test_validate_defaults_to_casebook_scenarios(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("CASEBOOK_SCENARIOS", str(BROKEN))
    assert main(["scenarios", "validate"]) == 2
    monkeypatch.setenv("CASEBOOK_SCENARIOS", str(VALID))
    assert main(["scenarios", "validate"]) == 0
    monkeypatch.delenv("CASEBOOK_SCENARIOS")
    monkeypatch.chdir(Path("/"))  # the default falls back to the checkout's scenarios/
    capsys.readouterr()
    main(["scenarios", "validate"])
    captured = capsys.readouterr()
    assert (captured.out + captured.err).startswith(str(SHIPPED))


def test_validate_names_file_line_and_field_and_exits_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "validate", str(BROKEN)]) == 2
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == len(EXPECTED)
    for rel, (line, field, _) in EXPECTED.items():
        assert any(out.startswith(f"{BROKEN / rel}:{line}: {field}: ") for out in lines), rel
    assert f"{len(EXPECTED)} problems" in captured.err


def test_serve_refuses_to_start_on_an_invalid_library(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("CASEBOOK_SCENARIOS", str(BROKEN))
    assert main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "invalid scenario library" in err
    assert f"{BROKEN / 'rollback' / 'empty-title.yaml'}:3: title: must not be empty" in err


def test_validate_enforces_the_authoring_rules_once_the_files_load(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["scenarios", "validate", str(RULES_BROKEN)]) == 2
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"{RULES_BROKEN / rel}:{line}: {field}: {words}"
        for rel, (line, field, words) in RULES_EXPECTED.items()
    ]
    assert "3 problems" in captured.err


def test_audit_prints_each_pool_with_pass_or_fail(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "audit", str(VALID)]) == 0
    out = capsys.readouterr().out
    assert "== pool practice: 6 scenarios" in out and "== pool assessment: 6 scenarios" in out
    assert re.search(r"ggen agrees with the key: 3/5 \(60%\)  target 40%-60%: PASS", out)
    for family in ("policy text", "title", "ggen's line", "length", "best pair of features"):
        assert re.search(rf"\n  {re.escape(family)} +\d+/6 +\d+%  (PASS|FAIL)", out), family
    assert out.rstrip().endswith(("overall: PASS", "overall: FAIL"))


def test_audit_json_has_the_figures_and_reports_even_when_they_fail(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["scenarios", "audit", "--json", str(RULES_BROKEN)]) == 0
    data = json.loads(capsys.readouterr().out)
    assessment = data["pools"]["assessment"]
    assert assessment["by_category"]["rollback"] == {"approve": 3, "deny": 3, "escalate": 0}
    assert assessment["ggen"] == {"agree": 3, "shown": 5, "rate": 0.6, "pass": True}
    assert {f["family"] for f in assessment["surface"]} == {
        "policy text",
        "title",
        "ggen's line",
        "length",
        "best pair of features",
    }
    assert data["targets"] == {"surface_max": 0.5, "ggen_range": [0.4, 0.6]}
    assert main(["scenarios", "audit", str(BROKEN)]) == 2  # a library that does not load is not audited
