"""Reviewing a decision: open the verdict form's data, record the verdict and announce it, the Home queue.

Permission is checked on the click (so nobody gets a form they cannot submit) and
again, authoritatively, inside the transaction that records the verdict. The verdict,
the decision's new status, the audit event and every notification are one transaction.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.deliveries import Enqueued
from bot.domain.mentees import mentee_summaries
from bot.domain.people import PersonView
from bot.domain.reviews import ReviewPostData, pending_queue, record_review, review_gate, review_post_data
from bot.domain.vocab import QUEUE_ALL_ROLES, REVIEWERS
from bot.domain.weeks import week_label
from bot.flows.review_outbox import enqueue_verdict
from bot.slack.blocks.mentor_home import QUEUE_SHOWN, mentee_blocks, review_queue_blocks


def open_review(*, deps: Deps, reviewer_slack_id: str, decision_id: int) -> ReviewPostData:
    """What the verdict form shows; raises AlreadyReviewed or a DomainError when this reviewer may not."""
    with transaction(deps.sessions) as session:
        review_gate(session=session, decision_id=decision_id, reviewer_slack_id=reviewer_slack_id)
        return review_post_data(session=session, decision_id=decision_id)


def submit_review(
    *,
    deps: Deps,
    reviewer_slack_id: str,
    decision_id: int,
    verdict: str,
    comment: str | None,
    suggested_verdict: str | None,
) -> list[Enqueued]:
    """Record the verdict and queue its announcements in one transaction; returns what was queued."""
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        recorded = record_review(
            session=session,
            now=now,
            decision_id=decision_id,
            reviewer_slack_id=reviewer_slack_id,
            verdict=verdict,
            comment=comment,
            suggested_verdict=suggested_verdict,
        )
        queued = enqueue_verdict(session=session, now=now, recorded=recorded)
    deps.dispatcher.kick()
    return queued


def review_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """App Home: the reviewer's queue and their mentees' week."""
    if not person.has_any(REVIEWERS):
        return []
    everyone = person.has_any(QUEUE_ALL_ROLES)
    items, total = pending_queue(
        session=session, reviewer_id=person.id, everyone=everyone, now=now, limit=QUEUE_SHOWN
    )
    sla = deps.program.thresholds.review_sla_hours
    blocks = review_queue_blocks(
        items=items, total=total, channel=deps.program.channels.review, everyone=everyone, sla_hours=sla
    )
    mentees = mentee_summaries(session=session, mentor_id=person.id, now=now, tz=deps.program.tz)
    return blocks + mentee_blocks(mentees=mentees, week=week_label(now, deps.program.tz))
