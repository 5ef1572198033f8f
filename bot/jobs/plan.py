"""Planning a local-time fan-out: who is due, who is skipped, what was missed — then the ledger.

A job run "as of" an instant ``at`` looks back over ``LOOKBACK`` for every
occurrence of its schedule in each recipient's own timezone. Each occurrence
becomes one ledger row keyed ``(job, recipient, period)``:

* **send**: due, inside its grace window → enqueued (the dispatcher sends it);
* **skip**: the person left or is out of office that local day → a 'skipped' row
  with the reason;
* **missed**: its grace window closed before any run saw it (downtime) → a
  'missed' row, never sent.

Keys already in the ledger are left alone, so running the same job again — a
scheduler tick, a restart, a second replica, `casebook jobs run` — adds nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.db.models import Person
from bot.domain import deliveries as ledger
from bot.domain.availability import skip_reason
from bot.domain.scheduling import people_with_roles
from bot.domain.timezones import resolve_tz
from bot.jobs.triggers import Occurrence, occurrences
from bot.program import Program

if TYPE_CHECKING:
    from bot.deps import Deps

LOOKBACK = timedelta(days=2)
CHUNK = 200


@dataclass(frozen=True)
class Recipient:
    """A person a scheduled send may go to, with the timezone their sends follow."""

    person_id: int
    slack_user_id: str
    name: str
    tz: ZoneInfo
    tz_source: str
    status: str
    ooo_until: date | None
    created_at: datetime


def recipient_of(person: Person, program: Program) -> Recipient:
    resolved = resolve_tz(slack_tz=person.slack_tz, roster_tz=person.timezone, program_tz=program.timezone)
    return Recipient(
        person_id=person.id,
        slack_user_id=person.slack_user_id,
        name=person.name,
        tz=resolved.zone,
        tz_source=resolved.source,
        status=person.status,
        ooo_until=person.ooo_until,
        created_at=person.created_at,
    )


def load_recipients(*, session: Session, program: Program, roles: Collection[str]) -> list[Recipient]:
    """Everyone holding one of ``roles`` (leavers included, so their skips are recorded)."""
    return [recipient_of(p, program) for p in people_with_roles(session=session, roles=roles)]


@dataclass(frozen=True)
class Schedule:
    """Local ``time`` on ``days`` while one of ``phases`` runs (None: while any phase runs)."""

    time: time
    days: tuple[str, ...]
    phases: tuple[str, ...] | None


def phase_ok(program: Program, day: date, phases: tuple[str, ...] | None) -> bool:
    phase = program.phase_on(day)
    return phase is not None and (phases is None or phase.value in phases)


def scheduled(
    *, program: Program, schedule: Schedule, tz: ZoneInfo, start: datetime, end: datetime
) -> list[Occurrence]:
    """Occurrences in ``(start, end]`` on days whose program phase allows them."""
    found = occurrences(tz=tz, at=schedule.time, days=schedule.days, start=start, end=end)
    return [o for o in found if phase_ok(program, o.local_date, schedule.phases)]


@dataclass(frozen=True)
class Due:
    """One planned ledger row."""

    recipient: str  # Slack user id or channel id
    local_date: date
    due_at: datetime
    period: str
    grace_until: datetime
    action: str  # send | skip | missed
    reason: str | None = None
    person: Recipient | None = None

    def skipped(self, reason: str) -> Due:
        return dataclasses.replace(self, action="skip", reason=reason)


def classify(
    *,
    recipient: str,
    occurrence: Occurrence,
    period: str,
    grace_until: datetime,
    at: datetime,
    person: Recipient | None = None,
) -> Due:
    """Send, skip (left / out of office that local day) or missed (grace window closed)."""
    base = Due(
        recipient, occurrence.local_date, occurrence.due_at, period, grace_until, "send", person=person
    )
    if person is not None:
        reason = skip_reason(
            status=person.status, ooo_until=person.ooo_until, local_day=occurrence.local_date
        )
        if reason:
            return base.skipped(reason)
    if at > grace_until:
        return dataclasses.replace(
            base, action="missed", reason="grace window passed before it could be sent"
        )
    return base


def plan_people(
    *,
    recipients: Iterable[Recipient],
    program: Program,
    schedule: Schedule,
    at: datetime,
    period_of: Callable[[Occurrence], str],
    grace_of: Callable[[Occurrence, ZoneInfo], datetime],
    lookback: timedelta = LOOKBACK,
) -> list[Due]:
    """Every occurrence due by ``at`` for each person, classified (pure: no clock, no database)."""
    dues: list[Due] = []
    for person in recipients:
        for occ in scheduled(program=program, schedule=schedule, tz=person.tz, start=at - lookback, end=at):
            if occ.due_at < person.created_at:
                continue  # not on the roster yet when it fell due: nothing owed, nothing missed
            dues.append(
                classify(
                    recipient=person.slack_user_id,
                    occurrence=occ,
                    period=period_of(occ),
                    grace_until=grace_of(occ, person.tz),
                    at=at,
                    person=person,
                )
            )
    return dues


@dataclass
class Applied:
    enqueued: int = 0
    skipped: int = 0
    missed: int = 0

    def __iadd__(self, other: Applied) -> Applied:
        self.enqueued += other.enqueued
        self.skipped += other.skipped
        self.missed += other.missed
        return self


Builder = Callable[[Session, list[Due]], list[dict[str, Any]]]


def _chunks(items: list[Due], size: int) -> Iterator[list[Due]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def new_dues(*, session: Session, job: str, dues: list[Due]) -> list[Due]:
    """The planned rows the ledger does not hold yet."""
    known = ledger.existing_keys(session=session, job=job, periods=sorted({d.period for d in dues}))
    return [d for d in dues if (d.recipient, d.period) not in known]


def apply(*, deps: Deps, job: str, dues: list[Due], build: Builder, now: datetime) -> Applied:
    """Write planned rows to the ledger in small transactions, kicking the dispatcher as it goes.

    Small transactions keep SQLite's single writer available to interactive requests
    during a large fan-out; each row is independent and idempotent, so a crash midway
    loses nothing (the next run writes the rest).
    """
    result = Applied()
    if not dues:
        return result
    with transaction(deps.sessions) as session:
        todo = new_dues(session=session, job=job, dues=dues)
    for chunk in _chunks(todo, CHUNK):
        with transaction(deps.sessions) as session:
            sends = [d for d in chunk if d.action == "send"]
            payloads = iter(build(session, sends))
            rows = []
            for due in chunk:
                row: dict[str, Any] = {
                    "job": job,
                    "recipient": due.recipient,
                    "period": due.period,
                    "due_at": due.due_at,
                    "grace_until": due.grace_until,
                }
                if due.action == "send":
                    row.update(method="chat.postMessage", payload=next(payloads))
                else:
                    # Skips and misses are rows too, so `casebook jobs status` can say why.
                    status = "skipped" if due.action == "skip" else "missed"
                    row.update(method="none", payload={}, status=status, last_error=due.reason or status)
                rows.append(row)
            created = ledger.enqueue_many(session=session, now=now, rows=rows)
        result += Applied(created["pending"], created["skipped"], created["missed"])
        if created["pending"]:
            deps.dispatcher.kick()
    return result
