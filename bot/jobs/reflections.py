"""The `reflections` job: the reflection-day DM to every engineer, at the program's time, their local time.

Reflection days come from the program file (``voices.reflections.days``: weeks mean
their Friday). Each DM is one ledger row keyed ``(reflections, person, day)``; it may go
out late until the end of that local day, after which it is recorded as missed (the
form stays open from App Home until that week's Sunday).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.domain.vocab import ENGINEERS
from bot.domain.weeks import end_of_day
from bot.flows.reflections import reflection_dm
from bot.jobs.plan import Due, Schedule, apply, load_recipients, plan_people
from bot.program import WEEKDAYS, Program

if TYPE_CHECKING:
    from bot.deps import Deps

JOB = "reflections"


def schedule_of(program: Program) -> Schedule:
    """Every day at the reflection time; the run keeps only the reflection days (they are dates)."""
    return Schedule(program.voices.reflections.time, WEEKDAYS, None)


def _plan(deps: Deps, at: datetime) -> list[Due]:
    program = deps.program
    days = set(program.voices.reflections.dates(program.start_date))
    with transaction(deps.sessions) as session:
        people = load_recipients(session=session, program=program, roles=ENGINEERS)
    dues = plan_people(
        recipients=people,
        program=program,
        schedule=schedule_of(program),
        at=at,
        period_of=lambda occ: occ.local_date.isoformat(),
        grace_of=lambda occ, tz: end_of_day(occ.local_date, tz),
    )
    return [d for d in dues if d.local_date in days]


def run(*, deps: Deps, at: datetime) -> int:
    """Enqueue the reflection DMs due by ``at``; returns how many were enqueued."""

    def build(_session: Session, dues: list[Due]) -> list[dict[str, Any]]:
        return [reflection_dm(program=deps.program, channel=d.recipient, day=d.local_date) for d in dues]

    return apply(deps=deps, job=JOB, dues=_plan(deps, at), build=build, now=deps.clock.now()).enqueued
