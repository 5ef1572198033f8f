"""Logging a live decision: who may, the form's categories, and saving it with its notifications.

The decision, its audit event, the review post and the engineer's receipt are written in
one transaction; the view id is the idempotency key, so a retried or doubled submit
records one decision.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.engine import read_transaction, transaction
from bot.deps import Deps
from bot.domain.categories import Category, categories_path, load_categories
from bot.domain.decisions import record_decision
from bot.domain.errors import Forbidden
from bot.domain.exception_register import register_approval
from bot.domain.live import LiveInput, seconds_to_decide
from bot.domain.mentees import week_counts
from bot.domain.people import PersonView, active_with_role, get_view
from bot.domain.vocab import ENGINEERS, PRACTITIONERS
from bot.domain.weeks import week_label, week_range
from bot.flows.alert_notes import enqueue_alert_note
from bot.flows.blind_review import enqueue_blind_review
from bot.flows.notify import enqueue_review_post
from bot.flows.review_outbox import enqueue_logged_confirmation
from bot.slack.blocks.mentor_home import live_summary_blocks
from bot.slack.metadata import LogMeta

LOGGERS = PRACTITIONERS
CANNOT_LOG = "Only engineers, pilots, mentors and leads on the roster can log live decisions."
NOT_A_LOGGER = "Logging live decisions is for engineers, pilots, mentors and leads."


def categories(*, deps: Deps) -> tuple[Category, ...]:
    """The categories the form offers (read from the scenario library's taxonomy)."""
    return load_categories(categories_path(deps.settings.casebook_scenarios))


def refusal(*, deps: Deps, slack_user_id: str) -> str | None:
    """Why this person may not log a live decision, or None when they may."""
    with read_transaction(deps.sessions) as session:
        person = get_view(session=session, slack_user_id=slack_user_id)
    if person is None or not person.active:
        return f"You're not on the Casebook roster yet; ask {deps.program.admins_contact}."
    return None if person.has_any(LOGGERS) else NOT_A_LOGGER


def _epoch(ts: str | None) -> float | None:
    try:
        return float(ts) if ts else None
    except ValueError:
        return None


def save_live_decision(
    *, deps: Deps, slack_user_id: str, view_id: str, meta: LogMeta, live: LiveInput
) -> int:
    """Write the decision, its review post and the receipt in one transaction; returns its id."""
    now = deps.clock.now()
    raised_at = _epoch(meta.message_ts) if meta.source == "shortcut" else None
    with transaction(deps.sessions) as session:
        person = active_with_role(
            session=session, slack_user_id=slack_user_id, roles=LOGGERS, refusal=CANNOT_LOG, error=Forbidden
        )
        recorded = record_decision(
            session=session,
            now=now,
            person_id=person.id,
            actor=slack_user_id,
            kind="live",
            verdict=live.verdict,
            justification=live.justification,
            # The person is part of the key: a view id alone (or none) must not merge two people's
            # decisions; without a view id there is nothing to dedupe by, so each is kept.
            idempotency_key=f"live:{slack_user_id}:{view_id or uuid.uuid4().hex}",
            category=live.category,
            title=live.title,
            source_url=live.source_url,
            source_text=live.source_text,
            policy_rule=live.policy_rule,
            seconds_to_decide=seconds_to_decide(
                decided_at=now.timestamp(), raised_at=raised_at, opened_at=meta.opened_at
            ),
        )
        if recorded.created:
            channel = deps.program.channels.review
            post = enqueue_review_post(
                session=session, now=now, channel=channel, decision_id=recorded.decision.id, new=True
            )
            if meta.source == "shortcut" and meta.channel and meta.message_ts:
                enqueue_alert_note(
                    session=session,
                    now=now,
                    post=post.delivery,
                    channel=meta.channel,
                    message_ts=meta.message_ts,
                    handler=person,
                    decision_id=recorded.decision.id,
                    team_domain=meta.team_domain,
                )
            enqueue_logged_confirmation(
                session=session, now=now, decision=recorded.decision, engineer=person, channel=channel
            )
            # Issue 18: an approval joins the expiry register; a sampled decision gets a blind second review.
            register_approval(session=session, now=now, decision=recorded.decision, tz=deps.program.tz)
            enqueue_blind_review(
                session=session, now=now, program=deps.program, decision_id=recorded.decision.id
            )
        decision_id = recorded.decision.id
    deps.dispatcher.kick()
    return decision_id


def live_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """App Home: an engineer's live decisions this week."""
    if not person.has_any(ENGINEERS):
        return []
    week = week_label(now, deps.program.tz)
    start, end = week_range(week, deps.program.tz)
    counts = week_counts(session=session, person_id=person.id, start=start, end=end)
    return live_summary_blocks(
        week=week, logged=counts.live, pending=counts.pending, overturned=counts.overturned
    )
