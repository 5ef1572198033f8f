"""Everything the bot showed in the fake Slack, sorted by how Slack would read each string.

Slack parses ``mrkdwn`` text objects and a message's top-level ``text`` (also its
notification fallback) for mentions (`<!channel>`, `<@U…>`, `<#C…>`) and links
(`<url|label>`); that is where user text must arrive escaped. ``plain_text`` objects
(headers, labels, buttons) and input ``initial_value``s are shown verbatim and never
parsed, so user text belongs there as typed: escaping it would show `&lt;` to the reader.
Everything else (button values, private_metadata, block ids) is data, never displayed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.fakeslack import FakeSlack

# Keys whose string value Slack renders as mrkdwn when it sits directly in a message.
MRKDWN_KEYS = {"text", "initial_comment"}
# Keys holding nested JSON when the bot sent form-encoded arguments.
NESTED = {"blocks", "view", "attachments"}


@dataclass
class Shown:
    """Strings the bot sent, each with where it was found."""

    mrkdwn: list[tuple[str, str]] = field(default_factory=list)
    plain: list[tuple[str, str]] = field(default_factory=list)
    urls: list[tuple[str, str]] = field(default_factory=list)

    def mrkdwn_text(self) -> str:
        return "\n".join(text for _, text in self.mrkdwn)

    def plain_text(self) -> str:
        return "\n".join(text for _, text in self.plain)

    def where(self, fragment: str) -> list[str]:
        """Where a fragment appears in parsed (mrkdwn) text."""
        return [where for where, text in self.mrkdwn if fragment in text]


def _walk(node: Any, where: str, out: Shown, *, top: bool) -> None:
    if isinstance(node, list):
        for index, item in enumerate(node):
            _walk(item, f"{where}[{index}]", out, top=False)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
        (out.mrkdwn if kind == "mrkdwn" else out.plain).append((where, node["text"]))
        return
    for key, value in node.items():
        if key.startswith("_"):
            continue
        if key in NESTED and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        here = f"{where}.{key}"
        if isinstance(value, str):
            if key == "url":
                out.urls.append((here, value))
            elif top and key in MRKDWN_KEYS:
                out.mrkdwn.append((here, value))
            elif key in ("initial_value", "placeholder", "alt_text", "fallback"):
                out.plain.append((here, value))
        else:
            _walk(value, here, out, top=key == "message")


def collect(fake: FakeSlack, *, acks: Iterable[tuple[str, dict[str, Any]]] = ()) -> Shown:
    """Web API calls, response_url posts, messages, ephemerals, views, App Home, and the
    bot's HTTP answers to view submissions (``acks``: (where, body)) — all of it."""
    out = Shown()
    with fake.lock:
        calls = list(fake.calls)
        responses = list(fake.responses)
        messages = list(fake.messages)
        ephemerals = list(fake.ephemerals)
        views = dict(fake.views)
        homes = dict(fake.home)
    for call in calls:
        _walk(call.args, f"{call.method}", out, top=True)
    for response in responses:
        _walk(response, "response_url", out, top=True)
    for message in messages:
        _walk({"text": message.text, "blocks": message.blocks}, f"message {message.channel}", out, top=True)
    for ephemeral in ephemerals:
        _walk(ephemeral, "ephemeral", out, top=True)
    for view_id, view in views.items():
        _walk(view, f"view {view_id}", out, top=False)
    for user, home in homes.items():
        _walk(home, f"home {user}", out, top=False)
    for where, body in acks:
        errors = body.get("errors") or {}
        out.plain.extend((f"{where}.errors.{k}", str(v)) for k, v in errors.items())
        if isinstance(body.get("view"), dict):
            _walk(body["view"], f"{where}.view", out, top=False)
    return out
