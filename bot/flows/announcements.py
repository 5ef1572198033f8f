"""What an announcement posts: the program owner's text, as written, in one section block."""

from __future__ import annotations

from typing import Any

from bot.slack.blocks.common import section, to_dicts


def announcement_payload(*, channel: str, text: str) -> dict[str, Any]:
    """The chat.postMessage payload of one announcement."""
    # Config text is the program owner's own mrkdwn (emoji, formatting): posted as written.
    return {"channel": channel, "text": text, "blocks": to_dicts([section(text)])}
