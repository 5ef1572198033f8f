"""The job catalogue: every scheduled job as one row of plain data.

A job is a module with ``run(*, deps, at) -> int`` (the number of sends it
enqueued) plus one :class:`JobSpec` row in :data:`CATALOGUE`: its name, the
function itself, its triggers under the program config, a summary, and how the
scheduler starts it. Adding a job is writing the module and adding the row; the
scheduler, ``casebook jobs list|run|status`` and the sandbox read names from here.

How a job is started (:class:`Start`) follows from what it sends:

* ``PLAN`` — jobs that message people or channels at a local time (daily sync,
  survey, announcements) plan one ledger row per recipient and period. Each
  recipient has their own occurrence (their own timezone), so there is no single
  occurrence to start: every tick asks them what is owed as of now, and the
  ledger makes asking again harmless.
* ``ONCE`` — program-wide work (the weekly digest, the daily review-reminder
  sweep) is one unit per occurrence of a program-time trigger. When one falls
  due the scheduler starts the job once (a ``job_runs`` row claims it), retries
  it if it fails and records it missed past its grace (:mod:`bot.jobs.gate`).
  The bodies do not read the schedule, so an operator can ask for one at any
  time (``casebook jobs run digest``) and get it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from bot.domain.training import planned_sessions
from bot.jobs import (
    announcements,
    daily_sync,
    digest,
    exception_expiry,
    patterns,
    post_survey,
    reflections,
    review_reminder,
    survey,
    training_checkin,
)
from bot.jobs.plan import Schedule, scheduled
from bot.program import WEEKDAYS, Program

if TYPE_CHECKING:
    from bot.deps import Deps


class JobFn(Protocol):
    """A job body: enqueue what is owed as of ``at``; returns the number of sends enqueued."""

    def __call__(self, *, deps: Deps, at: datetime) -> int: ...


class UnknownJob(Exception):
    """A job name that is not in the catalogue."""


class Start(StrEnum):
    """How the scheduler starts a job (see the module docstring for why there are two)."""

    PLAN = "every tick"
    ONCE = "once per occurrence"


@dataclass(frozen=True)
class Trigger:
    """When a job fires: a schedule, whose clock it follows, and how late it may still run."""

    label: str
    schedule: Schedule
    local: bool  # each person's own timezone (else the program's)
    grace: timedelta | None  # None: until the end of that local day
    weekly: bool = False

    def describe(self, program: Program) -> str:
        """One line for ``casebook jobs list``."""
        days = ",".join(self.schedule.days)
        where = "each person's local time" if self.local else program.timezone
        phases = ", ".join(self.schedule.phases) if self.schedule.phases else "any phase"
        grace = (
            "until end of day" if self.grace is None else f"grace {int(self.grace.total_seconds() // 60)} min"
        )
        label = f"{self.label}: " if self.label else ""
        return f"{label}{self.schedule.time:%H:%M} {where}, {days}, during {phases} ({grace})"


TriggerFn = Callable[[Program], list[Trigger]]


@dataclass(frozen=True)
class JobSpec:
    """One catalogue row: the job's name, its body, its triggers and how it is started."""

    name: str
    run: JobFn
    trigger: TriggerFn
    summary: str
    start: Start = Start.PLAN


def _phases(items: Any) -> tuple[str, ...]:
    return tuple(p.value for p in items)


def _daily_sync(program: Program) -> list[Trigger]:
    cfg = program.schedule.daily_sync
    schedule = Schedule(cfg.time, tuple(cfg.days), _phases(cfg.phases))
    return [Trigger("", schedule, True, timedelta(minutes=cfg.grace_minutes))]


def _survey(program: Program) -> list[Trigger]:
    cfg = program.schedule.survey
    return [Trigger("", Schedule(cfg.time, (cfg.day,), _phases(cfg.phases)), True, None, weekly=True)]


def _survey_reminder(program: Program) -> list[Trigger]:
    cfg = program.schedule.survey
    schedule = Schedule(cfg.reminder_time, (cfg.day,), _phases(cfg.phases))
    return [Trigger("", schedule, True, None, weekly=True)]


def _digest(program: Program) -> list[Trigger]:
    cfg = program.schedule.digest
    return [Trigger("", Schedule(cfg.time, (cfg.day,), None), False, timedelta(hours=3), weekly=True)]


def _review_reminder(program: Program) -> list[Trigger]:
    cfg = program.schedule.review_reminder
    schedule = Schedule(cfg.time, tuple(cfg.days), _phases(cfg.phases))
    return [Trigger("", schedule, False, timedelta(minutes=cfg.grace_minutes))]


