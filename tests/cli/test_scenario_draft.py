"""`casebook scenarios draft --from-decision N`: a reviewed live decision as a practice scenario draft
that `scenarios validate` accepts, with no names, Slack ids, channels, emails or links of the original."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from tests.helpers import load_roster
from tests.pattern_support import RULE, live

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"
SECRETS = (
    "U0ENG1",
    "U0LEAD",
    "C0ALERTS",
    "W0ABC12345",
    "#payments-oncall",
    "Ada",
    "Engineer",
    "Lee Lead",
    "ada@example.com",
    "https://",
    "grafana.internal",
    "slack.com",
)
ALERT = (
    "*ggen hold* on <https://grafana.internal/d/42|checkout dashboard>: namespace checkout-load has no "
    "cost-center label. Raised by <@U0ENG1> in <#C0ALERTS|alerts>; ping #payments-oncall or "
    "ada@example.com. Owner W0ABC12345 says Ada Engineer asked for it.\n"
    "policy: resource-tagging\nrule: require-cost-center"
)


@pytest.fixture
def decision(sessions, clock, database_url, monkeypatch) -> int:
    monkeypatch.setenv("DATABASE_URL", database_url)
    load_roster(sessions, clock.now())
    return live(
        sessions,
        now=clock.now(),
        title="checkout-load namespace for Ada Engineer (see https://grafana.internal/d/42)",
        rule=RULE,
        text=ALERT,
        review="uphold",
        comment="Good call, Ada: the 48 h TTL bounds it; Lee Lead agrees (see https://slack.com/archives/C0X/p1)",
    )


def test_draft_validates_and_carries_nothing_identifying(decision, tmp_path, capsys) -> None:
    library = tmp_path / "library"
    shutil.copytree(SHIPPED, library)

    assert main(["scenarios", "draft", "--from-decision", str(decision), "--out", str(library)]) == 0
    draft = library / "policy_violation" / f"live-{decision}-draft.yaml"
    text = draft.read_text()
    assert main(["scenarios", "validate", str(library)]) == 0, capsys.readouterr().out

    for secret in SECRETS:
        assert secret.lower() not in text.lower(), secret
    spec = yaml.safe_load(text)
    assert spec["pool"] == "practice" and spec["expected"]["decision"] == "approve"
    assert "rule: require-cost-center" in spec["policy"]  # the library's excerpt, verbatim
    assert any(
        "48 h ttl bounds it" in p["point"].lower() or "48" in " ".join(p["keywords"])
        for p in spec["key_points"]
    )
    assert "cost-center label" in spec["context"] and "[person]" in spec["context"]


def test_draft_to_stdout_and_refusals(decision, sessions, clock, capsys) -> None:
    assert main(["scenarios", "draft", "--from-decision", str(decision)]) == 0
    assert f"id: live-{decision}-draft" in capsys.readouterr().out
    pending = live(sessions, now=clock.now(), title="not reviewed yet", rule=RULE)
    assert main(["scenarios", "draft", "--from-decision", str(pending)]) != 0
    assert "has not been reviewed yet" in capsys.readouterr().err
    assert main(["scenarios", "draft", "--from-decision", "99999"]) != 0
    assert "no live decision #99999" in capsys.readouterr().err


def test_bad_ids_and_paths_are_one_line(decision, tmp_path, capsys) -> None:
    for bad in ("abc", "0", str(2**40)):
        with pytest.raises(SystemExit) as exited:
            main(["scenarios", "draft", "--from-decision", bad])
        assert exited.value.code == 2
        assert "is not a decision id" in capsys.readouterr().err
    missing = tmp_path / "no" / "such" / "dir" / "draft.yaml"
    assert main(["scenarios", "draft", "--from-decision", str(decision), "--out", str(missing)]) != 0
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err
