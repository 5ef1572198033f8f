"""`exception-expiry`: ask engineers about their approved exceptions whose expiry day has come.

The scheduler starts it once a day at ``review_quality.expiry_check_time`` (program time);
``casebook jobs run exception-expiry`` runs it by hand. Each exception is asked about once:
see :mod:`bot.flows.expiry`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.flows.expiry import enqueue_expiry_questions

if TYPE_CHECKING:
    from bot.deps import Deps


def run(*, deps: Deps, at: datetime) -> int:
    """Enqueue the expiry questions owed as of ``at``; returns how many new DMs were enqueued."""
    created = enqueue_expiry_questions(sessions=deps.sessions, program=deps.program, at=at)
    if created:
        deps.dispatcher.kick()
    return created
