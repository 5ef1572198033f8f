"""The sync listeners: module-level functions on the middleware's context, and their error replies."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from slack_bolt import BoltContext
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import SyncResponse
from bot.domain import inbox
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.blocks.sync import blockers_modal
from bot.slack.listeners import sync
from bot.slack.metadata import SyncValue
from bot.slack.middleware import Caller
from bot.slack.util import SERVER_ERROR
from tests.helpers import eventually, load_roster, texts

TODAY = date(2026, 11, 17)
VALUE = SyncValue(day=TODAY.isoformat()).dump()


def _answers(casebook: Casebook) -> list[SyncResponse]:
    with transaction(casebook.deps.sessions) as session:
        return list(session.execute(select(SyncResponse)).scalars())


def _broken(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("database went away")


def test_a_listener_runs_alone_given_a_context(casebook: Casebook) -> None:
    """No closure, no app: the function, Bolt's arguments and a context with the container."""
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    context = BoltContext({"deps": casebook.deps, "caller": Caller(casebook.deps, "U0ENG1")})
    shown: list[dict[str, Any]] = []
    body = {"user": {"id": "U0ENG1"}, "actions": [{"action_id": "sync_all_good", "value": VALUE}]}
    sync.all_good(body=body, context=context, respond=lambda **kw: shown.append(kw))  # the lazy work
    (reply,) = shown
    assert reply["replace_original"] is True and "You answered *All good*" in texts(reply["blocks"])
    assert [a.status for a in _answers(casebook)] == ["all_good"]


def test_an_unexpected_failure_after_the_ack_gets_the_generic_reply(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    monkeypatch.setattr(sync, "answer_sync", _broken)
    reply = slack.click("U0ENG1", action_id="sync_all_good", value=VALUE, channel="D0ENG1", message_ts="1.1")
    assert reply.status == 200
    (response,) = eventually(lambda: fake.responses)
    assert SERVER_ERROR in texts(response["blocks"])
    assert "database went away" not in str(response)
    assert _answers(casebook) == []


def test_the_blockers_form_shows_save_failures_and_stale_forms_in_the_modal(
    casebook: Casebook, slack: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    form = blockers_modal(SyncValue(day=TODAY.isoformat())).to_dict()
    stale = {**form, "private_metadata": "not json"}
    reply = slack.submit_view("U0ENG1", stale, {"blockers": "VPN is down", "mood": "2"})
    assert reply.json == {"response_action": "errors", "errors": {"blockers": sync.STALE_BUTTON}}

    # The answer is stored in the inbox before the ack: when even that fails, the form says so.
    monkeypatch.setattr(inbox, "receive", _no_inbox)
    reply = slack.submit_view("U0ENG1", form, {"blockers": "VPN is down", "mood": "2"})
    assert reply.json["response_action"] == "errors"
    assert reply.json["errors"] == {"blockers": SERVER_ERROR}
    assert _answers(casebook) == []


def _no_inbox(*args: Any, **kwargs: Any) -> bool:
    raise OperationalError("INSERT INTO inbox", {}, Exception("database went away"))
