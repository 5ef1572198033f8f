"""Run jobs: one by name (the CLI, the sandbox) or all of them as a scheduler tick.

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
    """Run job ``name`` as of ``at``; UnknownJob / JobUnavailable explain a bad or missing job."""
    if at.tzinfo is None:
        raise ValueError("run_job needs an aware datetime for `at`")
    fn = registry.load(name)
    token = request_id.set(new_request_id("job"))
    try:
        enqueued = int(fn(deps=deps, at=at))
        log.info("job ran", extra={"job": name, "at": at.isoformat(), "enqueued": enqueued})
        return enqueued
    finally:
        request_id.reset(token)


def tick(*, deps: Deps, at: datetime) -> dict[str, int | str]:
    """One scheduler pass over every job; one job failing never stops the others."""
    results: dict[str, int | str] = {}
    for name, spec in registry.REGISTRY.items():
        try:
            if spec.gated:
                if not registry.available(name):
                    results[name] = "unavailable"
                    continue
                results[name] = run_gated(deps=deps, name=name, at=at)
            else:
                results[name] = run_job(deps=deps, name=name, at=at)
        except registry.JobUnavailable:
            results[name] = "unavailable"
        except Exception:
            log.exception("scheduled job failed", extra={"job": name})
            results[name] = "error"
    if any(isinstance(v, int) and v for v in results.values()):
        deps.dispatcher.kick()
    return results
