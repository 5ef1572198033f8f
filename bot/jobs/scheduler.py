"""The scheduler service: APScheduler timers, leader election, and a tick that runs every job.

Runs inside ``casebook serve``/``socket``/``run`` (``Casebook.start_background(
scheduler=True)``; ``--no-scheduler`` turns it off) or alone as ``casebook
scheduler``. APScheduler (a ``BackgroundScheduler`` with in-memory timers) drives
three interval jobs in this process:

* ``leader`` — every few seconds: take leadership if free, or confirm it is held;
* ``tick`` — every minute: if this process leads, run every job as of now
  (:func:`bot.jobs.runner.tick`), which enqueues what is due into the ledger;
* ``timezones`` — hourly: if leading, refresh stale Slack timezones.

Durability and exactly-once do not come from APScheduler's job store (its 3.x
stores are not safe to share between processes) but from the delivery ledger:
the tick is idempotent, so a missed, repeated or concurrent tick is harmless.
Sending is the dispatcher's job, which runs in every process.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.jobs.leader import Leader, make_leader
from bot.jobs.runner import tick
from bot.jobs.timezones import refresh_timezones
from bot.logs import new_request_id, request_id

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)


class Scheduler:
    """One per process; only the leader's ticks do anything."""

    def __init__(
        self,
        *,
        deps: Deps,
        tick_seconds: float = 60.0,
        leader_seconds: float = 5.0,
        tz_refresh_seconds: float = 3600.0,
        leader: Leader | None = None,
    ) -> None:
        self._deps = deps
        self.tick_seconds = tick_seconds
        self.leader_seconds = leader_seconds
        self.tz_refresh_seconds = tz_refresh_seconds
        self._leader = leader
        self._aps: BackgroundScheduler | None = None
        self._tick_lock = threading.Lock()
        self.ticks = 0

    @property
    def is_leader(self) -> bool:
        return self._leader is not None and self._leader.is_leader

    @property
    def running(self) -> bool:
        return self._aps is not None

    def start(self) -> None:
        if self._aps is not None:
            return
        if self._leader is None:
            self._leader = make_leader(self._deps.engine)
        aps = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        now = datetime.now(UTC)
        aps.add_job(
            self._heartbeat, IntervalTrigger(seconds=self.leader_seconds), id="leader", next_run_time=now
        )
        aps.add_job(self.run_tick, IntervalTrigger(seconds=self.tick_seconds), id="tick")
        aps.add_job(self._refresh, IntervalTrigger(seconds=self.tz_refresh_seconds), id="timezones")
        aps.start()
        self._aps = aps
        log.info("scheduler started", extra={"tick_seconds": self.tick_seconds})

    def stop(self) -> None:
        aps, self._aps = self._aps, None
        if aps is not None:
            aps.shutdown(wait=True)
        if self._leader is not None:
            self._leader.release()
        log.info("scheduler stopped")

    def _heartbeat(self) -> None:
        if self._leader is None:
            return
        was = self._leader.is_leader
        leads = self._leader.ensure()
        if leads and not was and self._aps is not None:
            # A new leader catches up at once (grace windows are ticking), then every minute.
            now = datetime.now(UTC)
            self._aps.modify_job("tick", next_run_time=now)
            self._aps.modify_job("timezones", next_run_time=now)

    def run_tick(self) -> dict[str, int | str]:
        """Run every job as of the injected clock's now, if this process leads."""
        if not self.is_leader:
            return {}
        with self._tick_lock:
            token = request_id.set(new_request_id("tick"))
            try:
                results = tick(deps=self._deps, at=self._deps.clock.now())
                self.ticks += 1
                log.info("scheduler tick", extra={"results": results})
                return results
            finally:
                request_id.reset(token)

    def _refresh(self) -> None:
        if not self.is_leader:
            return
        try:
            refresh_timezones(
                sessions=self._deps.sessions, client=self._deps.client, now=self._deps.clock.now()
            )
        except Exception:
            log.exception("timezone refresh failed")
