"""The `digest` job: the PM channel's weekly digest, with its chart uploaded into the thread.

The scheduler starts ``run(deps=..., at=...)`` once per occurrence of ``schedule.digest``
(Fridays, program time); ``casebook jobs run digest --at ...`` calls it too. It covers
the ISO week that contains ``at`` (program timezone); what is posted and how is
:func:`bot.flows.digest.post_weekly_digest`. The ledger's unique (job, recipient,
period) key makes a repeated run, a restart or a second replica a no-op. An empty
week still posts ("no data yet"); the chart is left out only when no week so far
has any data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.metrics import Scorecard
from bot.flows.digest import ChartImage, post_weekly_digest
from bot.jobs.chart import chart_alt_text, chart_png

if TYPE_CHECKING:
    from bot.deps import Deps


def run(*, deps: Deps, at: datetime) -> int:
    """Enqueue this week's digest (and its chart); returns how many deliveries were newly enqueued."""
    program = deps.program

    def render(history: Sequence[Scorecard], title: str) -> ChartImage:
        return ChartImage(chart_png(history, program=program, title=title), chart_alt_text(history))

    created = post_weekly_digest(
        sessions=deps.sessions, program=program, clock=deps.clock, at=at, render_chart=render
    )
    if created:
        deps.dispatcher.kick()
    return created
