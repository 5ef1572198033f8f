"""What the benchmark sends, and how each request's effect is found at the fake Slack.

Three kinds of interaction, as Slack sends them, each traceable to its own effect:

- ``command``: ``/casebook practice`` deals a card; effect: the reply posted to the
  request's own ``response_url`` (a key unique to the request).
- ``click``: *Approve* on a card opens the justification form; effect: ``views.open``
  with the request's own ``trigger_id``.
- ``submission``: the justification form submitted for a card dealt beforehand (one per
  card, so each submission records a decision); effect: ``chat.update`` of that card.

Every body is distinct (its own trigger_id, action_ts, response_url or card), so a
durable receipt keyed on the body never mistakes one for a replay of another.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action, Callback
from bot.slack.metadata import CardValue, JustifyMeta

KINDS = ("command", "click", "submission")
TEAM = {"id": "T0CASEBOOK", "domain": "bench"}
FORM_VALUES: dict[str, Any] = {
    "policy": "The rule that fired and its exception clause decide this one.",
    "evidence": "I checked the facts on the card: numbers, owners and the timeline.",
    "risk": "Customer impact and blast radius are bounded to this one service.",
    "confidence": "4",
    "conditions": "Time-boxed to 7 days, rollback via the previous release, owner on call.",
}


@dataclass(frozen=True)
class Card:
    """A dealt, undecided card: whose, which assignment, and where its message is."""

    user: str
    assignment_id: int
    value: str
    channel: str
    ts: str


@dataclass(frozen=True)
class Request:
    id: str
    kind: str
    body: bytes
    trace: tuple[str, str]  # how its effect is recognised: ("response", key) | ("trigger", id) | ("card", ts)


def _user(user: str) -> dict[str, Any]:
    return {"id": user, "username": user, "name": user, "team_id": TEAM["id"]}


def _form(fields: dict[str, str]) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def command(rid: str, user: str, fake_url: str, text: str = "practice") -> Request:
    fields = {
        "token": "x",
        "team_id": TEAM["id"],
        "team_domain": TEAM["domain"],
        "channel_id": "C0CBGENERAL",
        "channel_name": "general",
        "user_id": user,
        "user_name": user,
        "command": "/casebook",
        "text": text,
        "api_app_id": "A0CASEBOOK",
        "response_url": f"{fake_url}/response/{rid}",
        "trigger_id": f"{rid}.trigger",
    }
    return Request(rid, "command", _form(fields), ("response", rid))


def click(rid: str, card: Card, fake_url: str) -> Request:
    trigger = f"{rid}.trigger"
    payload = {
        "type": "block_actions",
        "user": _user(card.user),
        "api_app_id": "A0CASEBOOK",
        "token": "x",
        "trigger_id": trigger,
        "team": TEAM,
        "container": {"type": "message", "channel_id": card.channel, "message_ts": card.ts},
        "channel": {"id": card.channel},
        "response_url": f"{fake_url}/response/{rid}",
        "actions": [
            {
                "action_id": Action.DECIDE_APPROVE,
                "block_id": "card_actions",
                "type": "button",
                "value": card.value,
                "action_ts": f"{time.time():.6f}.{rid}",
            }
        ],
    }
    return Request(rid, "click", _form({"payload": json.dumps(payload)}), ("trigger", trigger))


def submission(rid: str, card: Card, template: dict[str, Any], sim: Simulator) -> Request:
    meta = JustifyMeta(
        assignment_id=card.assignment_id, verdict="approve", channel=card.channel, message_ts=card.ts
    )
    view = dict(template, id=f"V{rid}", private_metadata=meta.dump())
    view["state"] = sim.state_for(view, FORM_VALUES)
    payload = {
        "type": "view_submission",
        "team": TEAM,
        "user": _user(card.user),
        "api_app_id": "A0CASEBOOK",
        "token": "x",
        "trigger_id": f"{rid}.trigger",
        "view": view,
        "response_urls": [],
    }
    return Request(rid, "submission", _form({"payload": json.dumps(payload)}), ("card", card.ts))


def justify_template(fake: FakeSlack) -> dict[str, Any] | None:
    """A justification form as the service opened it (blocks, callback), to fill for other cards."""
    with fake.lock:
        for view in fake.views.values():
            if view.get("callback_id") == Callback.JUSTIFY:
                return {k: v for k, v in view.items() if not k.startswith("_") and k != "state"}
    return None


def open_cards(fake: FakeSlack, users: list[str]) -> dict[str, Card]:
    """Each user's newest undecided card in their DMs (one pass over the fake's messages)."""
    wanted = {fake.dm_channel(u): u for u in users}
    found: dict[str, Card] = {}
    with fake.lock:
        messages = list(fake.messages)
    for message in messages:
        user = wanted.get(message.channel)
        actions = next((b for b in message.blocks if b.get("block_id") == "card_actions"), None)
        if user is None or actions is None:
            continue
        value = actions["elements"][0]["value"]
        found[user] = Card(user, CardValue.load(value).assignment_id, value, message.channel, message.ts)
    return found


class Effects:
    """Arrival times at the fake Slack of each traced effect (response_url keys are listened for)."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.responses: dict[str, float] = {}
        self._lock = threading.Lock()
        fake.listeners.append(self._on_call)

    def _on_call(self, method: str, body: dict[str, Any]) -> None:
        if method == "response_url" and "_key" in body:
            with self._lock:
                self.responses.setdefault(str(body["_key"]), time.time())

    def arrivals(self, since: float) -> dict[tuple[str, str], float]:
        """First arrival of every effect seen since ``since`` (epoch seconds)."""
        found: dict[tuple[str, str], float] = {}
        with self.fake.lock:
            calls = [c for c in self.fake.calls if c.at >= since]
        for call in calls:
            if call.method == "views.open" and call.response.get("ok"):
                found.setdefault(("trigger", str(call.args.get("trigger_id"))), call.at)
            elif call.method == "chat.update" and call.response.get("ok"):
                found.setdefault(("card", str(call.args.get("ts"))), call.at)
        with self._lock:
            for key, at in self.responses.items():
                if at >= since:
                    found.setdefault(("response", key), at)
        return found


def ids(prefix: str) -> Iterator[str]:
    n = 0
    while True:
        n += 1
        yield f"{prefix}{n}"
