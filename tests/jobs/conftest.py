"""Fixtures for scheduled work: the demo roster loaded, and helpers to run jobs as of a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import Casebook
from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.jobs.runner import run_job
from tests.helpers import load_roster

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def local(day: date, hhmm: str, tz: ZoneInfo) -> datetime:
    """A wall-clock time somewhere, as an aware UTC datetime."""
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes)).replace(tzinfo=tz).astimezone(UTC)


@pytest.fixture
def roster(casebook: Casebook, clock: FixedClock) -> Casebook:
    """The demo roster, created well before the parallel run so every occurrence is owed."""
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    return casebook


def runner(casebook: Casebook, clock: FixedClock) -> Callable[[str, datetime], int]:
    """Set the clock, run a job as of then, and let the dispatcher send what is due."""

    def run(name: str, at: datetime) -> int:
        clock.set(at)
        enqueued = run_job(deps=casebook.deps, name=name, at=at)
        casebook.deps.dispatcher.kick()
        assert casebook.deps.dispatcher.wait_idle(20)
        return enqueued

    return run


@pytest.fixture
def run_at(casebook: Casebook, clock: FixedClock) -> Callable[[str, datetime], int]:
    return runner(casebook, clock)


def ledger(casebook: Casebook, job: str | None = None) -> list[Delivery]:
    with transaction(casebook.deps.sessions) as session:
        query = select(Delivery).order_by(Delivery.id)
        if job is not None:
            query = query.where(Delivery.job == job)
        return list(session.execute(query).scalars())
