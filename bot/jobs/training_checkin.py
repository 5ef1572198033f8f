"""The `training-checkin` job: at each training session's start, a check-in DM to every engineer.

Sessions come from ``program.training.sessions`` at program-local times (the cohort meets
together, so the program's clock rules, not each person's). Each (engineer, session) is one
ledger row keyed ``(training-checkin, engineer, session id)``: sent once, skipped for leavers
and people out of office that day, and recorded as missed if no run saw it before the
session ended (a check-in for a finished session would only be refused).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.domain.training import PlannedSession, planned_sessions
from bot.domain.vocab import ENGINEERS
from bot.flows.training import CHECKIN_JOB, checkin_payload
from bot.jobs.plan import LOOKBACK, Due, Recipient, apply, classify, load_recipients
from bot.jobs.triggers import Occurrence

if TYPE_CHECKING:
    from bot.deps import Deps

JOB = CHECKIN_JOB


def plan(*, sessions: list[PlannedSession], engineers: list[Recipient], at: datetime) -> list[Due]:
    """One row per engineer for every session that started by ``at`` (pure)."""
    dues: list[Due] = []
    for planned in sessions:
        start = planned.start.astimezone(UTC)
        if not (at - LOOKBACK < start <= at):
            continue
        occurrence = Occurrence(planned.day, start)
        for person in engineers:
            if start < person.created_at:
                continue  # not on the roster yet when the session began
            dues.append(
                classify(
                    recipient=person.slack_user_id,
                    occurrence=occurrence,
                    period=planned.id,
                    grace_until=planned.end.astimezone(UTC),
                    at=at,
                    person=person,
                )
            )
    return dues


def run(*, deps: Deps, at: datetime) -> int:
    """Enqueue the check-ins of every session that has started by ``at``; returns how many."""
    program = deps.program
    sessions = planned_sessions(program)
    by_id = {s.id: s for s in sessions}
    if not any(at - LOOKBACK < s.start <= at for s in sessions):
        return 0  # most ticks: no session starting, no database work
    with transaction(deps.sessions) as session:
        engineers = load_recipients(session=session, program=program, roles=ENGINEERS)

    def build(_session: Session, dues: list[Due]) -> list[dict[str, Any]]:
        return [checkin_payload(program=program, channel=d.recipient, planned=by_id[d.period]) for d in dues]

    dues = plan(sessions=sessions, engineers=engineers, at=at)
    return apply(deps=deps, job=JOB, dues=dues, build=build, now=deps.clock.now()).enqueued
