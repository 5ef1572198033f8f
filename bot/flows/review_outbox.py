"""Outbox for live decisions and verdicts: enqueued in the caller's transaction, sent by the ledger.

A verdict is announced four ways, each a ledger row keyed by the decision so a
retry never doubles it: a reply in the review post's thread and an update of the
post itself (both children of the review-post delivery, so they wait for it to be
sent), a DM with the feedback to the engineer, and — when someone other than the
assigned mentor reviewed — a DM to that mentor.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Decision, Delivery, Person
from bot.domain.deliveries import Enqueued, enqueue
from bot.domain.reviews import RecordedReview, review_post_data
from bot.flows.notify import REVIEW_POST_JOB, enqueue_dm, review_post_key
from bot.slack.blocks.common import clip, context, esc, section, to_dicts
from bot.slack.blocks.review import (
    KIND_LABEL,
    feedback_blocks,
    feedback_text,
    mentor_notice_blocks,
    mentor_notice_text,
    review_post_blocks,
    review_post_text,
    verdict_reply_blocks,
    verdict_reply_text,
)

LOGGED_JOB = "live-logged"
VERDICT_REPLY_JOB = "review-verdict"
POST_UPDATE_JOB = "review-post-update"
FEEDBACK_JOB = "review-feedback"
MENTOR_NOTICE_JOB = "review-mentor-notice"


def find_review_post(*, session: Session, decision_id: int) -> Delivery | None:
    """The ledger row of the decision's review-channel post, whichever channel it went to."""
    return session.execute(
        select(Delivery)
        .where(Delivery.job == REVIEW_POST_JOB, Delivery.period == review_post_key(decision_id))
        .order_by(Delivery.id)
        .limit(1)
    ).scalar_one_or_none()


def enqueue_logged_confirmation(
    *, session: Session, now: datetime, decision: Decision, engineer: Person, channel: str
) -> Enqueued:
    """The engineer's receipt: what was recorded and where it waits for review."""
    kind = KIND_LABEL.get(decision.kind, "Decision")
    blocks = [
        section(
            f":white_check_mark: Recorded {kind.lower()} *#{decision.id}*: "
            f"*{esc(decision.verdict.capitalize())}* — {esc(clip(decision.title, 200))}"
        ),
        context(f"It's posted for review in <#{channel}>; you'll get a DM when a reviewer has looked at it."),
    ]
    return enqueue_dm(
        session=session,
        now=now,
        job=LOGGED_JOB,
        user_id=engineer.slack_user_id,
        period=review_post_key(decision.id),
        text=f"Recorded {kind.lower()} #{decision.id}: {decision.verdict}",
        blocks=to_dicts(blocks),
    )


def enqueue_verdict(*, session: Session, now: datetime, recorded: RecordedReview) -> list[Enqueued]:
    """Thread reply, post update, engineer DM and (if needed) mentor DM for one verdict."""
    decision_id = recorded.decision.id
    data = review_post_data(session=session, decision_id=decision_id)
    key = review_post_key(decision_id)
    out: list[Enqueued] = []
    post = find_review_post(session=session, decision_id=decision_id)
    if post is not None:
        out.append(
            enqueue(
                session=session,
                now=now,
                job=VERDICT_REPLY_JOB,
                recipient=post.recipient,
                period=key,
                method="chat.postMessage",
                payload={
                    "channel": post.recipient,
                    "text": verdict_reply_text(data),
                    "blocks": to_dicts(verdict_reply_blocks(data)),
                    "_parent": "thread_ts",
                },
                parent=post,
            )
        )
        out.append(
            enqueue(
                session=session,
                now=now,
                job=POST_UPDATE_JOB,
                recipient=post.recipient,
                period=key,
                method="chat.update",
                payload={
                    "text": review_post_text(data),
                    "blocks": to_dicts(review_post_blocks(data)),
                    "_parent": "ts",
                },
                parent=post,
            )
        )
    out.append(
        enqueue_dm(
            session=session,
            now=now,
            job=FEEDBACK_JOB,
            user_id=recorded.engineer.slack_user_id,
            period=key,
            text=feedback_text(data),
            blocks=to_dicts(feedback_blocks(data)),
        )
    )
    mentor = recorded.assigned_mentor
    if mentor is not None and mentor.status == "active" and mentor.id != recorded.engineer.id:
        out.append(
            enqueue_dm(
                session=session,
                now=now,
                job=MENTOR_NOTICE_JOB,
                user_id=mentor.slack_user_id,
                period=key,
                text=mentor_notice_text(data),
                blocks=to_dicts(mentor_notice_blocks(data)),
            )
        )
    return out
