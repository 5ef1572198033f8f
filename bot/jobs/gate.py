"""Gated jobs: start a job owned by another module once per occurrence of its trigger.

The digest and review-reminder jobs are written elsewhere as ``run(*, deps, at)``.
The scheduler does not call them on every tick: for each occurrence of the job's
trigger (program timezone) that is due and inside its grace window, it claims a
:class:`~bot.db.models.JobRun` row keyed by job and period, calls the job, and
records the outcome. Past the grace window the occurrence is recorded as missed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.db.engine import transaction
from bot.domain import jobruns
from bot.domain.weeks import end_of_day, iso_week
from bot.jobs import registry
from bot.jobs.plan import LOOKBACK, scheduled

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=15)


def run_gated(*, deps: Deps, name: str, at: datetime) -> int:
    """Start every due, unstarted occurrence of ``name``; returns what the job runs enqueued."""
    from bot.jobs.runner import run_job

    program = deps.program
    total = 0
    for trigger in registry.triggers(program, name):
        found = scheduled(
            program=program, schedule=trigger.schedule, tz=program.tz, start=at - LOOKBACK, end=at
        )
        for occ in found:
            period = iso_week(occ.local_date) if trigger.weekly else occ.local_date.isoformat()
            grace_until = (
                occ.due_at + trigger.grace if trigger.grace else end_of_day(occ.local_date, program.tz)
            )
            now = deps.clock.now()
            with transaction(deps.sessions) as session:
                if at > grace_until:
                    if jobruns.record_missed_run(
                        session=session, now=now, job=name, period=period, due_at=occ.due_at
                    ):
                        log.warning("job occurrence missed", extra={"job": name, "period": period})
                    continue
                claimed = jobruns.claim_run(
                    session=session, now=now, job=name, period=period, due_at=occ.due_at, lease=LEASE
                )
                run_id = claimed.id if claimed else None
            if run_id is None:
                continue
            try:
                result = run_job(deps=deps, name=name, at=at)
            except Exception as exc:
                log.exception("gated job failed", extra={"job": name, "period": period})
                with transaction(deps.sessions) as session:
                    jobruns.fail_run(session=session, run_id=run_id, now=deps.clock.now(), error=repr(exc))
                continue
            with transaction(deps.sessions) as session:
                jobruns.finish_run(session=session, run_id=run_id, now=deps.clock.now(), result=result)
            total += result
    return total
