"""The `daily-sync` job: the evening DM to each engineer, then one overview per mentor.

Engineers (roles engineer or pilot) get a DM at ``schedule.daily_sync.time`` in
their own timezone on the configured days and phases, inside a
``grace_minutes`` window. Each mentor gets one ``sync-summary`` message per day
covering all their mentees: it falls due ``SUMMARY_DELAY`` after the last of
that day's mentee syncs (so everyone has been asked, whatever their timezone),
lists who answered, their blockers, and who has not answered yet; answers that
arrive later update that same message (``sync-summary-update``, a ``chat.update``
through the ledger) instead of sending another one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.domain.people import mentor_pairs, people_by_id
from bot.domain.vocab import ENGINEERS
from bot.flows.sync_notify import SUMMARY_JOB, SyncAsk, summary_payloads, sync_dm_payloads
from bot.jobs.plan import (
    LOOKBACK,
    Due,
    Recipient,
    Schedule,
    apply,
    classify,
    load_recipients,
    plan_people,
    recipient_of,
    scheduled,
)
from bot.jobs.triggers import Occurrence

if TYPE_CHECKING:
    from bot.deps import Deps

JOB = "daily-sync"
SUMMARY_DELAY = timedelta(minutes=60)


def schedule_of(deps: Deps) -> Schedule:
    cfg = deps.program.schedule.daily_sync
    return Schedule(cfg.time, tuple(cfg.days), tuple(p.value for p in cfg.phases))


def _grace(deps: Deps) -> timedelta:
    return timedelta(minutes=deps.program.schedule.daily_sync.grace_minutes)


def build_dms(session: Session, dues: list[Due]) -> list[dict[str, Any]]:
    """The DMs for these dues, built by the sync flow."""
    return sync_dm_payloads(session=session, asks=[_ask(due) for due in dues])


def _ask(due: Due) -> SyncAsk:
    assert due.person is not None
    person = due.person
    return SyncAsk(
        person_id=person.person_id, name=person.name, channel=due.recipient, tz=person.tz, day=due.local_date
    )


def plan_summaries(
    *,
    engineers: list[Recipient],
    mentors: dict[int, Recipient],
    pairs: dict[int, int],
    program_schedule: Schedule,
    deps: Deps,
    at: datetime,
) -> list[Due]:
    """One overview per mentor and mentee-day, due an hour after that day's last mentee sync."""
    last: dict[tuple[int, date], datetime] = {}
    grace = _grace(deps)
    for person in engineers:
        mentor_id = pairs.get(person.person_id)
        if mentor_id is None or mentor_id not in mentors:
            continue
        occs = scheduled(
            program=deps.program,
            schedule=program_schedule,
            tz=person.tz,
            start=at - LOOKBACK - SUMMARY_DELAY,
            end=at + timedelta(days=1),
        )
        for occ in occs:
            asked = classify(
                recipient=person.slack_user_id,
                occurrence=occ,
                period="",
                grace_until=occ.due_at,
                at=occ.due_at,
                person=person,
            )
            if asked.action == "skip" or occ.due_at < person.created_at:
                continue
            key = (mentor_id, occ.local_date)
            last[key] = max(last.get(key, occ.due_at), occ.due_at)
    dues = []
    for (mentor_id, day), latest in sorted(last.items()):
        due_at = latest + SUMMARY_DELAY
        if not (at - LOOKBACK < due_at <= at):
            continue
        mentor = mentors[mentor_id]
        occurrence = Occurrence(day, due_at)
        dues.append(
            classify(
                recipient=mentor.slack_user_id,
                occurrence=occurrence,
                period=day.isoformat(),
                grace_until=due_at + grace,
                at=at,
                person=mentor,
            )
        )
    return dues


def run(*, deps: Deps, at: datetime) -> int:
    """Enqueue every sync DM and mentor overview due by ``at``; returns how many were enqueued."""
    schedule = schedule_of(deps)
    grace = _grace(deps)
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        engineers = load_recipients(session=session, program=deps.program, roles=ENGINEERS)
        pairs = mentor_pairs(session=session)
        mentor_people = people_by_id(session=session, ids=pairs.values())
        mentors = {m.id: recipient_of(m, deps.program) for m in mentor_people}
    dues = plan_people(
        recipients=engineers,
        program=deps.program,
        schedule=schedule,
        at=at,
        period_of=lambda occ: occ.local_date.isoformat(),
        grace_of=lambda occ, _tz: occ.due_at + grace,
    )
    result = apply(deps=deps, job=JOB, dues=dues, build=build_dms, now=now)
    summaries = plan_summaries(
        engineers=engineers, mentors=mentors, pairs=pairs, program_schedule=schedule, deps=deps, at=at
    )

    def build_summaries(session: Session, sends: list[Due]) -> list[dict[str, Any]]:
        asks = []
        for due in sends:
            assert due.person is not None
            asks.append((due.person.person_id, due.local_date))
        return summary_payloads(session=session, asks=asks, program_tz=deps.program.timezone)

    result += apply(deps=deps, job=SUMMARY_JOB, dues=summaries, build=build_summaries, now=now)
    return result.enqueued
