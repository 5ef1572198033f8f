"""The survey listeners: a stale button, a form that cannot be stored, and a save that fails after the ack."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import SurveyResponse
from bot.domain import inbox
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import survey_block
from bot.slack.listeners import survey
from bot.slack.util import SERVER_ERROR
from tests.helpers import eventually, load_roster, texts

ANSWERS = {"clarity": "4", "support": "5", "tools": "3", "workload": "2", "confidence": "4"}


def test_a_stale_survey_button_says_how_to_get_the_survey(
    casebook: Casebook, slack: Simulator, fake: FakeSlack
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    slack.click("U0ENG1", action_id="survey_open", value="garbage", channel="D0ENG1", message_ts="1.1")
    (response,) = eventually(lambda: fake.responses)
    assert survey.STALE_BUTTON in texts(response["blocks"])
    assert fake.views == {}


def test_a_failed_save_stays_in_the_modal_and_is_logged(
    casebook: Casebook,
    slack: Simulator,
    fake: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    slack.command("U0ENG1", "survey")
    view_id = eventually(lambda: list(fake.views))[-1]

    def no_inbox(*args: Any, **kwargs: Any) -> bool:
        raise OperationalError("INSERT INTO inbox", {}, Exception("database went away"))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    values: dict[str, str | None] = {survey_block(k): v for k, v in ANSWERS.items()}
    values["survey_comment"] = "my secret comment"
    # Not even stored before the ack: the form stays open saying so.
    with monkeypatch.context() as patched, caplog.at_level(logging.INFO):
        patched.setattr(inbox, "receive", no_inbox)
        reply = slack.submit("U0ENG1", view_id, values)
    assert reply.json["response_action"] == "errors"
    assert reply.json["errors"] == {survey_block("clarity"): SERVER_ERROR}
    # Stored, but the save from the inbox fails: logged (without the answers) and told by DM.
    monkeypatch.setattr(survey, "submit_answers", broken)
    with caplog.at_level(logging.INFO):
        reply = slack.submit("U0ENG1", view_id, values)
    assert reply.json["response_action"] == "update"
    [dm] = eventually(lambda: fake.dms_to("U0ENG1"))
    assert "nothing was saved" in dm.text
    assert "survey submission failed" in caplog.text
    assert "my secret comment" not in caplog.text
    with transaction(casebook.deps.sessions) as session:
        assert list(session.execute(select(SurveyResponse)).scalars()) == []
