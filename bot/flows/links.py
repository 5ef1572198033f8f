"""Links to Slack messages Casebook posted: chat.getPermalink, cached per message."""

from __future__ import annotations

import logging

from bot.deps import Deps

log = logging.getLogger(__name__)
CACHE = "links.permalinks"


def message_url(deps: Deps, channel: str, ts: str) -> str:
    """The message's permalink (a message's permalink never changes, so it is cached)."""
    cache: dict[tuple[str, str], str] = deps.extras.setdefault(CACHE, {})
    if (channel, ts) not in cache:
        try:
            cache[(channel, ts)] = str(
                deps.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
            )
        except Exception:
            log.warning("chat.getPermalink failed; linking to the archive URL instead")
            return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"
    return cache[(channel, ts)]
