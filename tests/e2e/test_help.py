"""End to end: signed slash commands over HTTP against the fake Slack."""

from __future__ import annotations

import json
import time
import urllib.request

from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.web.devserver import BackgroundServer
from tests.helpers import eventually, load_roster, texts


def test_help_lists_what_an_engineer_may_do(casebook, slack: Simulator, fake: FakeSlack, clock) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    reply = slack.command("U0ENG1", "help")
    assert reply.status == 200
    response = eventually(lambda: fake.responses)[-1]
    assert response["response_type"] == "ephemeral"
    body = texts(response["blocks"])
    assert "Ada Engineer" in body
    assert "/casebook help" in body


def test_unknown_user_is_told_who_can_add_them(casebook, slack: Simulator, fake: FakeSlack) -> None:
    assert slack.command("U0STRANGER", "help").status == 200
    response = eventually(lambda: fake.responses)[-1]
    assert "roster" in texts(response["blocks"])
    assert casebook.deps.program.admins_contact.split()[0] in texts(response["blocks"])


def test_unsigned_and_stale_requests_are_refused(casebook, slack: Simulator, fake: FakeSlack, clock) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    fields = slack.command_fields("U0ENG1", "help")
    import urllib.parse

    body = urllib.parse.urlencode(fields).encode()
    assert slack.post(body, "application/x-www-form-urlencoded", signature="").status == 401
    assert slack.post(body, "application/x-www-form-urlencoded", signature="v0=deadbeef").status == 401
    stale = int(time.time()) - 6 * 60
    assert slack.post(body, "application/x-www-form-urlencoded", timestamp=stale).status == 401
    time.sleep(0.3)
    assert fake.responses == []


def test_healthz_reports_version_and_database(server: BackgroundServer) -> None:
    with urllib.request.urlopen(server.url + "/healthz") as resp:
        data = json.loads(resp.read())
    assert resp.status == 200
    assert data["database"] == "ok"
    assert data["version"]
