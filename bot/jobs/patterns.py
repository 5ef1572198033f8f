"""`patterns`: raise policy proposals from live exception patterns and DM the leads.

The scheduler starts it once per occurrence of ``patterns.run`` (program time);
``casebook jobs run patterns`` runs it by hand. What counts as a pattern:
:mod:`bot.domain.patterns`; why a lead hears of each proposal once: :mod:`bot.flows.patterns`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.flows.patterns import raise_and_notify

if TYPE_CHECKING:
    from bot.deps import Deps


def run(*, deps: Deps, at: datetime) -> int:
    """Raise what the thresholds cross as of ``at``; returns how many lead DMs were enqueued."""
    return raise_and_notify(deps=deps, at=at)