def _patterns(program: Program) -> list[Trigger]:
    cfg = program.patterns.run
    return [Trigger("", Schedule(cfg.time, tuple(cfg.days), None), False, timedelta(hours=6))]


def _announcements(program: Program) -> list[Trigger]:
    return [
        Trigger(ann.name, Schedule(ann.time, tuple(ann.days), None), False, announcements.GRACE)
        for ann in program.announcements
    ]


def _training_checkin(program: Program) -> list[Trigger]:
    # Sessions are dated; `jobs list` shows one trigger per start time with its weekdays, limited
    # to the phases the sessions fall in (when all do) so "next run" ends with the training.
    sessions = planned_sessions(program)
    days: dict[time, set[str]] = {}
    for planned in sessions:
        days.setdefault(planned.start.astimezone(program.tz).time(), set()).add(
            WEEKDAYS[planned.day.weekday()]
        )
    phases = [program.phase_on(s.day) for s in sessions]
    within = None if None in phases else tuple(sorted({p.value for p in phases if p is not None}))
    return [
        Trigger("sessions", Schedule(at, tuple(d for d in WEEKDAYS if d in days[at]), within), False, None)
        for at in sorted(days)
    ]


def _on_days(days: list[date], at: time) -> list[Trigger]:
    """A job that runs on given dates: its weekdays at ``at``, labelled with the dates themselves."""
    if not days:
        return []
    weekdays = tuple(sorted({WEEKDAYS[d.weekday()] for d in days}, key=WEEKDAYS.index))
    label = "on " + ", ".join(d.isoformat() for d in days)
    return [Trigger(label, Schedule(at, weekdays, None), True, None)]


def _reflections(program: Program) -> list[Trigger]:
    cfg = program.voices.reflections
    return _on_days(cfg.dates(program.start_date), cfg.time)


def _post_survey(program: Program) -> list[Trigger]:
    cfg = program.voices.post_survey
    return _on_days([cfg.date(program.start_date)], cfg.time)


def _exception_expiry(program: Program) -> list[Trigger]:
    cfg = program.review_quality
    schedule = Schedule(cfg.expiry_check_time, ("mon", "tue", "wed", "thu", "fri"), None)
    return [Trigger("", schedule, False, timedelta(minutes=cfg.expiry_grace_minutes))]


CATALOGUE: tuple[JobSpec, ...] = (
    JobSpec("announcements", announcements.run, _announcements, "program announcements to their channels"),
    JobSpec("daily-sync", daily_sync.run, _daily_sync, "evening sync DMs and mentor overviews"),
    JobSpec("survey", survey.run, _survey, "the weekly survey DM"),
    JobSpec(
        "survey-reminder", survey.run_reminder, _survey_reminder, "one reminder to survey non-responders"
    ),
    JobSpec("digest", digest.run, _digest, "the PM digest in the PM channel", Start.ONCE),
    JobSpec(
        "training-checkin", training_checkin.run, _training_checkin, "check-in DMs at each training session"
    ),
    JobSpec(
        "review-reminder",
        review_reminder.run,
        _review_reminder,
        "mentors' overdue review reminders",
        Start.ONCE,
    ),
    JobSpec("reflections", reflections.run, _reflections, "the reflection-day DM to engineers"),
    JobSpec("post-survey", post_survey.run, _post_survey, "the post-switchover survey DM (week 12)"),
    JobSpec("patterns", patterns.run, _patterns, "policy proposals from live exception patterns", Start.ONCE),
    JobSpec(
        "exception-expiry",
        exception_expiry.run,
        _exception_expiry,
        "ask engineers how their expired exceptions ended",
        Start.ONCE,
    ),
)

# By name, in catalogue order (tests swap a row in with monkeypatch.setitem).
REGISTRY: dict[str, JobSpec] = {job.name: job for job in CATALOGUE}


def names() -> list[str]:
    """Every job name, in catalogue order."""
    return list(REGISTRY)


def spec(name: str) -> JobSpec:
    """The catalogue row of ``name``; UnknownJob lists the names there are."""
    found = REGISTRY.get(name)
    if found is None:
        raise UnknownJob(f"unknown job {name!r}; jobs are: {', '.join(REGISTRY)}")
    return found


def triggers(program: Program, name: str) -> list[Trigger]:
    """The triggers of ``name`` under this program's config."""
    return spec(name).trigger(program)


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
