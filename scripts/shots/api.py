"""The sandbox's JSON API as the page uses it, and the seeding steps the features share.

Every command, click and submit reaches the bot as a signed Slack request, as from the page;
the only looks inside the bot are waits (``drained``) and, in one feature, the answer key.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

from bot.domain.delivery_batches import due_rows
from bot.sandbox.runtime import Sandbox

ADA, BEN, CY, MO, PAT, LEE = "U0ADA", "U0BEN", "U0CY", "U0MO", "U0PAT", "U0LEE"
ENGINEERS = {"ada": ADA, "ben": BEN, "cy": CY}
REVIEW = "C0CBREVIEW"


class Client:
    """The sandbox's JSON API, as the page uses it."""

    def __init__(self, url: str, settle: Callable[[], None]) -> None:
        self.url = url
        self.settle = settle

    def get(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + path, timeout=15) as resp:
            data: dict[str, Any] = json.loads(resp.read())
            return data

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        req = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            data: dict[str, Any] = json.loads(resp.read())
        if not data.get("ok"):
            raise RuntimeError(f"{path} {body}: {data}")
        return data

    def state(self, user: str, channel: str = "", thread: str = "") -> dict[str, Any]:
        return self.get(f"/api/state?user={user}&channel={channel}&thread={thread}")

    def at(self, when: str) -> None:
        """Move the sandbox clock, once everything due has been sent (else it lands at the new time)."""
        self.settle()
        self.post("/api/clock", {"now": when})

    def command(self, user: str, text: str, channel: str = "") -> None:
        channel = channel or self.state(user)["channel"]
        self.post("/api/command", {"user": user, "channel": channel, "text": text})

    def modal(self, user: str, title: str) -> dict[str, Any]:
        view: dict[str, Any] = wait(lambda: _modal_titled(self.state(user), title), f"the {title} modal")
        return view

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        reply = self.post("/api/submit", {"user": user, "view_id": view["id"], "values": values})
        if reply.get("errors"):
            raise RuntimeError(f"{view['title']['text']}: {reply['errors']}")
        if reply.get("response_action") == "update":  # a thank-you view: close it as a person would
            self.post("/api/close", {"user": user, "view_id": view["id"], "everything": True})
        wait(lambda: self.state(user)["modal"] is None, "the modal to close")
        return reply

    def click(self, user: str, channel: str, ts: str, action_id: str, value: Any = None) -> None:
        item = wait(lambda: _find(self.state(user, channel)["timeline"], ts), f"message {ts}")
        for bi, block in enumerate(item["blocks"]):
            for ei, element in enumerate(block.get("elements") or []):
                if element.get("action_id") == action_id:
                    source = {"kind": "message", "channel": channel, "ts": ts}
                    body = {"user": user, "source": source, "block_index": bi, "element_index": ei}
                    self.post("/api/action", {**body, "value": value or element.get("value")})
                    return
        raise RuntimeError(f"no {action_id} on message {ts}")


