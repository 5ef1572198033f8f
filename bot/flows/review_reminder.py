"""Remind reviewers of decisions waiting longer than the review SLA (the outbox rows).

Each reviewer gets at most one reminder per local day: the ledger key is
(``review-reminder``, reviewer, their local date), so a rerun, a restart or a
second replica enqueues nothing new. Who is reminded of what is
:mod:`bot.domain.reminders`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.deliveries import enqueue
from bot.domain.reminders import reminder_plan
from bot.program import Program
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.mentor_home import reminder_blocks, reminder_text

JOB = "review-reminder"


def enqueue_review_reminders(*, sessions: sessionmaker[Session], program: Program, at: datetime) -> int:
    """Enqueue the reminders owed as of ``at``; returns how many new DMs were enqueued."""
    sla_hours = program.thresholds.review_sla_hours
    grace = timedelta(minutes=program.schedule.review_reminder.grace_minutes)
    created = 0
    with transaction(sessions) as session:
        plan = reminder_plan(session=session, now=at, sla=timedelta(hours=sla_hours), tz=program.tz)
        for reminder in plan:
            live, practice = reminder.live, reminder.practice
            blocks = reminder_blocks(
                items=live, channel=program.channels.review, sla_hours=sla_hours, practice=practice
            )
            result = enqueue(
                session=session,
                now=at,
                job=JOB,
                recipient=reminder.person.slack_user_id,
                period=reminder.local_day.isoformat(),
                method="chat.postMessage",
                payload={
                    "channel": reminder.person.slack_user_id,
                    "text": reminder_text(count=len(live), sla_hours=sla_hours, practice=len(practice)),
                    "blocks": to_dicts(blocks),
                },
                grace_until=at + grace,
            )
            created += int(result.created)
    return created
