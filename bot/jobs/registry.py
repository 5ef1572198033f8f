"""The job catalogue: every job name, where its code lives, and when it is triggered.

Jobs are imported lazily with :mod:`importlib`, so a job whose module is not in
this build (``digest`` and ``review-reminder`` are written in parallel by other
features) shows as "not available yet" in ``casebook jobs list`` and fails with
a clear error in ``casebook jobs run`` instead of breaking start-up.

Every job is ``run(*, deps, at) -> int`` (the number of sends it enqueued).
Jobs implemented here plan per-person sends and are safe to call on every tick;
jobs owned by other modules are **gated**: the scheduler starts them once per
occurrence of their trigger (see :mod:`bot.jobs.gate`).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.jobs.plan import Schedule, scheduled
from bot.program import Program

JobFn = Callable[..., int]


class UnknownJob(Exception):
    """A job name that is not in the catalogue."""


class JobUnavailable(Exception):
    """A catalogued job whose code is not part of this build yet."""


@dataclass(frozen=True)
class JobSpec:
    name: str
    module: str
    attr: str
    summary: str
    gated: bool = False


REGISTRY: dict[str, JobSpec] = {
    spec.name: spec
    for spec in (
        JobSpec("announcements", "bot.jobs.announcements", "run", "program announcements to their channels"),
        JobSpec("daily-sync", "bot.jobs.daily_sync", "run", "evening sync DMs and mentor overviews"),
        JobSpec("survey", "bot.jobs.survey", "run", "the weekly survey DM"),
        JobSpec(
            "survey-reminder", "bot.jobs.survey", "run_reminder", "one reminder to survey non-responders"
        ),
        JobSpec("digest", "bot.jobs.digest", "run", "the PM digest in the PM channel", gated=True),
        JobSpec(
            "review-reminder",
            "bot.jobs.review_reminder",
            "run",
            "mentors' overdue review reminders",
            gated=True,
        ),
    )
}


def spec(name: str) -> JobSpec:
    found = REGISTRY.get(name)
    if found is None:
        raise UnknownJob(f"unknown job {name!r}; jobs are: {', '.join(REGISTRY)}")
    return found


def available(name: str) -> bool:
    """True when the job's module can be imported in this build."""
    try:
        return importlib.util.find_spec(spec(name).module) is not None
    except ModuleNotFoundError:
        return False


def load(name: str) -> JobFn:
    """The job's ``run`` callable; JobUnavailable when its module is not in this build."""
    job = spec(name)
    try:
        module = importlib.import_module(job.module)
    except ModuleNotFoundError as exc:
        if exc.name and job.module.startswith(exc.name):
            raise JobUnavailable(
                f"job {name!r} is not available yet: its module {job.module} is not part of this build"
            ) from None
        raise
    fn = getattr(module, job.attr, None)
    if not callable(fn):
        raise JobUnavailable(f"job {name!r} is not available yet: {job.module}.{job.attr} is missing")
    return fn  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Trigger:
    """When a job fires: a schedule, whose clock it follows, and how late it may still run."""

    label: str
    schedule: Schedule
    local: bool  # each person's own timezone (else the program's)
    grace: timedelta | None  # None: until the end of that local day
    weekly: bool = False

    def describe(self, program: Program) -> str:
        days = ",".join(self.schedule.days)
        where = "each person's local time" if self.local else program.timezone
        phases = ", ".join(self.schedule.phases) if self.schedule.phases else "any phase"
        grace = (
            "until end of day" if self.grace is None else f"grace {int(self.grace.total_seconds() // 60)} min"
        )
        label = f"{self.label}: " if self.label else ""
        return f"{label}{self.schedule.time:%H:%M} {where}, {days}, during {phases} ({grace})"


def _phases(items: Any) -> tuple[str, ...]:
    return tuple(p.value for p in items)


def triggers(program: Program, name: str) -> list[Trigger]:
    """The triggers of ``name`` under this program's config."""
    sched = program.schedule
    if name == "daily-sync":
        cfg = sched.daily_sync
        grace = timedelta(minutes=cfg.grace_minutes)
        return [Trigger("", Schedule(cfg.time, tuple(cfg.days), _phases(cfg.phases)), True, grace)]
    if name in ("survey", "survey-reminder"):
        survey = sched.survey
        at = survey.time if name == "survey" else survey.reminder_time
        return [Trigger("", Schedule(at, (survey.day,), _phases(survey.phases)), True, None, weekly=True)]
    if name == "digest":
        digest = sched.digest
        return [
            Trigger("", Schedule(digest.time, (digest.day,), None), False, timedelta(hours=3), weekly=True)
        ]
    if name == "review-reminder":
        cfg = sched.review_reminder
        grace = timedelta(minutes=cfg.grace_minutes)
        return [Trigger("", Schedule(cfg.time, tuple(cfg.days), _phases(cfg.phases)), False, grace)]
    if name == "announcements":
        from bot.jobs.announcements import GRACE

        return [
            Trigger(ann.name, Schedule(ann.time, tuple(ann.days), None), False, GRACE)
            for ann in program.announcements
        ]
    spec(name)
    return []


def next_run(program: Program, name: str, *, after: datetime, zones: set[ZoneInfo]) -> datetime | None:
    """The next instant any trigger of ``name`` fires for any of ``zones`` (local jobs) or the program."""
    best: datetime | None = None
    for trigger in triggers(program, name):
        for zone in (zones or {program.tz}) if trigger.local else {program.tz}:
            start = after
            for _ in range(60):  # up to ~14 months ahead, a week at a time
                found = scheduled(
                    program=program,
                    schedule=trigger.schedule,
                    tz=zone,
                    start=start,
                    end=start + timedelta(days=7),
                )
                if found:
                    best = found[0].due_at if best is None else min(best, found[0].due_at)
                    break
                start += timedelta(days=7)
    return best
