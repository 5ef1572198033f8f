"""Blind second reviews: sending the card, recording the answer, and the leads' consistency section.

The card goes by the delivery ledger (keyed by the decision) in the transaction that
logged the decision; the answer updates that card (a child row, so it waits for the card
to be sent). Nothing here reads the first review, so nothing here can show it.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.blind_reviews import (
    BlindCardData,
    any_blind_reviews,
    assign_blind_review,
    blind_card_data,
    blind_gate,
    open_blind_reviews,
    record_blind_review,
)
from bot.domain.consistency import consistency_report
from bot.domain.deliveries import Enqueued, enqueue, find_delivery
from bot.domain.errors import Conflict
from bot.domain.people import PersonView
from bot.domain.vocab import CONSISTENCY_VIEWERS, REVIEWERS
from bot.flows.links import review_post_links
from bot.flows.notify import enqueue_dm, review_post_key
from bot.program import Program
from bot.slack.blocks.blind_review import (
    blind_card_blocks,
    blind_card_text,
    consistency_blocks,
    waiting_blocks,
)
from bot.slack.blocks.common import to_dicts

CARD_JOB = "blind-review-card"
CARD_UPDATE_JOB = "blind-review-card-update"
ANSWERED = "You've already answered this blind review; your first answer stands."


def enqueue_blind_review(
    *, session: Session, now: datetime, program: Program, decision_id: int
) -> Enqueued | None:
    """If the decision is in the blind sample, assign its second reviewer and DM them the card."""
    assigned = assign_blind_review(
        session=session, now=now, decision_id=decision_id, share=program.review_quality.blind_share
    )
    if assigned is None:
        return None
    data = blind_card_data(session=session, decision_id=decision_id)
    return enqueue_dm(
        session=session,
        now=now,
        job=CARD_JOB,
        user_id=assigned.reviewer_slack_id,
        period=review_post_key(decision_id),
        text=blind_card_text(data),
        blocks=to_dicts(blind_card_blocks(data)),
    )


def open_blind(*, deps: Deps, reviewer_slack_id: str, decision_id: int) -> BlindCardData:
    """What the blind form shows; a DomainError when this person may not (or already did) answer."""
    with transaction(deps.sessions) as session:
        row = blind_gate(session=session, decision_id=decision_id, reviewer_slack_id=reviewer_slack_id)
        if row.status == "answered":
            raise Conflict(ANSWERED)
        return blind_card_data(session=session, decision_id=decision_id)


def submit_blind(
    *,
    deps: Deps,
    reviewer_slack_id: str,
    decision_id: int,
    verdict: str,
    comment: str | None,
    suggested_verdict: str | None,
) -> bool:
    """Record the blind verdict and show it on the card; False when it was already recorded."""
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        _, created = record_blind_review(
            session=session,
            now=now,
            decision_id=decision_id,
            reviewer_slack_id=reviewer_slack_id,
            verdict=verdict,
            comment=comment,
            suggested_verdict=suggested_verdict,
        )
        card = find_delivery(session=session, job=CARD_JOB, period=review_post_key(decision_id))
        if created and card is not None:
            data = blind_card_data(session=session, decision_id=decision_id)
            enqueue(
                session=session,
                now=now,
                job=CARD_UPDATE_JOB,
                recipient=card.recipient,
                period=card.period,
                method="chat.update",
                payload={
                    "text": blind_card_text(data),
                    "blocks": to_dicts(blind_card_blocks(data)),
                    "_parent": "ts",
                },
                parent=card,
            )
    deps.dispatcher.kick()
    return created


def consistency_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """Leads' and admins' Home: agreement and kappa, and the disagreements ("not enough data yet" before)."""
    if not person.has_any(CONSISTENCY_VIEWERS):
        return []
    # Shown while blind reviews are on, even before the first pair, so a lead knows the figure is coming.
    if deps.program.review_quality.blind_share == 0 and not any_blind_reviews(session=session):
        return []
    report = consistency_report(session=session, program=deps.program)
    shown = [p.decision_id for p in report.disagreements[:10]]
    links = review_post_links(deps=deps, session=session, decision_ids=shown)
    return consistency_blocks(report=report, links=links)


def blind_waiting_home_section(
    deps: Deps, session: Session, person: PersonView, now: datetime
) -> list[Block]:
    """Home: the blind second reviews this person still has to answer (their cards are in DMs)."""
    if not person.has_any(REVIEWERS):
        return []
    return waiting_blocks(open_blind_reviews(session=session, reviewer_id=person.id))
