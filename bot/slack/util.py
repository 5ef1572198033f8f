"""Small helpers shared by listeners: reading the caller, replying safely."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from slack_bolt import Respond
from slack_sdk.models.blocks import Block

from bot.slack.blocks.common import esc, to_dicts
from bot.slack.blocks.help import error_blocks

log = logging.getLogger(__name__)
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_RAW_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
SERVER_ERROR = (
    "Something went wrong on our side and nothing was saved. "
    "Please try again in a minute; if it keeps happening, tell your admin."
)


def parse_user(token: str) -> str | None:
    """A Slack user id from `<@U123|name>` or a bare `U123`."""
    match = _MENTION.match(token.strip())
    if match:
        return match.group(1)
    return token.strip() if _RAW_ID.match(token.strip()) else None


def user_id_of(body: dict[str, Any]) -> str:
    """The acting user's id in any payload shape (commands, actions, views, shortcuts)."""
    if "user_id" in body:
        return str(body["user_id"])
    user = body.get("user") or {}
    return str(user.get("id", ""))


def reply(respond: Respond, blocks: Sequence[Block], text: str) -> None:
    respond(text=text, blocks=to_dicts(blocks), response_type="ephemeral", replace_original=False)


def reply_error(respond: Respond, message: str) -> None:
    """An ephemeral warning; ``message`` is plain text and gets escaped (the fallback text too:
    Slack parses it for mentions and links like any message text)."""
    reply(respond, error_blocks(esc(message)), esc(message))


def replace(respond: Respond, blocks: Sequence[Block], text: str) -> None:
    """Replace the ephemeral message a button was clicked in (a confirm step's outcome)."""
    respond(text=text, blocks=to_dicts(blocks), response_type="ephemeral", replace_original=True)
