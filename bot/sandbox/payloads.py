"""Slack's payload details the simulator reproduces: block ids, options, signatures, view state."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any


def block_id_of(block: dict[str, Any], index: int) -> str:
    """A block's id; Slack makes one up when the app sent none (stable here: by position)."""
    return str(block.get("block_id") or f"sbx-{index}")


def find_option(element: dict[str, Any], value: str) -> dict[str, Any] | None:
    """The option (also inside option_groups) of a select/radio/checkbox/overflow element."""
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    for option in options:
        if option.get("value") == value:
            return dict(option)
    return None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def _option(element: dict[str, Any], value: str) -> dict[str, Any]:
    return find_option(element, value) or {"text": {"type": "plain_text", "text": value}, "value": value}


def view_state(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Build view.state.values from {block_id: value} using each input's element type."""
    state: dict[str, Any] = {}
    for index, block in enumerate(view.get("blocks", [])):
        if block.get("type") != "input":
            continue
        block_id = block.get("block_id") or block_id_of(block, index)
        element = block.get("element", {})
        action_id = element.get("action_id") or f"{block_id}-0"
        etype = element.get("type")
        raw = values.get(block_id)
        entry: dict[str, Any] = {"type": etype}
        if etype in ("plain_text_input", "number_input", "url_text_input", "email_text_input"):
            entry["value"] = None if raw is None else str(raw)
        elif etype in ("static_select", "radio_buttons", "external_select"):
            entry["selected_option"] = None if raw is None else _option(element, str(raw))
        elif etype in ("checkboxes", "multi_static_select"):
            entry["selected_options"] = [_option(element, str(v)) for v in (raw or [])]
        elif etype == "users_select":
            entry["selected_user"] = raw
        elif etype == "multi_users_select":
            entry["selected_users"] = list(raw or [])
        elif etype == "conversations_select":
            entry["selected_conversation"] = raw
        elif etype == "channels_select":
            entry["selected_channel"] = raw
        elif etype == "datepicker":
            entry["selected_date"] = raw
        elif etype == "timepicker":
            entry["selected_time"] = raw
        else:
            entry["value"] = raw
        state[block_id] = {action_id: entry}
    return {"values": state}