def wait(check: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
    """Poll until ``check`` returns something truthy (the bot answers asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise TimeoutError(f"waited {timeout:.0f} s for {what}")


def drained(sandbox: Sandbox) -> bool:
    """Nothing due in the bot's delivery ledger: every message it meant to send by now has gone.

    The one look inside the bot, and only to wait: the seeding moves the clock quickly, and a
    message still queued would otherwise be posted (and timestamped) after the next move.
    """
    casebook = sandbox.casebook
    assert casebook is not None, "the sandbox is not running"
    with casebook.deps.sessions() as session:
        return not due_rows(session=session, now=sandbox.clock.now(), limit=1)


def _modal_titled(state: dict[str, Any], title: str) -> dict[str, Any] | None:
    modal = state.get("modal")
    if modal and modal["view"]["title"]["text"] == title:
        view: dict[str, Any] = modal["view"]
        return view
    return None


def _find(items: list[dict[str, Any]], ts: str) -> dict[str, Any] | None:
    return next((i for i in items if i["ts"] == ts), None)


def text_of(item: dict[str, Any]) -> str:
    """A timeline item's blocks and text, to search in."""
    return json.dumps(item.get("blocks") or []) + str(item.get("text") or "")


def message(client: Client, user: str, channel: str, contains: str) -> dict[str, Any]:
    """Wait for the message in ``channel`` (as ``user`` sees it) that contains ``contains``."""
    found: dict[str, Any] = wait(
        lambda: next((m for m in client.state(user, channel)["timeline"] if contains in text_of(m)), None),
        f"a message with {contains!r}",
    )
    return found


def why(verdict: str, title: str) -> dict[str, str]:
    """A justification that passes the form's checks, worded for the service in ``title``."""
    service = title.split(":")[0]
    values = {
        "policy": f"The {service} runbook and the policy rule that fired for this change.",
        "evidence": f"Checked the {service} dashboards, the ticket and the owner's sign-off in the thread.",
        "risk": f"Limited to {service}; a revert takes under ten minutes and nobody else shares it.",
        "confidence": "4",
    }
    if verdict == "approve":
        values["conditions"] = "Expires in 48 h; roll back at once if error rates rise above the SLO."
    if verdict == "escalate":
        values["escalation"] = f"The {service} owning team's lead: it crosses a boundary ops does not own."
    return values


def decision(
    *, title: str, category: str, verdict: str, source_url: str = "", extra: dict[str, str] | None = None
) -> dict[str, Any]:
    """The live-decision form's values: the call, its source (a stable made-up ticket) and a justification."""
    source = source_url or f"https://ops.example.com/exceptions/{sum(map(ord, title)) % 9000 + 1000}"
    values = {"title": title, "category": category, "source_url": source, "verdict": verdict}
    return {**values, **why(verdict, title), **(extra or {})}


def log_decision(client: Client, engineer: str, values: dict[str, Any]) -> None:
    """``/casebook log`` and its form, submitted with ``values``."""
    client.command(engineer, "/casebook log")
    client.submit(engineer, client.modal(engineer, "Log a live decision"), values)


def review(
    client: Client,
    user: str,
    *,
    channel: str,
    ts: str,
    verdict: str,
    comment: str | None = None,
    suggested: str = "",
    failed_parts: Sequence[str] = (),
    blind: bool = False,
) -> None:
    """Uphold or overturn: the review post's button and its form (``blind``: a blind second review card)."""
    client.click(user, channel, ts, f"{'blind' if blind else 'review'}_{verdict}")
    view = client.modal(user, "Blind second review" if blind else f"{verdict.capitalize()} decision")
    if verdict == "uphold":
        client.submit(user, view, {"comment": comment})
        return
    values = {"suggested_verdict": suggested, "comment": comment, "failed_parts": list(failed_parts)}
    client.submit(user, view, values)


def deal_practice_card(client: Client, engineer: str) -> tuple[str, dict[str, Any]]:
    """``/casebook practice`` in the engineer's DM: the DM and the card it deals."""
    dm = client.state(engineer)["channel"]
    seen = {m["ts"] for m in client.state(engineer, dm)["timeline"]}
    client.command(engineer, "/casebook practice", dm)
    card: dict[str, Any] = wait(
        lambda: next(
            (
                m
                for m in client.state(engineer, dm)["timeline"]
                if m["ts"] not in seen and "card_actions" in text_of(m)
            ),
            None,
        ),
        "a practice card",
    )
    return dm, card


def answer_card(
    client: Client, engineer: str, *, dm: str, card: dict[str, Any], verdict: str, values: dict[str, str]
) -> None:
    """Click ``verdict`` on a practice card and submit the justification modal with ``values``."""
    client.click(engineer, dm, card["ts"], f"card_{verdict}")
    client.submit(engineer, client.modal(engineer, f"Justify: {verdict.capitalize()}"), values)
