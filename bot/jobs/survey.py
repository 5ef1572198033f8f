"""The `survey` and `survey-reminder` jobs: the Friday survey DM and one nudge to non-responders.

The survey goes to engineers and pilots at ``schedule.survey.time`` on
``schedule.survey.day`` in their own timezone, during the configured phases;
it may go out late until the end of that day (their local midnight), after which
it is recorded as missed. The reminder goes once, at ``reminder_time``, only to
people who were sent the survey and have not answered that ISO week; the others
get a 'skipped' ledger row saying why.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.domain.deliveries import statuses
from bot.domain.surveys import responders
from bot.domain.vocab import ENGINEERS
from bot.domain.weeks import end_of_day, iso_week
from bot.flows.survey import survey_dm, survey_reminder
from bot.jobs.plan import Due, Schedule, apply, load_recipients, plan_people

if TYPE_CHECKING:
    from bot.deps import Deps

JOB = "survey"
REMINDER_JOB = "survey-reminder"


def _plan(deps: Deps, at: datetime, *, reminder: bool) -> list[Due]:
    cfg = deps.program.schedule.survey
    schedule = Schedule(
        cfg.reminder_time if reminder else cfg.time, (cfg.day,), tuple(p.value for p in cfg.phases)
    )
    with transaction(deps.sessions) as session:
        people = load_recipients(session=session, program=deps.program, roles=ENGINEERS)
    return plan_people(
        recipients=people,
        program=deps.program,
        schedule=schedule,
        at=at,
        period_of=lambda occ: iso_week(occ.local_date),
        grace_of=lambda occ, tz: end_of_day(occ.local_date, tz),
    )


def run(*, deps: Deps, at: datetime) -> int:
    """Enqueue the survey DMs due by ``at``; returns how many were enqueued."""

    def build(_session: Session, dues: list[Due]) -> list[dict[str, Any]]:
        return [survey_dm(program=deps.program, channel=due.recipient, week=due.period) for due in dues]

    dues = _plan(deps, at, reminder=False)
    return apply(deps=deps, job=JOB, dues=dues, build=build, now=deps.clock.now()).enqueued


def _only_non_responders(session: Session, dues: list[Due]) -> list[Due]:
    """Turn reminders for people who answered, or who never got the survey, into skips."""
    out: list[Due] = []
    weeks = {d.period for d in dues}
    answered = {week: responders(session=session, week=week) for week in weeks}
    sent = statuses(session=session, job=JOB, periods=sorted(weeks))
    for due in dues:
        if due.action != "send":
            out.append(due)
            continue
        assert due.person is not None
        status = sent.get((due.recipient, due.period))
        if due.person.person_id in answered[due.period]:
            out.append(due.skipped("already answered"))
        elif status != "sent":
            out.append(due.skipped(f"survey was not sent ({status or 'no survey this week'})"))
        else:
            out.append(due)
    return out


def run_reminder(*, deps: Deps, at: datetime) -> int:
    """Enqueue the one reminder to each non-responder due by ``at``; returns how many were enqueued."""

    def build(_session: Session, dues: list[Due]) -> list[dict[str, Any]]:
        return [survey_reminder(program=deps.program, channel=due.recipient, week=due.period) for due in dues]

    dues = _plan(deps, at, reminder=True)
    if not dues:
        return 0
    with transaction(deps.sessions) as session:
        dues = _only_non_responders(session, dues)
    return apply(deps=deps, job=REMINDER_JOB, dues=dues, build=build, now=deps.clock.now()).enqueued
