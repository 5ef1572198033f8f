"""Issue 15 item 6: the failure texts people see (slow clicks, refused tokens, start-up noise)."""

from __future__ import annotations

import logging

import pytest

from bot.app import create_app
from bot.cli import main
from bot.config import Settings
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.conftest import BOT_TOKEN
from tests.e2e.cards import card_actions, open_card
from tests.helpers import eventually, load_roster, press, texts

ENG = "U0ENG1"


def test_an_expired_trigger_says_click_again_without_a_traceback(
    casebook, slack: Simulator, fake: FakeSlack, clock, caplog: pytest.LogCaptureFixture
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    slack.command(ENG, "practice")
    card = open_card(fake, ENG)
    button = card_actions(card)["elements"][0]
    fake.fail("views.open", error="expired_trigger_id")  # the click took too long to reach us
    caplog.set_level(logging.INFO)
    before = len(fake.responses)
    press(slack, ENG, card, button["action_id"], block_id="card_actions")
    again = "Slack took too long to open the form — click again."
    eventually(lambda: [r for r in fake.responses[before:] if again in texts(r.get("blocks") or [])])
    assert not [r for r in fake.responses if "Something went wrong" in texts(r.get("blocks") or [])]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert not [r for r in caplog.records if r.exc_info]


def test_no_bolt_warning_at_start(
    settings: Settings, program, clock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)  # what Bolt reads when it warns
    caplog.set_level(logging.INFO)
    app = create_app(settings, program=program, clock=clock)
    try:
        bolt = [r.getMessage() for r in caplog.records if r.name.startswith("slack_bolt")]
        assert [m for m in bolt if "ignored" in m or "warning" in m.lower()] == []
        assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    finally:
        app.shutdown()


def test_socket_mode_with_a_refused_token_says_what_to_check(
    fake: FakeSlack,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-revoked")
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    assert main(["socket", "--no-scheduler"]) == 2
    err = capsys.readouterr().err
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in err and "xapp-" in err
    assert "Traceback" not in err
