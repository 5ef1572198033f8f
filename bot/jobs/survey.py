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

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.domain.surveys import responders
from bot.domain.vocab import ENGINEERS
from bot.domain.weeks import end_of_day, iso_week
from bot.jobs.plan import Due, Schedule, apply, load_recipients, plan_people
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.survey import survey_dm_blocks, survey_reminder_blocks

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
    minimum = deps.program.thresholds.survey_anonymity_min
    questions = len(deps.program.survey.questions)

    def build(_session: Session, dues: list[Due]) -> list[dict[str, Any]]:
        return [
            {
                "channel": due.recipient,
                "text": f"Weekly survey {due.period}: {questions} quick questions",
                "blocks": to_dicts(survey_dm_blocks(week=due.period, questions=questions, minimum=minimum)),
            }
            for due in dues
        ]

    dues = _plan(deps, at, reminder=False)
    return apply(deps=deps, job=JOB, dues=dues, build=build, now=deps.clock.now()).enqueued


def _only_non_responders(session: Session, dues: list[Due]) -> list[Due]:
    """Turn reminders for people who answered, or who never got the survey, into skips."""
    out: list[Due] = []
    weeks = {d.period for d in dues}
    answered = {week: responders(session=session, week=week) for week in weeks}
    sent = {
        (d.recipient, d.period): d.status
        for d in session.execute(
            select(Delivery).where(Delivery.job == JOB, Delivery.period.in_(sorted(weeks)))
        ).scalars()
    }
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
    minimum = deps.program.thresholds.survey_anonymity_min

    def build(_session: Session, dues: list[Due]) -> list[dict[str, Any]]:
        return [
            {
                "channel": due.recipient,
                "text": f"Reminder: the weekly survey {due.period} closes at the end of today",
                "blocks": to_dicts(survey_reminder_blocks(week=due.period, minimum=minimum)),
            }
            for due in dues
        ]

    dues = _plan(deps, at, reminder=True)
    if not dues:
        return 0
    with transaction(deps.sessions) as session:
        dues = _only_non_responders(session, dues)
    return apply(deps=deps, job=REMINDER_JOB, dues=dues, build=build, now=deps.clock.now()).enqueued
