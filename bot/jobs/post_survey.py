"""The `post-survey` job: the post-switchover survey DM to engineers, mentors and leads.

Sent once, on ``voices.post_survey.day`` (default: Friday of program week 12) at its
time in each person's own timezone; it may go out late until the end of that local day.
Ledger rows are keyed ``(post-survey, person, ISO week)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.domain.post_survey import RESPONDENTS
from bot.domain.weeks import end_of_day, iso_week
from bot.flows.post_survey import post_survey_dm
from bot.jobs.plan import Due, Schedule, apply, load_recipients, plan_people
from bot.program import WEEKDAYS, Program

if TYPE_CHECKING:
    from bot.deps import Deps

JOB = "post-survey"


def schedule_of(program: Program) -> Schedule:
    """Every day at the survey's time; the run keeps only the survey's day."""
    return Schedule(program.voices.post_survey.time, WEEKDAYS, None)


def _plan(deps: Deps, at: datetime) -> list[Due]:
    program = deps.program
    day = program.voices.post_survey.date(program.start_date)
    with transaction(deps.sessions) as session:
        people = load_recipients(session=session, program=program, roles=RESPONDENTS)
    dues = plan_people(
        recipients=people,
        program=program,
        schedule=schedule_of(program),
        at=at,
        period_of=lambda occ: iso_week(occ.local_date),
        grace_of=lambda occ, tz: end_of_day(occ.local_date, tz),
    )
    return [d for d in dues if d.local_date == day]


def run(*, deps: Deps, at: datetime) -> int:
    """Enqueue the post-switchover survey DMs due by ``at``; returns how many were enqueued."""

    def build(_session: Session, dues: list[Due]) -> list[dict[str, Any]]:
        return [post_survey_dm(program=deps.program, channel=d.recipient, week=d.period) for d in dues]

    return apply(deps=deps, job=JOB, dues=_plan(deps, at), build=build, now=deps.clock.now()).enqueued
