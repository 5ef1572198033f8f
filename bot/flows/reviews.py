"""Reviewing a decision: open the verdict form's data, record the verdict and announce it, the Home queue.

Permission is checked on the click (so nobody gets a form they cannot submit) and
again, authoritatively, inside the transaction that records the verdict. The verdict,
the decision's new status, the audit event and every notification are one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.deliveries import Enqueued
from bot.domain.mentees import mentee_summaries
from bot.domain.overturn_reasons import pattern_of, pattern_text, record_parts
from bot.domain.people import PersonView
from bot.domain.reviews import ReviewPostData, pending_queue, record_review, review_gate, review_post_data
from bot.domain.vocab import QUEUE_ALL_ROLES, REVIEWERS
from bot.domain.weeks import week_label
from bot.flows.links import review_post_links
from bot.flows.review_outbox import enqueue_verdict
from bot.slack.blocks.calib import failed_parts_blocks
from bot.slack.blocks.mentor_home import (
    PRACTICE_SHOWN,
    QUEUE_SHOWN,
    mentee_blocks,
    practice_queue_blocks,
    review_queue_blocks,
)
from bot.slack.blocks.review_modal import WEAK_REASONING


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
    weak_reasoning: Sequence[str] | None = None,
    failed_parts: Sequence[str] | None = None,
) -> list[Enqueued]:
    """Record the verdict and queue its announcements in one transaction; returns what was queued.

    ``weak_reasoning``: the form's "Right call, weak reasoning" box (checked when it holds ``weak``);
    ``failed_parts``: the parts of the justification the reviewer said failed (overturn or weak).
    """
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
            weak_reasoning=WEAK_REASONING in (weak_reasoning or ()),
        )
        review = recorded.review
        extra: list[Block] = []
        if review.verdict == "overturn" or review.weak_reasoning:
            parts = record_parts(
                session=session, now=now, actor=reviewer_slack_id, review=review, parts=failed_parts
            )
            settings = deps.program.calibration
            pattern = pattern_of(session=session, person_id=recorded.engineer.id, settings=settings)
            extra = failed_parts_blocks(parts=parts, pattern=pattern_text(pattern))
        queued = enqueue_verdict(session=session, now=now, recorded=recorded, feedback_extra=extra)
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
    links = review_post_links(deps=deps, session=session, decision_ids=[i.decision_id for i in items])
    blocks = review_queue_blocks(
        items=items,
        total=total,
        channel=deps.program.channels.review,
        everyone=everyone,
        sla_hours=sla,
        links=links,
    )
    practice, practice_total = pending_queue(
        session=session,
        reviewer_id=person.id,
        everyone=everyone,
        now=now,
        limit=PRACTICE_SHOWN,
        practice=True,
    )
    links |= review_post_links(deps=deps, session=session, decision_ids=[i.decision_id for i in practice])
    blocks += practice_queue_blocks(items=practice, total=practice_total, everyone=everyone, links=links)
    mentees = mentee_summaries(session=session, mentor_id=person.id, now=now, tz=deps.program.tz)
    return blocks + mentee_blocks(mentees=mentees, week=week_label(now, deps.program.tz))
