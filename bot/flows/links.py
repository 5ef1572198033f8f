"""Links to Slack messages Casebook posted: chat.getPermalink, cached per message."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.flows.review_outbox import find_review_post

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


def review_post_links(*, deps: Deps, session: Session, decision_ids: Iterable[int]) -> dict[int, str | None]:
    """Each decision's review-post permalink, None while the post waits to be sent."""
    links: dict[int, str | None] = {}
    for decision_id in decision_ids:
        post = find_review_post(session=session, decision_id=decision_id)
        if post is None or post.status != "sent" or not post.channel or not post.ts:
            links[decision_id] = None
        else:
            links[decision_id] = message_url(deps, post.channel, post.ts)
    return links
