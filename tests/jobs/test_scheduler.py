"""Replicas and restarts: one active scheduler per database, and every person messaged once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.app import Casebook, create_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.jobs.leader import LocalLeader, make_leader
from bot.jobs.scheduler import Scheduler
from bot.program import Program
from bot.sandbox.fakeslack import FakeSlack
from tests.helpers import eventually, load_roster
from tests.jobs.conftest import NY, ledger, local

TUESDAY = date(2026, 11, 17)
N_ENGINEERS = 40


def _big_roster(casebook: Casebook, fake: FakeSlack, n: int = N_ENGINEERS) -> list[str]:
    ids = [f"U0E{i:04d}" for i in range(n)]
    lines = ["slack_user_id,name,email,roles,mentor,timezone"]
    lines += [f"{uid},Engineer {i},,engineer,,America/New_York" for i, uid in enumerate(ids)]
    for i, uid in enumerate(ids):
        fake.add_user(uid, f"Engineer {i}", "America/New_York")
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC), "\n".join(lines) + "\n")
    return ids


@pytest.fixture
def rate() -> float:
    """Sends per second per replica (the pacing the dispatchers keep)."""
    return 40.0


@pytest.fixture
def replicas(
    settings: Settings, rate: float, program: Program, clock: FixedClock, engine: Engine, fake: FakeSlack
) -> Iterator[list[Casebook]]:
    """Two complete app instances ("replicas") on one database, neither started yet."""
    paced = settings.model_copy(update={"casebook_slack_rate": rate, "casebook_dispatch_threads": 4})
    apps = [create_app(paced, program=program, clock=clock, engine=engine) for _ in range(2)]
    yield apps
    for app in apps:
        app.shutdown(timeout=5)
    assert fake.invalid == []


def _scheduler(app: Casebook, **kw: object) -> Scheduler:
    sched = Scheduler(deps=app.deps, tick_seconds=0.2, leader_seconds=0.2, tz_refresh_seconds=3600, **kw)  # type: ignore[arg-type]
    app.deps.services[:] = [sched]
    return sched


def _dm_counts(fake: FakeSlack, ids: list[str]) -> Counter[str]:
    with fake.lock:
        channels = Counter(m.channel for m in fake.messages)
    return Counter({uid: channels[fake.dm_channel(uid)] for uid in ids})


def test_create_app_runs_the_scheduler_only_when_asked(
    settings: Settings, program: Program, clock: FixedClock, engine: Engine
) -> None:
    app = create_app(settings, program=program, clock=clock, engine=engine)
    (service,) = app.deps.services
    assert isinstance(service, Scheduler) and not service.running
    app.start_background(scheduler=False)
    assert not service.running
    app.start_background(scheduler=True)
    assert service.running
    assert eventually(lambda: service.is_leader, timeout=10)
    app.shutdown(timeout=5)
    assert not service.running and not service.is_leader


def test_two_replicas_one_leader_each_person_messaged_once(
    replicas: list[Casebook], fake: FakeSlack, clock: FixedClock
) -> None:
    ids = _big_roster(replicas[0], fake)
    clock.set(local(TUESDAY, "17:46", NY))
    scheds = [_scheduler(app) for app in replicas]
    for app in replicas:
        app.start_background(scheduler=True)
    eventually(lambda: sum(_dm_counts(fake, ids).values()) >= N_ENGINEERS, timeout=30)
    time.sleep(1.0)  # more ticks from both, more dispatcher passes: still nothing twice
    assert set(_dm_counts(fake, ids).values()) == {1}
    assert sorted(s.is_leader for s in scheds) == [False, True]
    assert sorted(bool(s.ticks) for s in scheds) == [False, True]
    statuses = Counter(d.status for d in ledger(replicas[0], "daily-sync") if d.period == "2026-11-17")
    assert statuses == {"sent": N_ENGINEERS}

    # The leader stops (a deploy): the standby takes over and keeps ticking.
    leader = next(i for i, s in enumerate(scheds) if s.is_leader)
    replicas[leader].shutdown(timeout=5)
    standby = scheds[1 - leader]
    assert eventually(lambda: standby.is_leader, timeout=10)
    ticks = standby.ticks
    assert eventually(lambda: standby.ticks > ticks, timeout=10)
    assert set(_dm_counts(fake, ids).values()) == {1}


def test_even_two_leaders_at_once_cannot_double_send(
    replicas: list[Casebook], fake: FakeSlack, clock: FixedClock
) -> None:
    """Split brain (both think they lead): the ledger's unique keys and claims still hold."""
    ids = _big_roster(replicas[0], fake)
    clock.set(local(TUESDAY, "17:46", NY))
    scheds = [_scheduler(app, leader=LocalLeader()) for app in replicas]
    for app in replicas:
        app.start_background(scheduler=True)
    eventually(lambda: sum(_dm_counts(fake, ids).values()) >= N_ENGINEERS, timeout=30)
    eventually(lambda: all(s.ticks >= 3 for s in scheds), timeout=10)
    assert set(_dm_counts(fake, ids).values()) == {1}


