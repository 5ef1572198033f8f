"""Test helpers: polling, the demo roster, payload checks."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.people import import_roster, parse_roster
from bot.sandbox.fakeslack import validate_blocks

T = TypeVar("T")

ROSTER_CSV = """slack_user_id,name,email,roles,mentor,timezone
U0ENG1,Ada Engineer,ada@example.com,engineer,U0MENTOR,America/New_York
U0ENG2,Bo Engineer,bo@example.com,engineer,U0MENTOR,Europe/Berlin
U0PILOT,Cy Pilot,cy@example.com,engineer;pilot,U0MENTOR,America/New_York
U0MENTOR,Mo Mentor,mo@example.com,mentor,,America/New_York
U0LEAD,Lee Lead,lee@example.com,lead,,Europe/Berlin
U0PM,Pat PM,pat@example.com,pm,,America/New_York
U0ADMIN,Ari Admin,ari@example.com,admin,,America/New_York
"""
# The same people with every engineer a pilot: the parallel run's default cohort is the pilots
# (issue 13), so tests of week-11 arithmetic seed data from people who are measured.
PILOTS_ROSTER_CSV = ROSTER_CSV.replace(",engineer,U0MENTOR", ",engineer;pilot,U0MENTOR")
USERS = {
    "U0ENG1": ("Ada Engineer", "America/New_York"),
    "U0ENG2": ("Bo Engineer", "Europe/Berlin"),
    "U0PILOT": ("Cy Pilot", "America/New_York"),
    "U0MENTOR": ("Mo Mentor", "America/New_York"),
    "U0LEAD": ("Lee Lead", "Europe/Berlin"),
    "U0PM": ("Pat PM", "America/New_York"),
    "U0ADMIN": ("Ari Admin", "America/New_York"),
    "U0STRANGER": ("Sam Stranger", "America/New_York"),
}


def eventually(check: Callable[[], T], *, timeout: float = 8.0, interval: float = 0.02) -> T:
    """Poll until ``check`` returns something truthy (background sends are asynchronous)."""
    deadline = time.monotonic() + timeout
    last: T = check()
    while not last:
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {last!r})")
        time.sleep(interval)
        last = check()
    return last


SETTLE = 1.0  # seconds a test's request waits for its stored work: below any ack deadline asserted


def settle(casebook: Any, timeout: float = 10.0) -> bool:
    """Run the inbox until nothing is due or in flight (stored work has had its effect)."""
    return bool(casebook.inbox.wait_idle(timeout))


def _settle_quietly(casebook: Any) -> None:
    with contextlib.suppress(Exception):  # the database is down in this test: the worker retries later
        settle(casebook)


def settling(app: Callable[..., Iterable[bytes]], casebook: Any) -> Callable[..., Iterable[bytes]]:
    """The WSGI app, answering Slack requests once their stored work ran (at most SETTLE s later).

    Tests read effects right after a request returns; in production the worker runs them a
    few milliseconds after the ack. Slow-Slack tests still see the ack within their deadline.
    """

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = b"".join(app(environ, start_response))
        if environ.get("PATH_INFO") == "/slack/events":
            waiter = threading.Thread(target=_settle_quietly, args=(casebook,), daemon=True)
            waiter.start()
            waiter.join(SETTLE)
        return [body]

    return wrapped


def load_roster(sessions: sessionmaker[Session], now: datetime, csv_text: str = ROSTER_CSV) -> None:
    with transaction(sessions) as session:
        import_roster(session=session, now=now, actor="test", rows=parse_roster(csv_text))


def texts(blocks: list[dict[str, Any]]) -> str:
    """All text in a list of block dicts, for content assertions."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    out.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(out)


def initial_values(view: dict[str, Any]) -> dict[str, Any]:
    """What each input of a modal comes pre-filled with, by block id."""
    return {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"}


def button(message: Any, action_id: str) -> dict[str, Any]:
    """The ``action_id`` element of a message's blocks (the test fails when there is none)."""
    for block in message.blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element  # type: ignore[no-any-return]
    raise AssertionError(f"no {action_id} button")


def press(
    slack: Any, user_id: str, message: Any, action_id: str, *, value: str | None = None, block_id: str = "b"
) -> Any:
    """Click the ``action_id`` button on ``message`` as ``user_id``; returns Slack's reply.

    ``value`` replays a click with a value the message no longer shows (its buttons are gone).
    """
    return slack.click(
        user_id,
        action_id=action_id,
        value=button(message, action_id)["value"] if value is None else value,
        block_id=block_id,
        channel=message.channel,
        message_ts=message.ts,
    )


def command_reply(slack: Any, fake: Any, user_id: str, text: str, *, timeout: float = 8.0) -> dict[str, Any]:
    """Run ``/casebook <text>`` as ``user_id`` and return the response it got (waits for it)."""
    before = len(fake.responses)
    assert slack.command(user_id, text).status == 200
    return eventually(lambda: fake.responses[before:], timeout=timeout)[-1]  # type: ignore[no-any-return]


def reply_to(slack: Any, fake: Any, user_id: str, text: str, *, timeout: float = 8.0) -> dict[str, Any]:
    """The answer to ``/casebook <text>``, checked: ephemeral, valid Block Kit of at most 50 blocks."""
    response = command_reply(slack, fake, user_id, text, timeout=timeout)
    assert response["response_type"] == "ephemeral"
    assert validate_blocks(response["blocks"], limit=50) is None
    return response


def confirm_step(slack: Any, fake: Any, user_id: str, *, cancel: bool = False) -> dict[str, Any]:
    """Click *Confirm* (or *Cancel*) on the newest confirm step, as ``user_id``; return what replaced it."""

    def newest() -> dict[str, Any] | None:
        for response in reversed(list(fake.responses)):
            for block in response.get("blocks") or []:
                if block.get("block_id") == "confirm_step":
                    return block  # type: ignore[no-any-return]
        return None

    block = eventually(newest)
    button = block["elements"][1 if cancel else 0]
    count = len(fake.responses)
    slack.click(
        user_id,
        action_id=button["action_id"],
        value=button.get("value"),
        channel="C0CBGENERAL",
        message_ts="1.0",
        ephemeral=True,
        block_id="confirm_step",
    )
    return eventually(lambda: len(fake.responses) > count and fake.responses[-1])  # type: ignore[no-any-return]
