"""`review-reminder`: DM each reviewer the decisions waiting longer than the review SLA.

Runs on the program's ``schedule.review_reminder`` (the scheduler decides when);
``casebook jobs run review-reminder`` runs it by hand. Each reviewer gets at most
one reminder per local day: the ledger key is (``review-reminder``, reviewer,
their local date), so a rerun, a restart or a second replica sends nothing new.
Which reviewer is reminded of which decision is ``bot.domain.reminders``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.deliveries import enqueue
from bot.domain.reminders import reminder_plan
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.mentor_home import reminder_blocks, reminder_text

JOB = "review-reminder"


def run(*, deps: Deps, at: datetime) -> int:
    """Enqueue today's reminders as of ``at``; returns how many new DMs were enqueued."""
    program = deps.program
    sla_hours = program.thresholds.review_sla_hours
    grace = timedelta(minutes=program.schedule.review_reminder.grace_minutes)
    created = 0
    with transaction(deps.sessions) as session:
        plan = reminder_plan(session=session, now=at, sla=timedelta(hours=sla_hours), tz=program.tz)
        for reminder in plan:
            blocks = reminder_blocks(
                items=reminder.items, channel=program.channels.review, sla_hours=sla_hours
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
                    "text": reminder_text(count=len(reminder.items), sla_hours=sla_hours),
                    "blocks": to_dicts(blocks),
                },
                grace_until=at + grace,
            )
            created += int(result.created)
    if created:
        deps.dispatcher.kick()
    return created