@pytest.mark.parametrize("rate", [10.0])
def test_restart_mid_fan_out_messages_everyone_once(
    replicas: list[Casebook], fake: FakeSlack, clock: FixedClock
) -> None:
    ids = _big_roster(replicas[0], fake)
    clock.set(local(TUESDAY, "17:46", NY))
    # Paced at 10/s, the 40 DMs take four seconds: the restart lands in the middle.
    first, second = replicas
    _scheduler(first)
    first.start_background(scheduler=True)
    eventually(lambda: sum(_dm_counts(fake, ids).values()) >= 8, timeout=30)
    first.shutdown(timeout=5)
    sent_before = sum(_dm_counts(fake, ids).values())
    assert 8 <= sent_before < N_ENGINEERS
    _scheduler(second)
    second.start_background(scheduler=True)
    eventually(lambda: sum(_dm_counts(fake, ids).values()) >= N_ENGINEERS, timeout=30)
    time.sleep(0.5)
    assert set(_dm_counts(fake, ids).values()) == {1}


def test_leadership_is_exclusive_and_passes_on_release(engine: Engine) -> None:
    first, second = make_leader(engine), make_leader(engine)
    try:
        assert first.ensure() and first.ensure()
        assert not second.ensure()
        first.release()
        assert second.ensure()
        assert not first.ensure()
    finally:
        first.release()
        second.release()


def test_a_dead_leaders_lock_is_taken_over(engine: Engine, database_url: str) -> None:
    """Kill -9 the process holding leadership: its connection (or file lock) goes with it."""
    holder = textwrap.dedent(
        f"""
        import time
        from bot.db.engine import make_engine
        from bot.jobs.leader import make_leader
        leader = make_leader(make_engine({database_url!r}))
        assert leader.ensure()
        print("held", flush=True)
        time.sleep(120)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
    standby = make_leader(engine)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        assert not standby.ensure()
        proc.kill()
        proc.wait(10)
        assert eventually(standby.ensure, timeout=15, interval=0.2)
    finally:
        proc.kill()
        standby.release()


def test_fan_out_through_429s_and_500s_delivers_each_once(
    replicas: list[Casebook], fake: FakeSlack, clock: FixedClock
) -> None:
    ids = _big_roster(replicas[0], fake)
    fake.fail_fraction("chat.postMessage", 0.2, status=429, retry_after=1, seed=11)
    fake.fail_fraction("chat.postMessage", 0.2, status=500)
    clock.set(local(TUESDAY, "17:46", NY))
    for app in replicas:
        _scheduler(app)
        app.start_background(scheduler=True)

    def done() -> bool:
        # Sends that exhaust their quick retries wait for ledger backoff: let business time pass
        # (ten times faster than real time, well inside the sync's grace window and the claim lease).
        clock.advance(timedelta(seconds=5))
        for app in replicas:
            app.deps.dispatcher.kick()
        return sum(_dm_counts(fake, ids).values()) >= N_ENGINEERS

    eventually(done, timeout=60, interval=0.5)
    time.sleep(0.5)
    assert set(_dm_counts(fake, ids).values()) == {1}
    assert {d.status for d in ledger(replicas[0], "daily-sync") if d.period == "2026-11-17"} == {"sent"}
