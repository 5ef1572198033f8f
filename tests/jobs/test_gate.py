"""ONCE jobs (digest, review-reminder): started once per occurrence, retried on failure, missed late."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import JobRun
from bot.jobs import registry
from bot.jobs.runner import tick
from tests.jobs import gated_job
from tests.jobs.conftest import NY, local

FRIDAY = date(2026, 11, 20)


@pytest.fixture
def digest(monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    spec = dataclasses.replace(registry.spec("digest"), run=gated_job.run, summary="stand-in digest")
    monkeypatch.setitem(registry.REGISTRY, "digest", spec)
    gated_job.calls.clear()
    gated_job.failures.clear()
    yield gated_job.calls


def _runs(casebook: Casebook) -> list[tuple[str, str, str, int]]:
    with transaction(casebook.deps.sessions) as session:
        rows = session.execute(select(JobRun).where(JobRun.job == "digest").order_by(JobRun.id)).scalars()
        return [(r.period, r.status, r.last_error or "", r.attempts) for r in rows]


def test_a_gated_job_starts_once_per_occurrence(casebook: Casebook, clock, digest: list) -> None:
    for at in (local(FRIDAY, "16:59", NY), local(FRIDAY, "17:00", NY), local(FRIDAY, "17:01", NY)):
        clock.set(at)
        results = tick(deps=casebook.deps, at=at)
    assert digest == [local(FRIDAY, "17:00", NY)]
    assert results["digest"] == 0  # the later ticks started nothing
    assert _runs(casebook) == [("2026-W47", "done", "", 1)]
    assert registry.next_run(
        casebook.deps.program, "digest", after=local(FRIDAY, "17:01", NY), zones=set()
    ) == (local(FRIDAY + timedelta(days=7), "17:00", NY))


def test_a_failed_run_is_retried_on_the_next_tick_then_given_up(
    casebook: Casebook, clock, digest: list
) -> None:
    gated_job.failures.extend([RuntimeError("chart failed"), RuntimeError("chart failed again")])
    for minute in range(4):
        at = local(FRIDAY, "17:00", NY) + timedelta(minutes=minute)
        clock.set(at)
        tick(deps=casebook.deps, at=at)
    assert len(digest) == 3  # two failures, then success
    assert _runs(casebook) == [("2026-W47", "done", "", 3)]


def test_a_gated_occurrence_past_its_grace_is_recorded_missed(
    casebook: Casebook, clock, digest: list
) -> None:
    at = local(FRIDAY, "20:01", NY)  # the digest's grace is three hours
    clock.set(at)
    tick(deps=casebook.deps, at=at)
    assert digest == []
    assert _runs(casebook) == [("2026-W47", "missed", "grace window passed before it could run", 0)]
