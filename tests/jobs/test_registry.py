"""The job catalogue is plain data: the scheduler, the CLI and the sandbox all read it."""

from __future__ import annotations

import ast
import inspect
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import Casebook
from bot.jobs import registry
from bot.jobs.plan import Schedule
from bot.jobs.registry import JobSpec, Start, Trigger
from bot.jobs.runner import run_job, tick
from tests.jobs.conftest import NY, local

DESIGN_NAMES = [
    "announcements",
    "daily-sync",
    "survey",
    "survey-reminder",
    "digest",
    "training-checkin",
    "review-reminder",
    "patterns",
]
DESIGN_NAMES += ["reflections", "post-survey"]  # issue 17
DESIGN_NAMES += ["exception-expiry"]  # issue 18: approved exceptions asked about at expiry


def test_every_row_names_its_function_directly() -> None:
    assert sorted(registry.names()) == sorted(DESIGN_NAMES)
    for job in registry.CATALOGUE:
        assert inspect.isfunction(job.run) and job.run.__module__.startswith("bot.jobs.")
        assert job.summary and isinstance(job.start, Start)
    once = {j.name for j in registry.CATALOGUE if j.start is Start.ONCE}
    assert once == {"digest", "review-reminder", "patterns", "exception-expiry"}


def test_unknown_job_lists_the_catalogue() -> None:
    with pytest.raises(registry.UnknownJob, match="jobs are: announcements, daily-sync"):
        registry.spec("weekly-party")


def test_a_new_job_is_one_row(casebook: Casebook, clock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[datetime] = []

    def run(*, deps: Any, at: datetime) -> int:
        calls.append(at)
        return 0

    def trigger(_program: Any) -> list[Trigger]:
        return [Trigger("", Schedule(time(9, 0), ("mon",), None), False, None)]

    monkeypatch.setitem(registry.REGISTRY, "party", JobSpec("party", run, trigger, "a weekly party"))
    at = local(date(2026, 11, 16), "09:05", NY)
    clock.set(at)
    assert tick(deps=casebook.deps, at=at)["party"] == 0  # the scheduler runs it
    assert run_job(deps=casebook.deps, name="party", at=at) == 0  # so do the CLI and the sandbox
    assert calls == [at, at]
    assert "09:00 America/New_York, mon" in registry.triggers(casebook.deps.program, "party")[0].describe(
        casebook.deps.program
    )


MINE = (
    "registry",
    "runner",
    "gate",
    "scheduler",
    "plan",
    "digest",
    "announcements",
    "review_reminder",
    "training_checkin",
)
MINE += ("reflections", "post_survey", "patterns")


@pytest.mark.parametrize("module", MINE)
def test_jobs_reach_slack_only_through_flows_and_load_nothing_by_string(module: str) -> None:
    source = (Path(__file__).parents[2] / "bot" / "jobs" / f"{module}.py").read_text()
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not {name for name in imported if name == "bot.slack" or name.startswith("bot.slack.")}
    assert "importlib" not in imported


def test_training_check_ins_list_one_trigger_per_start_time(program: Any) -> None:
    shown = [t.describe(program) for t in registry.triggers(program, "training-checkin")]
    assert shown == [
        "sessions: 09:00 America/New_York, mon,tue,wed,thu,fri, during training (until end of day)",
        "sessions: 13:00 America/New_York, mon,tue,wed,thu,fri, during training (until end of day)",
    ]
    after = datetime(2026, 11, 6, 20, 0, tzinfo=UTC)  # Friday of week 9, after the last session
    zones = {ZoneInfo("America/New_York")}
    assert registry.next_run(program, "training-checkin", after=after, zones=zones) == datetime(
        2026, 11, 9, 14, 0, tzinfo=UTC
    )
    end = datetime(2026, 11, 13, 20, 0, tzinfo=UTC)
    assert registry.next_run(program, "training-checkin", after=end, zones=zones) is None
