"""Enqueue the bot's outgoing notifications in the caller's transaction (the outbox)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.deliveries import Enqueued, enqueue
from bot.domain.reviews import review_post_data
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.review import review_post_blocks, review_post_text

REVIEW_POST_JOB = "review-post"


def review_post_key(decision_id: int) -> str:
    return f"decision:{decision_id}"


def enqueue_review_post(
    *, session: Session, now: datetime, channel: str, decision_id: int, new: bool = False
) -> Enqueued:
    """One review-channel post per decision (the ledger key makes a second call a no-op);
    ``new``: the decision was written in this transaction (see ``review_post_data``)."""
    data = review_post_data(session=session, decision_id=decision_id, new=new)
    return enqueue(
        session=session,
        now=now,
        job=REVIEW_POST_JOB,
        recipient=channel,
        period=review_post_key(decision_id),
        method="chat.postMessage",
        payload={
            "channel": channel,
            "text": review_post_text(data),
            "blocks": to_dicts(review_post_blocks(data)),
            "unfurl_links": False,
        },
    )


def enqueue_dm(
    *,
    session: Session,
    now: datetime,
    job: str,
    user_id: str,
    period: str,
    text: str,
    blocks: list[dict[str, object]] | None = None,
) -> Enqueued:
    """A direct message to a person, sent once per (job, person, period)."""
    payload: dict[str, object] = {"channel": user_id, "text": text}
    if blocks is not None:
        payload["blocks"] = blocks
    return enqueue(
        session=session,
        now=now,
        job=job,
        recipient=user_id,
        period=period,
        method="chat.postMessage",
        payload=payload,
    )
