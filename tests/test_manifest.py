"""The manifests declare exactly what the code uses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.app import Casebook
from bot.slack.ids import COMMAND, Shortcut

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["manifest.yaml", "manifest.socket.yaml"])
def test_manifest_matches_the_code(name: str) -> None:
    manifest = yaml.safe_load((ROOT / name).read_text())
    features = manifest["features"]
    assert [c["command"] for c in features["slash_commands"]] == [COMMAND]
    assert all(c["should_escape"] for c in features["slash_commands"])
    assert {s["callback_id"] for s in features["shortcuts"]} == {s.value for s in Shortcut}
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "files:write",
        "users:read",
        # conversations.history / replies: look for an ambiguous send's metadata before a resend
        "channels:history",
        "groups:history",
        "im:history",
        "im:write",  # conversations.open, for a DM's id before reading its history
    }
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    socket = manifest["settings"]["socket_mode_enabled"]
    assert socket is (name == "manifest.socket.yaml")
    if not socket:
        urls = {
            manifest["settings"]["interactivity"]["request_url"],
            manifest["settings"]["event_subscriptions"]["request_url"],
            features["slash_commands"][0]["url"],
        }
        assert len(urls) == 1 and urls.pop().endswith("/slack/events")


@pytest.mark.parametrize("name", ["manifest.yaml", "manifest.socket.yaml"])
def test_the_usage_hint_names_only_subcommands_that_exist(name: str, casebook: Casebook) -> None:
    manifest = yaml.safe_load((ROOT / name).read_text())
    (command,) = manifest["features"]["slash_commands"]
    hinted = [part.split()[0] for part in command["usage_hint"].split("|")]
    known = set(casebook.deps.router.names())
    assert [h for h in hinted if h not in known] == []
    # The program's new everyday subcommands are in the hint Slack shows while typing.
    assert {"precedents", "lab", "flag-policy", "report"} <= set(hinted)
    assert len(command["usage_hint"]) <= 1000  # Slack's limit
