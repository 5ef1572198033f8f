"""scripts/screenshots.py: every picture the docs show is made by exactly one feature, chosen by name.

No browser here: the pictures themselves are checked by running the script (``make screenshots``).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("playwright.sync_api")  # the script's only dependency beyond the bot's

ROOT = Path(__file__).resolve().parents[2]
# Photographed by the report's browser test (tests/sandbox/test_report_browser.py), not the script.
MADE_BY_A_TEST = {"report.png"}


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    import screenshots

    return screenshots


def _shown_in_docs() -> set[str]:
    texts = [(ROOT / "README.md").read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8") for path in (ROOT / "docs").glob("*.md")]
    return {name for text in texts for name in re.findall(r"screenshots/([\w.-]+\.png)", text)}


def test_every_picture_in_the_docs_is_made_by_one_feature(script: ModuleType) -> None:
    made = [name for feature in script.FEATURES.values() for name in feature.pictures]
    assert len(made) == len(set(made)), "two features write the same picture"
    shown = _shown_in_docs()
    assert shown - MADE_BY_A_TEST == set(made)
    assert shown >= MADE_BY_A_TEST
    committed = {path.name for path in (ROOT / "docs" / "screenshots").glob("*.png")}
    assert shown == committed  # none missing, none left over that no page shows


def test_features_are_chosen_by_name(script: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    assert list(script.FEATURES) == ["pilot", "calib", "patterns", "review2", "training"]
    assert script.main(["--list", "calib", "training"]) == 0
    listed = capsys.readouterr().out
    assert "calibration-home.png" in listed and "training-home-pm.png" in listed
    assert "scenario-card.png" not in listed
    with pytest.raises(SystemExit) as refused:
        script.main(["--list", "calibration"])
    assert refused.value.code == 2
    assert "no feature calibration" in capsys.readouterr().err
