"""Outbox for live decisions and verdicts: enqueued in the caller's transaction, sent by the ledger.

A verdict is announced four ways, each a ledger row keyed by the decision so a
retry never doubles it: a reply in the review post's thread and an update of the
post itself (both children of the review-post delivery, so they wait for it to be
sent), a DM with the feedback to the engineer, and — when someone other than the
assigned mentor reviewed — a DM to that mentor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.models import Decision, Delivery, Person
from bot.domain.decisions import ordinal
from bot.domain.deliveries import Enqueued, enqueue, find_delivery
from bot.domain.reviews import RecordedReview, ReviewPostData, review_post_data
from bot.flows.notify import REVIEW_POST_JOB, enqueue_dm, review_post_key
from bot.slack.blocks.common import clip, context, esc, section, to_dicts
from bot.slack.blocks.patterns import draft_button
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
    return find_delivery(session=session, job=REVIEW_POST_JOB, period=review_post_key(decision_id))


def enqueue_logged_confirmation(
    *, session: Session, now: datetime, decision: Decision, engineer: Person, channel: str
) -> Enqueued:
    """The engineer's receipt: what was recorded and where it waits for review."""
    kind = KIND_LABEL.get(decision.kind, "Decision")
    number = ordinal(session=session, decision=decision)  # their own count, not the shared id
    blocks = [
        section(
            f":white_check_mark: Recorded your {kind.lower()} *#{number}* (ref #{decision.id}): "
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
        text=f"Recorded your {kind.lower()} #{number} (ref #{decision.id}): {decision.verdict}",
        blocks=to_dicts(blocks),
    )


def _enqueue_post_children(
    *, session: Session, now: datetime, post: Delivery, data: ReviewPostData
) -> list[Enqueued]:
    """The verdict as a reply in the post's thread, and the post itself updated (both wait for it)."""
    key = post.period
    children = [
        (
            "chat.postMessage",
            VERDICT_REPLY_JOB,
            verdict_reply_text(data),
            # A reviewed live decision can become practice: leads draft it from here (issue 18).
            [*verdict_reply_blocks(data), *([draft_button(data.decision_id)] if data.kind == "live" else [])],
            "thread_ts",
        ),
        ("chat.update", POST_UPDATE_JOB, review_post_text(data), review_post_blocks(data), "ts"),
    ]
    out: list[Enqueued] = []
    for method, job, text, blocks, parent_field in children:
        payload: dict[str, object] = {"text": text, "blocks": to_dicts(blocks), "_parent": parent_field}
        if method == "chat.postMessage":
            payload = {"channel": post.recipient, **payload}
        out.append(
            enqueue(
                session=session,
                now=now,
                job=job,
                recipient=post.recipient,
                period=key,
                method=method,
                payload=payload,
                parent=post,
            )
        )
    return out


def enqueue_verdict(
    *, session: Session, now: datetime, recorded: RecordedReview, feedback_extra: Sequence[Block] = ()
) -> list[Enqueued]:
    """Thread reply, post update, engineer DM and (if needed) mentor DM for one verdict.

    ``feedback_extra`` ends the engineer's DM (the failed parts and their pattern, issue 18).
    """
    decision_id = recorded.decision.id
    data = review_post_data(session=session, decision_id=decision_id)
    key = review_post_key(decision_id)
    post = find_review_post(session=session, decision_id=decision_id)
    out = [] if post is None else _enqueue_post_children(session=session, now=now, post=post, data=data)
    own = [*feedback_blocks(data), *feedback_extra]
    dms = [(FEEDBACK_JOB, recorded.engineer.slack_user_id, feedback_text(data), own)]
    mentor = recorded.assigned_mentor
    if mentor is not None and mentor.status == "active" and mentor.id != recorded.engineer.id:
        dms.append(
            (MENTOR_NOTICE_JOB, mentor.slack_user_id, mentor_notice_text(data), mentor_notice_blocks(data))
        )
    for job, user_id, text, blocks in dms:
        out.append(
            enqueue_dm(
                session=session,
                now=now,
                job=job,
                user_id=user_id,
                period=key,
                text=text,
                blocks=to_dicts(blocks),
            )
        )
    return out
