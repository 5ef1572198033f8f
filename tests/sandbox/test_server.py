"""The sandbox server's JSON API, driven over HTTP without a browser."""

from __future__ import annotations

import urllib.request
from datetime import datetime
from typing import Any

import pytest

from bot.cli import build_parser
from bot.jobs import registry, runner
from bot.sandbox import demo
from bot.sandbox.runtime import Sandbox
from tests.helpers import eventually, texts
from tests.sandbox import kitchen
from tests.sandbox.conftest import ADA, BEN, MO, Api

DM_ADA = "D0ADA"


def items(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [i for i in data["timeline"] if i["kind"] == kind]


def test_state_shows_the_demo_workspace(api: Api, sandbox: Sandbox) -> None:
    data = api.state(ADA)
    people = {p["id"]: p for p in data["people"]}
    assert len(people) == 6
    assert "pilot" in people["U0CY"]["roles"]
    assert {p["tz"] for p in people.values()} == {"America/New_York", "Europe/Berlin"}
    names = {c["name"] for c in data["conversations"]}
    assert {"Casebook", "exception-review", "pilot-pm", "ops-announcements", "alerts"} <= names
    assert data["channel"] == DM_ADA
    assert data["jobs"]["names"]
    alerts = api.state(ADA, "C0ALERTS")
    assert "max-burst &lt;= 500" in alerts["timeline"][0]["text"]
    assert data["shortcuts"] == [{"callback_id": "handle_as_exception", "name": "Handle as exception"}]
    assert datetime.fromtimestamp(data["now"]).year == 2026


def test_roster_was_imported_through_the_domain(sandbox: Sandbox) -> None:
    from bot.db.engine import transaction
    from bot.domain.people import get_view

    assert sandbox.casebook is not None
    with transaction(sandbox.casebook.deps.sessions) as session:
        cy = get_view(session=session, slack_user_id="U0CY")
    assert cy is not None and cy.roles == frozenset({"engineer", "pilot"})
    assert sandbox.fake.users["U0BEN"].tz == "Europe/Berlin"


def test_help_is_an_ephemeral_for_the_caller_only(api: Api) -> None:
    help_ = {"user": ADA, "channel": DM_ADA, "text": "/casebook help"}
    assert api.post("/api/command", help_)["ok"]
    eph = eventually(lambda: items(api.state(ADA), "ephemeral"))
    assert "Casebook commands" in texts(eph[0]["blocks"])
    assert items(api.state(BEN, DM_ADA.replace("ADA", "BEN")), "ephemeral") == []
    api.post("/api/command", {"user": BEN, "channel": "C0CBGENERAL", "text": "/casebook help"})
    eventually(lambda: items(api.state(BEN, "C0CBGENERAL"), "ephemeral"))
    assert items(api.state(ADA, "C0CBGENERAL"), "ephemeral") == []


def test_unknown_slash_command_is_answered_by_slackbot(api: Api) -> None:
    reply = api.post("/api/command", {"user": ADA, "channel": DM_ADA, "text": "/nope x"})
    assert reply["ok"] is False
    eph = items(api.state(ADA), "ephemeral")
    assert eph and eph[0]["user"] == "USLACKBOT" and "not a valid command" in eph[0]["text"]


def test_dismissing_an_ephemeral(api: Api) -> None:
    api.post("/api/command", {"user": ADA, "channel": DM_ADA, "text": "/nope"})
    eph = items(api.state(ADA), "ephemeral")[0]
    api.post("/api/dismiss", {"user": ADA, "id": eph["id"]})
    assert items(api.state(ADA), "ephemeral") == []


def test_typed_text_is_escaped_like_slack(api: Api, sandbox: Sandbox) -> None:
    api.post("/api/message", {"user": ADA, "channel": "C0ALERTS", "text": kitchen.XSS})
    last = api.state(MO, "C0ALERTS")["timeline"][-1]
    assert last["user"] == ADA
    assert "<" not in last["text"] and "&lt;script&gt;" in last["text"]


def test_kitchen_message_blocks_files_and_thread(api: Api, sandbox: Sandbox) -> None:
    api.post("/api/command", {"user": ADA, "channel": DM_ADA, "text": "/casebook kitchen"})

    def ready() -> dict[str, Any] | None:  # upload, card, its thread reply, the ephemeral
        data = api.state(ADA)
        messages = items(data, "message")
        done = len(messages) == 2 and messages[1]["reply_count"] and items(data, "ephemeral")
        return data if done else None

    data = eventually(ready)
    upload, card = items(data, "message")
    assert upload["files"][0]["is_image"] and upload["files"][0]["uploaded"]
    with urllib.request.urlopen(api.url + upload["files"][0]["url"]) as resp:
        assert resp.headers["Content-Type"] == "image/png"
        assert resp.read() == kitchen.png()
    assert card["reply_count"] == 1
    thread = api.state(ADA, DM_ADA, card["ts"])["thread"]
    assert thread["parent"]["ts"] == card["ts"]
    assert "A reply in the thread" in thread["replies"][0]["text"]
    assert "Kitchen is ready" in items(data, "ephemeral")[0]["text"]


def _card(api: Api) -> dict[str, Any]:
    api.post("/api/command", {"user": ADA, "channel": DM_ADA, "text": "/casebook kitchen"})
    return eventually(lambda: next((m for m in items(api.state(ADA), "message") if m["blocks"]), None))


def test_button_replaces_the_original_message(api: Api) -> None:
    card = _card(api)
    actions = next(i for i, b in enumerate(card["blocks"]) if b["type"] == "actions")
    source = {"kind": "message", "channel": DM_ADA, "ts": card["ts"]}
    assert api.post(
        "/api/action", {"user": ADA, "source": source, "block_index": actions, "element_index": 0}
    )["ok"]
    updated = eventually(
        lambda: next(
            (m for m in items(api.state(ADA), "message") if m["ts"] == card["ts"] and m["edited"]), None
        )
    )
    assert "Approved by <@U0ADA>" in texts(updated["blocks"])


def test_select_and_accessory_and_ephemeral_buttons(api: Api) -> None:
    card = _card(api)
    actions = next(i for i, b in enumerate(card["blocks"]) if b["type"] == "actions")
    source = {"kind": "message", "channel": DM_ADA, "ts": card["ts"]}
    api.post(
        "/api/action",
        {"user": ADA, "source": source, "block_index": actions, "element_index": 2, "value": "b"},
    )
    eventually(
        lambda: any("chose b" in r["text"] for r in api.state(ADA, DM_ADA, card["ts"])["thread"]["replies"])
    )
    bad = api.request(
        "/api/action",
        {"user": ADA, "source": source, "block_index": actions, "element_index": 2, "value": "zzz"},
    )
    assert bad[0] == 400 and "no option" in bad[1]["error"]
    api.post("/api/action", {"user": ADA, "source": source, "block_index": 1, "element_index": -1})
    eph = eventually(lambda: next((e for e in items(api.state(ADA), "ephemeral") if e["blocks"]), None))
    api.post(
        "/api/action",
        {
            "user": ADA,
            "source": {"kind": "ephemeral", "id": eph["id"]},
            "block_index": 0,
            "element_index": -1,
        },
    )
    eventually(
        lambda: any(
            e["text"] == "Ephemeral replaced." and not e["blocks"] for e in items(api.state(ADA), "ephemeral")
        )
    )


def _open_form(api: Api, user: str = ADA) -> dict[str, Any]:
    api.post("/api/command", {"user": user, "channel": "C0CBGENERAL", "text": "/casebook form"})
    return eventually(lambda: api.state(user)["modal"])


GOOD = {
    "title": "Fine",
    "evidence": "logs",
    "verdict": "deny",
    "risk": "low",
    "checks": ["rollback"],
    "confidence": "4",
}


def test_modal_errors_then_submit(api: Api) -> None:
    modal = _open_form(api)
    assert modal["depth"] == 1 and modal["view"]["title"]["text"] == "Kitchen form"
    assert api.state(BEN)["modal"] is None
    view_id = modal["view"]["id"]
    reply = api.post("/api/submit", {"user": ADA, "view_id": view_id, "values": dict(GOOD, title="bad idea")})
    assert reply["errors"] == {"title": "Titles may not say bad.", "confidence": "Be more sure."}
    assert api.state(ADA)["modal"]["view"]["id"] == view_id
    reply = api.post(
        "/api/submit", {"user": ADA, "view_id": view_id, "values": dict(GOOD, title=kitchen.XSS)}
    )
    assert reply["errors"] == {}
    assert api.state(ADA)["modal"] is None
    echo = eventually(
        lambda: next((m for m in items(api.state(ADA), "message") if m["text"] == "Form received"), None)
    )
    body = texts(echo["blocks"])
    assert "&lt;script&gt;" in body and "<script>" not in body
    assert "*Checks:* rollback" in body and "*Confidence:* 4" in body


def test_modal_update_push_and_clear(api: Api) -> None:
    view_id = _open_form(api)["view"]["id"]
    api.post("/api/submit", {"user": ADA, "view_id": view_id, "values": dict(GOOD, title="update")})
    modal = api.state(ADA)["modal"]
    assert modal["view"]["id"] == view_id and modal["view"]["title"]["text"] == "Updated form"
    api.post("/api/submit", {"user": ADA, "view_id": view_id, "values": dict(GOOD, title="push")})
    modal = api.state(ADA)["modal"]
    assert modal["depth"] == 2 and modal["view"]["title"]["text"] == "Second form"
    api.post("/api/close", {"user": ADA, "view_id": modal["view"]["id"], "everything": False})
    assert api.state(ADA)["modal"]["view"]["id"] == view_id
    api.post("/api/submit", {"user": ADA, "view_id": view_id, "values": dict(GOOD, title="clear")})
    assert api.state(ADA)["modal"] is None


def test_button_in_modal_pushes_with_the_typed_state(api: Api) -> None:
    view_id = _open_form(api)["view"]["id"]
    api.post(
        "/api/action",
        {
            "user": ADA,
            "source": {"kind": "view", "view_id": view_id},
            "block_index": 0,
            "element_index": -1,
            "values": {"title": "typed so far"},
        },
    )
    modal = eventually(lambda: (lambda m: m if m and m["depth"] == 2 else None)(api.state(ADA)["modal"]))
    assert "typed so far" in texts(modal["view"]["blocks"])


def test_closing_notifies_the_app_when_asked(api: Api) -> None:
    view_id = _open_form(api)["view"]["id"]
    api.post("/api/close", {"user": ADA, "view_id": view_id, "everything": True})
    assert api.state(ADA)["modal"] is None
    eventually(lambda: any(m["text"] == "You closed the form." for m in items(api.state(ADA), "message")))


def test_message_shortcut_sends_the_message(api: Api) -> None:
    alert = api.state(ADA, "C0ALERTS")["timeline"][0]
    api.post(
        "/api/shortcut",
        {"user": ADA, "channel": "C0ALERTS", "ts": alert["ts"], "callback_id": kitchen.SHORTCUT},
    )
    modal = eventually(lambda: api.state(ADA)["modal"])
    assert "max-burst &lt;= 500" in texts(modal["view"]["blocks"])


def test_unhandled_interaction_is_reported(api: Api) -> None:
    alert = api.state(ADA, "C0ALERTS")["timeline"][0]
    reply = api.post(
        "/api/shortcut",
        {"user": ADA, "channel": "C0ALERTS", "ts": alert["ts"], "callback_id": "nobody_listens"},
    )
    assert reply["ok"] is False and "did not handle" in reply["error"]


def test_app_home_is_published_on_open(api: Api) -> None:
    assert api.state(MO)["home"] is None
    api.post("/api/home", {"user": MO})
    home = eventually(lambda: api.state(MO)["home"])
    assert "Welcome to Casebook, Mo Haddad" in texts(home["blocks"])


def test_clock_and_jobs_hook(api: Api, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    reply = api.post("/api/clock", {"now": "2026-11-20T16:30"})
    assert reply["now_local"] == "2026-11-20T16:30"
    assert abs(sandbox.clock.now().timestamp() - reply["now"]) < 5
    jobs = api.state(ADA)["jobs"]
    assert jobs["available"] is True and jobs["names"] == registry.names()  # names from the catalogue

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(runner, "run_job", lambda **kw: calls.append(kw) or "2 sent")
    reply = api.post("/api/job", {"name": "digest", "at": "2026-11-20T17:00"})
    assert reply["ok"] and reply["result"].endswith(": 2 sent")
    assert calls[0]["name"] == "digest" and calls[0]["deps"] is sandbox.casebook.deps
    assert calls[0]["at"].isoformat() == "2026-11-20T17:00:00-05:00"
    assert api.request("/api/job", {"name": "weekly-party"})[0] == 400


def test_reset_starts_over(api: Api, sandbox: Sandbox) -> None:
    api.post("/api/message", {"user": ADA, "channel": "C0ALERTS", "text": "hello"})
    api.post("/api/clock", {"now": "2027-01-01T00:00"})
    assert len(api.state(ADA, "C0ALERTS")["timeline"]) == 2
    api.post("/api/reset", {})
    assert len(api.state(ADA, "C0ALERTS")["timeline"]) == 1
    assert sandbox.clock.now().date() == demo.default_start(sandbox.program).date()
    api.post("/api/command", {"user": ADA, "channel": DM_ADA, "text": "/casebook help"})
    eventually(lambda: items(api.state(ADA), "ephemeral"))


def test_posts_must_be_json_from_localhost(api: Api) -> None:
    status, _ = api.request(
        "/api/message", {"user": ADA, "channel": "C0ALERTS", "text": "x"}, content_type="text/plain"
    )
    assert status == 415
    status, _ = api.request("/api/state?user=U0ADA", headers={"Host": "evil.example:80"})
    assert status == 403
    status, body = api.request("/api/message", {"user": "U0NOPE", "channel": "C0ALERTS", "text": "x"})
    assert status == 400 and "unknown person" in body["error"]
    status, _ = api.request("/api/message", {"user": ADA, "channel": "C0SECRET", "text": "x"})
    assert status == 400


def test_page_and_assets_are_served_with_a_csp(api: Api) -> None:
    with urllib.request.urlopen(api.url + "/") as resp:
        assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
        assert b'src="/static/app.js"' in resp.read()
    with urllib.request.urlopen(api.url + "/static/app.js") as resp:
        assert resp.headers["Content-Type"].startswith("text/javascript")
    assert api.request("/static/../runtime.py")[0] == 404


def test_event_stream_announces_changes(api: Api) -> None:
    with urllib.request.urlopen(api.url + "/api/events", timeout=10) as stream:
        assert stream.readline() == b"event: change\n"
        stream.readline()
        stream.readline()
        api.post("/api/message", {"user": ADA, "channel": "C0ALERTS", "text": "ping"})
        assert stream.readline() == b"event: change\n"


def test_cli_has_a_sandbox_command() -> None:
    args = build_parser().parse_args(["sandbox", "--port", "4000", "--keep-data"])
    assert args.port == 4000 and args.keep_data and args.func.__name__ == "cmd_sandbox"


def test_injected_slack_faults_reach_the_bot(api: Api, sandbox: Sandbox) -> None:
    assert "chat.postMessage" in api.state(ADA)["slack"]["methods"]
    reply = api.post("/api/fault", {"method": "views.open", "kind": "expired_trigger_id"})
    assert reply["pending"] == 1
    api.post("/api/command", {"user": ADA, "channel": DM_ADA, "text": "/casebook form"})
    eventually(lambda: api.state(ADA)["slack"]["pending_faults"] == 0)
    assert api.state(ADA)["modal"] is None  # the bot's views.open was refused
    assert api.post("/api/outage", {"down": True})["down"] is True
    assert sandbox.fake.down and api.state(ADA)["slack"]["down"]
    api.post("/api/outage", {"down": False})
    assert api.request("/api/fault", {"kind": "nope"})[0] == 400
