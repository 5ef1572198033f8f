"""`review-reminder`: DM each reviewer the decisions waiting longer than the review SLA.

The scheduler starts it once per occurrence of ``schedule.review_reminder``;
``casebook jobs run review-reminder`` runs it by hand. What is sent, and why at
most once per reviewer and local day: :mod:`bot.flows.review_reminder`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.flows.review_reminder import enqueue_review_reminders

if TYPE_CHECKING:
    from bot.deps import Deps


def run(*, deps: Deps, at: datetime) -> int:
    """Enqueue today's reminders as of ``at``; returns how many new DMs were enqueued."""
    created = enqueue_review_reminders(sessions=deps.sessions, program=deps.program, at=at)
    if created:
        deps.dispatcher.kick()
    return created
