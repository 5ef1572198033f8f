"""Start a ``ONCE`` job once per occurrence of its program-time trigger.

For each occurrence of the job's triggers (program timezone) that is due and
inside its grace window, the gate claims a :class:`~bot.db.models.JobRun` row
keyed by job and period, calls the job, and records the outcome; a failed run
is retried on a later tick. Past the grace window the occurrence is recorded as
missed. Why some jobs are started this way: :mod:`bot.jobs.registry`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.db.engine import transaction
from bot.domain import jobruns
from bot.domain.weeks import end_of_day, iso_week
from bot.jobs.plan import LOOKBACK, scheduled
from bot.jobs.triggers import Occurrence

if TYPE_CHECKING:
    from bot.deps import Deps
    from bot.jobs.registry import Trigger

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=15)


def run_gated(*, deps: Deps, name: str, triggers: list[Trigger], run: Callable[[], int], at: datetime) -> int:
    """Start ``run`` for every due, unstarted occurrence of ``triggers``; returns what it enqueued."""
    program = deps.program
    total = 0
    for trigger in triggers:
        found = scheduled(
            program=program, schedule=trigger.schedule, tz=program.tz, start=at - LOOKBACK, end=at
        )
        for occ in found:
            total += _start(deps=deps, name=name, trigger=trigger, occ=occ, run=run, at=at)
    return total


def _start(
    *, deps: Deps, name: str, trigger: Trigger, occ: Occurrence, run: Callable[[], int], at: datetime
) -> int:
    """Claim, run and record one occurrence (or record it missed); returns what the run enqueued."""
    tz = deps.program.tz
    period = iso_week(occ.local_date) if trigger.weekly else occ.local_date.isoformat()
    grace_until = occ.due_at + trigger.grace if trigger.grace else end_of_day(occ.local_date, tz)
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        if at > grace_until:
            if jobruns.record_missed_run(
                session=session, now=now, job=name, period=period, due_at=occ.due_at
            ):
                log.warning("job occurrence missed", extra={"job": name, "period": period})
            return 0
        claimed = jobruns.claim_run(
            session=session, now=now, job=name, period=period, due_at=occ.due_at, lease=LEASE
        )
        run_id = claimed.id if claimed else None
    if run_id is None:
        return 0
    try:
        result = run()
    except Exception as exc:
        log.exception("gated job failed", extra={"job": name, "period": period})
        with transaction(deps.sessions) as session:
            jobruns.fail_run(session=session, run_id=run_id, now=deps.clock.now(), error=repr(exc))
        return 0
    with transaction(deps.sessions) as session:
        jobruns.finish_run(session=session, run_id=run_id, now=deps.clock.now(), result=result)
    return result
