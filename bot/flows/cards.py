"""Scenario cards through the delivery ledger: the DM, its later update, and notes about it.

A card is one ledger row (job ``scenario-card``, period ``assignment:<id>``); its
update after the decision is a child row whose ``_parent: ts`` lets the dispatcher
target the message even when its ts is only known once the card has been sent.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import Assessment, Delivery
from bot.domain.card_context import CardContext
from bot.domain.deliveries import Enqueued, enqueue, find_delivery
from bot.domain.library import Library
from bot.slack.blocks.card import CardView, card_blocks, card_text, decided_card_blocks
from bot.slack.blocks.common import esc, to_dicts

CARD_JOB = "scenario-card"
CARD_UPDATE_JOB = "scenario-card-update"
NOTE_JOB = "card-note"


def card_period(assignment_id: int) -> str:
    return f"assignment:{assignment_id}"


def card_view(*, session: Session, library: Library | None, ctx: CardContext) -> CardView:
    """The view of a card; the category's display name comes from the taxonomy when it still exists."""
    category = library.category(ctx.spec.category) if library else None
    size = None
    if ctx.assignment.assessment_id is not None:
        assessment = session.get(Assessment, ctx.assignment.assessment_id)
        size = assessment.size if assessment else None
    return CardView(
        assignment_id=ctx.assignment.id,
        kind=ctx.assignment.kind,
        spec=ctx.spec,
        category_name=category.name if category else ctx.spec.category.replace("_", " "),
        version=ctx.version.version,
        position=ctx.assignment.position,
        size=size,
    )


def enqueue_card(*, session: Session, now: datetime, view: CardView, slack_user_id: str) -> Enqueued:
    """The card as a DM (posting to a user id opens the DM with the app)."""
    return enqueue(
        session=session,
        now=now,
        job=CARD_JOB,
        recipient=slack_user_id,
        period=card_period(view.assignment_id),
        method="chat.postMessage",
        payload={
            "channel": slack_user_id,
            "text": card_text(view),
            "blocks": to_dicts(card_blocks(view)),
            "unfurl_links": False,
            "unfurl_media": False,
        },
    )


def card_delivery(*, session: Session, assignment_id: int, slack_user_id: str) -> Delivery | None:
    """The ledger row of the card's DM, or None when it was never queued."""
    return find_delivery(
        session=session, job=CARD_JOB, period=card_period(assignment_id), recipient=slack_user_id
    )


def remember_location(*, session: Session, ctx: CardContext, channel: str | None, ts: str | None) -> None:
    """Keep where the card lives on its assignment: from the click, else from the sent delivery."""
    assignment = ctx.assignment
    if assignment.channel and assignment.message_ts:
        return
    if not (channel and ts):
        sent = card_delivery(
            session=session, assignment_id=assignment.id, slack_user_id=ctx.person.slack_user_id
        )
        channel, ts = (sent.channel, sent.ts) if sent is not None else (None, None)
    if channel and ts:
        assignment.channel, assignment.message_ts = channel, ts
        session.flush()


def decided_card_payload(*, view: CardView, verdict: str, reasoning: str) -> dict[str, object]:
    """The card in its decided form (no buttons): ``chat.update``'s text and blocks."""
    blocks = to_dicts(decided_card_blocks(view, verdict=verdict, reasoning=reasoning))
    return {"text": f"{card_text(view)} — {verdict}", "blocks": blocks}


def enqueue_decided_card(
    *, session: Session, now: datetime, assignment_id: int, slack_user_id: str, payload: dict[str, object]
) -> Enqueued | None:
    """Replace the card with its decided form (``decided_card_payload``), once."""
    parent = card_delivery(session=session, assignment_id=assignment_id, slack_user_id=slack_user_id)
    if parent is None:
        return None
    return enqueue(
        session=session,
        now=now,
        job=CARD_UPDATE_JOB,
        recipient=slack_user_id,
        period=card_period(assignment_id),
        method="chat.update",
        payload={**payload, "_parent": "ts"},
        parent=parent,
    )


def enqueue_note(
    *, session: Session, now: datetime, slack_user_id: str, channel: str | None, text: str
) -> Enqueued:
    """A one-off note to someone who has no response_url to answer (modal submissions, Home):
    ephemeral in the card's DM when we know it, else a DM. ``text`` is escaped here."""
    text = esc(text)
    if channel:
        method, payload = "chat.postEphemeral", {"channel": channel, "user": slack_user_id, "text": text}
    else:
        method, payload = "chat.postMessage", {"channel": slack_user_id, "text": text}
    return enqueue(
        session=session,
        now=now,
        job=NOTE_JOB,
        recipient=slack_user_id,
        period=uuid.uuid4().hex,
        method=method,
        payload=payload,
    )
