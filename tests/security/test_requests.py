"""Hostile and malformed requests: refused with 4xx or handled as a no-op, never a crash."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest

from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator, sign
from tests.conftest import SIGNING_SECRET
from tests.helpers import eventually, texts

FORM = "application/x-www-form-urlencoded"


def _help_body(slack: Simulator) -> bytes:
    return urllib.parse.urlencode(slack.command_fields("U0ENG1", "help")).encode()


def test_missing_wrong_and_stale_signatures_get_401(roster, slack: Simulator, fake: FakeSlack) -> None:
    body = _help_body(slack)
    assert slack.post(body, FORM, signature="").status == 401
    assert slack.post(body, FORM, signature="v0=" + "0" * 64).status == 401
    assert slack.post(body, FORM, signature=sign("another-secret", str(int(time.time())), body)).status == 401
    assert slack.post(body, FORM, timestamp=int(time.time()) - 301).status == 401
    assert slack.post(body, FORM, timestamp=int(time.time()) + 301).status == 401
    time.sleep(0.3)
    assert fake.responses == []


def test_replayed_body_under_a_new_timestamp_is_refused(roster, slack: Simulator, fake: FakeSlack) -> None:
    body = _help_body(slack)
    old_ts = str(int(time.time()) - 60)
    captured = sign(SIGNING_SECRET, old_ts, body)
    # An attacker who captured the request re-sends it with a fresh timestamp but the old signature.
    assert slack.post(body, FORM, timestamp=int(time.time()), signature=captured).status == 401
    time.sleep(0.3)
    assert fake.responses == []


def test_oversized_body_is_refused_before_parsing(roster, slack: Simulator) -> None:
    body = b"payload=" + b"A" * (1024 * 1024)
    reply = slack.post(body, FORM)
    assert reply.status == 413
    assert b"Traceback" not in reply.body


@pytest.mark.parametrize(
    "payload",
    [
        "{not json",
        json.dumps({"type": "block_actions"}),
        json.dumps(
            {"type": "block_actions", "user": {"id": "U0ENG1"}, "actions": [{"action_id": "no_such_action"}]}
        ),
        json.dumps(
            {"type": "view_submission", "user": {"id": "U0ENG1"}, "view": {"callback_id": "no_such_view"}}
        ),
        json.dumps({"type": "mystery"}),
    ],
)
def test_malformed_payloads_get_4xx_or_a_handled_no_op(
    roster, slack: Simulator, fake: FakeSlack, payload: str
) -> None:
    reply = slack.post(urllib.parse.urlencode({"payload": payload}).encode(), FORM)
    assert reply.status in (200, 400, 404), reply.status
    assert b"Traceback" not in reply.body
    time.sleep(0.2)
    assert fake.invalid == []


def test_broken_json_event_body_is_refused(roster, slack: Simulator) -> None:
    reply = slack.post(b'{"type": "event_callback", "event": ', "application/json")
    assert 400 <= reply.status < 500
    assert b"Traceback" not in reply.body


def test_url_verification_challenge_is_answered(slack: Simulator) -> None:
    body = json.dumps({"token": "x", "challenge": "abc123", "type": "url_verification"}).encode()
    reply = slack.post(body, "application/json")
    assert reply.status == 200 and b"abc123" in reply.body


def test_empty_and_weird_commands_are_handled(roster, slack: Simulator, fake: FakeSlack) -> None:
    for text in ["", "   ", "\u202e" * 5, "<script>alert(1)</script>", "x" * 4000]:
        assert slack.command("U0ENG1", text).status == 200
    deadline = time.time() + 5
    while len(fake.responses) < 5 and time.time() < deadline:
        time.sleep(0.05)
    assert len(fake.responses) == 5
    sent = json.dumps([r.get("blocks") for r in fake.responses])
    assert "<script>" not in sent


@pytest.mark.parametrize(
    ("action_id", "value"),
    [
        ("card_approve", {"assignment_id": 10**30}),
        ("review_uphold", {"decision_id": 2**31}),
        ("assessment_sign_off", {"assessment_id": -5}),
        ("next_scenario", {"after": 10**30}),
    ],
)
def test_crafted_ids_beyond_the_database_range_are_bad_buttons_not_server_errors(
    roster, slack: Simulator, fake: FakeSlack, caplog: pytest.LogCaptureFixture, action_id: str, value: dict
) -> None:
    """An id no row can have is answered like any tampered button, not with a database error."""
    reply = slack.click(
        "U0MENTOR", action_id=action_id, value=json.dumps(value), channel="D0MENTOR", message_ts="1.1"
    )
    assert reply.status == 200
    [answer] = eventually(lambda: list(fake.responses))
    assert "Something went wrong on our side" not in texts(answer["blocks"])
    assert "out of date or was altered, so nothing was done" in texts(answer["blocks"])
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
