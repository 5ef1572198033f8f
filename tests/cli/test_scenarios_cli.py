"""`casebook scenarios validate` and the start-up check that refuses an invalid library."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from tests.domain.test_library import BROKEN, EXPECTED, SHIPPED


def test_validate_passes_on_the_shipped_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "validate", str(SHIPPED)]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"42 scenarios in 7 categories, all valid \(expected decisions: approve 14, deny 14, escalate 14\)",
        out,
    )


def test_validate_defaults_to_casebook_scenarios(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("CASEBOOK_SCENARIOS", str(BROKEN))
    assert main(["scenarios", "validate"]) == 1
    monkeypatch.delenv("CASEBOOK_SCENARIOS")
    monkeypatch.chdir(Path("/"))  # the default falls back to the checkout's scenarios/
    assert main(["scenarios", "validate"]) == 0


def test_validate_names_file_line_and_field_and_exits_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "validate", str(BROKEN)]) == 1
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
