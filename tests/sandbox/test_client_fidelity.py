"""The sandbox client behaves like Slack's: reloads, unread badges, the app's Messages tab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.sandbox.runtime import Sandbox, dm_read_only
from tests.helpers import eventually
from tests.sandbox.conftest import ADA, BEN, Api

DM_ADA = "D0ADA"
BOT = "xoxb-test"
ROOT = Path(__file__).resolve().parents[2]


def _unread(api: Api, user: str, *, channel: str | None = None, read: bool = True) -> dict[str, int]:
    query = f"/api/state?user={user}&channel={channel or ''}&read={'1' if read else '0'}"
    status, data = api.request(query)
    assert status == 200, data
    return {c["name"]: c["unread"] for c in data["conversations"]}


def test_a_reload_drops_modals_and_ephemerals_like_slack(api: Api) -> None:
    api.post("/api/command", {"user": ADA, "channel": DM_ADA, "text": "/casebook help"})
    eventually(lambda: any(i["kind"] == "ephemeral" for i in api.state(ADA)["timeline"]))
    api.post("/api/command", {"user": BEN, "channel": "C0CBGENERAL", "text": "/casebook form"})
    eventually(lambda: api.state(BEN)["modal"])
    api.post("/api/client-start", {})
    assert api.state(BEN)["modal"] is None
    assert not [i for i in api.state(ADA)["timeline"] if i["kind"] == "ephemeral"]
    assert [i for i in api.state(ADA, "C0ALERTS")["timeline"] if i["kind"] == "message"]  # messages stay


def test_unread_badges_clear_when_opened_and_ignore_your_own_messages(api: Api) -> None:
    assert _unread(api, ADA)["alerts"] == 0  # a first look starts with nothing new
    api.post("/api/message", {"user": BEN, "channel": "C0ALERTS", "text": "from Ben"})
    api.post("/api/message", {"user": BEN, "channel": "C0ALERTS", "text": "and again"})
    assert _unread(api, ADA)["alerts"] == 2
    assert _unread(api, ADA, channel="C0ALERTS")["alerts"] == 0  # opened: read
    assert _unread(api, ADA)["alerts"] == 0  # and it stays read
    api.post("/api/message", {"user": ADA, "channel": "C0ALERTS", "text": "mine"})
    assert _unread(api, ADA)["alerts"] == 0
    assert _unread(api, BEN)["alerts"] == 0  # Ben's first look; then Ada's reply is new to him
    api.post("/api/message", {"user": ADA, "channel": "C0ALERTS", "text": "for Ben"})
    assert _unread(api, BEN)["alerts"] == 1


def test_the_home_tab_does_not_read_the_messages_tab(api: Api) -> None:
    _unread(api, ADA, channel="C0ALERTS")
    api.post("/api/command", {"user": ADA, "channel": "C0ALERTS", "text": "/casebook practice"})
    eventually(lambda: _unread(api, ADA, channel="C0ALERTS")["Casebook"] >= 1)  # the card, in the DM
    assert _unread(api, ADA, channel=DM_ADA, read=False)["Casebook"] >= 1
    assert _unread(api, ADA, channel=DM_ADA)["Casebook"] == 0


def test_the_sandbox_follows_the_manifests_messages_tab_setting(api: Api, sandbox: Sandbox) -> None:
    manifests: list[Any] = [
        yaml.safe_load((ROOT / name).read_text())["features"]["app_home"]
        for name in ("manifest.yaml", "manifest.socket.yaml")
    ]
    read_only = {m["messages_tab_read_only_enabled"] for m in manifests}
    assert len(read_only) == 1, "the two manifests disagree"
    assert dm_read_only() is read_only.pop()
    assert api.state(ADA)["dm_read_only"] is sandbox.dm_read_only is dm_read_only()


def test_a_read_only_manifest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "manifest.yaml"
    path.write_text("features:\n  app_home:\n    messages_tab_read_only_enabled: true\n")
    assert dm_read_only(path) is True
    assert dm_read_only(tmp_path / "missing.yaml") is False


def test_a_permalink_resolves_to_its_conversation_and_thread(api: Api, sandbox: Sandbox) -> None:
    parent = api.post("/api/message", {"user": BEN, "channel": "C0ALERTS", "text": "parent"})["ts"]
    reply = api.post(
        "/api/message", {"user": BEN, "channel": "C0ALERTS", "text": "reply", "thread_ts": parent}
    )["ts"]
    _, link, _ = sandbox.fake.handle("chat.getPermalink", {"channel": "C0ALERTS", "message_ts": reply}, BOT)
    assert api.post("/api/permalink", {"url": link["permalink"]}) == {
        "ok": True,
        "channel": "C0ALERTS",
        "ts": reply,
        "thread_ts": parent,
    }
    assert api.state(ADA)["permalink_base"] in link["permalink"]
    missing = api.post("/api/permalink", {"url": link["permalink"].replace("/p", "/p9")})
    assert missing["ok"] is False
