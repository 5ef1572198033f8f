"""What a person does in the Slack client, turned into the payload Slack would send.

Each function takes what the browser reports (who, where, which element) and sends
the matching signed request to the bot through the Simulator: slash commands, block
actions from messages, ephemeral messages, modals and App Home, message shortcuts,
view submissions and closes. Nothing here reaches into the bot's internals.
"""

from __future__ import annotations

import time
import urllib.error
from typing import Any

from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.payloads import block_id_of, find_option
from bot.sandbox.runtime import Sandbox
from bot.sandbox.simulator import Reply
from bot.sandbox.state import public_view
from bot.slack.ids import COMMAND


class ClientError(Exception):
    """Something the person should be told (shown as a toast), not a server fault."""


def _check(fake: FakeSlack, user: str, channel: str | None = None) -> None:
    person = fake.users.get(user)
    if person is None or person.is_bot:
        raise ClientError(f"unknown person {user!r}")
    if channel is not None and channel != fake.dm_channel(user) and channel not in fake.channels:
        raise ClientError(f"unknown conversation {channel!r}")


def _send(call: Any) -> Reply | None:
    try:
        reply: Reply = call()
        return reply
    except (urllib.error.URLError, OSError):
        return None


def _failure(what: str, reply: Reply | None) -> str:
    if reply is None:
        return f"Casebook did not answer {what} (no connection)."
    return f"Casebook did not handle {what} (HTTP {reply.status})."


def slash_command(
    sb: Sandbox, *, user: str, channel: str, text: str, thread_ts: str | None = None
) -> dict[str, Any]:
    """Someone types ``/casebook …``; a failure shows up as Slackbot would show it."""
    _check(sb.fake, user, channel)
    command, _, rest = text.strip().partition(" ")
    if command != COMMAND:
        sb.fake.add_ephemeral(
            user,
            channel,
            f"`{command}` is not a valid command. In Slack, all "
            'messages that start with the "/" character are interpreted as '
            "commands.",
            thread_ts=thread_ts,
        )
        return {"ok": False, "error": f"{command} is not a valid command"}
    reply = _send(
        lambda: sb.sim.command(user, rest.strip(), channel_id=channel, command=command, thread_ts=thread_ts)
    )
    if reply is None or reply.status != 200:
        error = "dispatch_failed" if reply is not None else "operation_timeout"
        sb.fake.add_ephemeral(
            user, channel, f'{COMMAND} failed with the error "{error}"', thread_ts=thread_ts
        )
        return {"ok": False, "error": _failure(COMMAND, reply)}
    body = _json(reply)
    if body.get("text") or body.get("blocks"):  # an answer in the ack itself
        origin = {"user": user, "channel": channel, "thread_ts": thread_ts}
        sb.fake.show_response(origin, dict(body, response_type=body.get("response_type", "ephemeral")))
    return {"ok": True}


def _json(reply: Reply) -> dict[str, Any]:
    try:
        body = reply.json
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def post_message(
    sb: Sandbox, *, user: str, channel: str, text: str, thread_ts: str | None = None
) -> dict[str, Any]:
    _check(sb.fake, user, channel)
    if not text.strip():
        raise ClientError("nothing to send")
    msg = sb.fake.post_as_user(channel, user, text, thread_ts=thread_ts)
    return {"ok": True, "ts": msg.ts}


