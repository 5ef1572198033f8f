"""Run jobs: one by name (the CLI, the sandbox) or every catalogued job as a scheduler tick.

``run_job(deps=…, name=…, at=…)`` runs a job "as of" ``at`` under the same
ledger rules as the scheduler: sends due by ``at`` and inside their grace window
are enqueued, later ones recorded as missed, anything already in the ledger left
alone. It returns the number of sends enqueued; sending is the dispatcher's job.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from bot.jobs import registry
from bot.jobs.gate import run_gated
from bot.logs import new_request_id, request_id

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)


def run_job(*, deps: Deps, name: str, at: datetime) -> int:
    """Run job ``name`` as of ``at``; UnknownJob names a job that is not in the catalogue."""
    if at.tzinfo is None:
        raise ValueError("run_job needs an aware datetime for `at`")
    job = registry.spec(name)
    token = request_id.set(new_request_id("job"))
    try:
        enqueued = int(job.run(deps=deps, at=at))
        log.info("job ran", extra={"job": name, "at": at.isoformat(), "enqueued": enqueued})
        return enqueued
    finally:
        request_id.reset(token)


def start_job(*, deps: Deps, name: str, at: datetime) -> int:
    """What the scheduler does with one job at ``at``: run it (PLAN) or start due occurrences (ONCE)."""
    job = registry.spec(name)
    if job.start is registry.Start.ONCE:
        return run_gated(
            deps=deps,
            name=name,
            triggers=job.trigger(deps.program),
            run=lambda: run_job(deps=deps, name=name, at=at),
            at=at,
        )
    return run_job(deps=deps, name=name, at=at)


def tick(*, deps: Deps, at: datetime) -> dict[str, int | str]:
    """One scheduler pass over the catalogue; one job failing never stops the others."""
    results: dict[str, int | str] = {}
    for name in registry.names():
        try:
            results[name] = start_job(deps=deps, name=name, at=at)
        except Exception:
            log.exception("scheduled job failed", extra={"job": name})
            results[name] = "error"
    if any(isinstance(v, int) and v for v in results.values()):
        deps.dispatcher.kick()
    return results