def _source(sb: Sandbox, user: str, source: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The blocks an interaction came from, and how to address them in the payload."""
    fake, kind = sb.fake, source.get("kind")
    with fake.lock:
        if kind == "message":
            channel, ts = str(source.get("channel")), str(source.get("ts"))
            _check(fake, user, channel)
            msg = next((m for m in fake.messages if m.channel == channel and m.ts == ts), None)
            if msg is None:
                raise ClientError("that message is gone")
            return msg.blocks, {"channel": channel, "message_ts": ts}
        if kind == "ephemeral":
            eph = next(
                (e for e in fake.visible_ephemerals if e.id == source.get("id") and e.user == user), None
            )
            if eph is None:
                raise ClientError("that message is gone")
            return eph.blocks, {"channel": eph.channel, "message_ts": eph.id, "ephemeral": True}
        if kind == "view":
            view_id = str(source.get("view_id"))
            if view_id not in (fake.view_stacks.get(user) or []):
                raise ClientError("that modal is closed")
            view = public_view(fake.views.get(view_id)) or {}
            return list(view.get("blocks") or []), {"view": view}
        if kind == "home":
            home = public_view(fake.home.get(user))
            if home is None:
                raise ClientError("App Home is empty")
            return list(home.get("blocks") or []), {"view": home}
    raise ClientError(f"unknown source {kind!r}")


def _element(
    blocks: list[dict[str, Any]], block_index: int, element_index: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    if not 0 <= block_index < len(blocks):
        raise ClientError("no such block")
    block = blocks[block_index]
    if element_index < 0:
        element = block.get("accessory") if block.get("type") == "section" else block.get("element")
    else:
        elements = block.get("elements") or []
        element = elements[element_index] if element_index < len(elements) else None
    if not isinstance(element, dict):
        raise ClientError("no such element")
    return block, element


def build_action(
    block: dict[str, Any], block_index: int, element: dict[str, Any], element_index: int, value: Any
) -> dict[str, Any]:
    """The ``actions[0]`` Slack sends for one interactive element and the chosen value."""
    etype = str(element.get("type"))
    block_id = block_id_of(block, block_index)
    action: dict[str, Any] = {
        "type": etype,
        "block_id": block_id,
        "action_ts": f"{time.time():.6f}",
        "action_id": element.get("action_id") or f"{block_id}-{max(element_index, 0)}",
    }

    def option(v: Any) -> dict[str, Any]:
        found = find_option(element, str(v))
        if found is None:
            raise ClientError(f"no option {v!r}")
        return found

    if etype == "button":
        action["text"] = element.get("text")
        for key in ("value", "style", "url"):
            if key in element:
                action[key] = element[key]
    elif etype in ("static_select", "overflow", "radio_buttons"):
        action["selected_option"] = option(value)
    elif etype in ("checkboxes", "multi_static_select"):
        action["selected_options"] = [option(v) for v in (value or [])]
    elif etype == "users_select":
        action["selected_user"] = value
    elif etype == "datepicker":
        action["selected_date"] = value
    elif etype == "timepicker":
        action["selected_time"] = value
    else:
        raise ClientError(f"the sandbox cannot send {etype} actions yet")
    return action


def block_action(
    sb: Sandbox,
    *,
    user: str,
    source: dict[str, Any],
    block_index: int,
    element_index: int,
    value: Any = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A click or a choice on an element of a message, an ephemeral, a modal or App Home."""
    _check(sb.fake, user)
    blocks, where = _source(sb, user, source)
    block, element = _element(blocks, block_index, element_index)
    action = build_action(block, block_index, element, element_index, value)
    view = where.get("view")
    if view is not None:
        view = dict(view, state=sb.sim.state_for(view, values or {}))
        reply = _send(lambda: sb.sim.block_action(user, action, view=view))
    else:
        reply = _send(
            lambda: sb.sim.block_action(
                user,
                action,
                channel=where["channel"],
                message_ts=where["message_ts"],
                ephemeral=bool(where.get("ephemeral")),
            )
        )
    if reply is None or reply.status != 200:
        return {"ok": False, "error": _failure("this click", reply)}
    return {"ok": True}


def message_shortcut(sb: Sandbox, *, user: str, channel: str, ts: str, callback_id: str) -> dict[str, Any]:
    _check(sb.fake, user, channel)
    with sb.fake.lock:
        msg = next((m for m in sb.fake.messages if m.channel == channel and m.ts == ts), None)
        if msg is None:
            raise ClientError("that message is gone")
        message: dict[str, Any] = {"type": "message", "ts": msg.ts, "text": msg.text, "user": msg.user}
        if msg.user == sb.fake.bot_user_id:
            message.update(bot_id="B0CBBOT", blocks=msg.blocks)
        if msg.thread_ts:
            message["thread_ts"] = msg.thread_ts
    reply = _send(
        lambda: sb.sim.message_shortcut(user, callback_id=callback_id, channel=channel, message=message)
    )
    if reply is None or reply.status != 200:
        return {"ok": False, "error": _failure("the shortcut", reply)}
    return {"ok": True}


def submit_view(sb: Sandbox, *, user: str, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """Submit the top modal; ``errors`` are the bot's inline field errors, if any."""
    _check(sb.fake, user)
    stack = sb.fake.view_stacks.get(user) or []
    if not stack or stack[-1] != view_id:
        raise ClientError("that modal is not open")
    reply = _send(lambda: sb.sim.submit(user, view_id, values))
    if reply is None or reply.status != 200:
        return {
            "ok": False,
            "error": f"We had some trouble connecting. Try again? ({_failure('the submission', reply)})",
        }
    body = _json(reply)
    errors = body.get("errors") if body.get("response_action") == "errors" else None
    return {
        "ok": True,
        "errors": errors if isinstance(errors, dict) else {},
        "response_action": body.get("response_action"),
    }


def close_view(sb: Sandbox, *, user: str, view_id: str, everything: bool) -> dict[str, Any]:
    """Cancel (back one modal) or ✕ (close them all); view_closed if the app asked for it."""
    _check(sb.fake, user)
    view = sb.fake.views.get(view_id)
    if view is None or view_id not in (sb.fake.view_stacks.get(user) or []):
        raise ClientError("that modal is not open")
    sb.fake.close_view(user, view_id, everything=everything)
    if view.get("notify_on_close"):
        reply = _send(lambda: sb.sim.close(user, view_id, is_cleared=everything))
        if reply is None or reply.status != 200:
            return {"ok": False, "error": _failure("closing the modal", reply)}
    return {"ok": True}


def open_home(sb: Sandbox, *, user: str) -> dict[str, Any]:
    _check(sb.fake, user)
    reply = _send(lambda: sb.sim.open_home(user))
    if reply is None or reply.status != 200:
        return {"ok": False, "error": _failure("app_home_opened", reply)}
    return {"ok": True}
