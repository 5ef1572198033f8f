"""What scheduled work reads: who a fan-out goes to, where the roster lives, the ledger as reported.

The repository behind :mod:`bot.jobs.plan` (recipients) and ``casebook jobs``
(timezones for "next run", what a run created, the status report).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import Delivery, Person, PersonRole
from bot.domain.timezones import person_zone


def people_with_roles(*, session: Session, roles: Collection[str]) -> list[Person]:
    """Everyone holding one of ``roles``, leavers included, in id order."""
    holders = select(PersonRole.person_id).where(PersonRole.role.in_(list(roles)))
    return list(session.execute(select(Person).where(Person.id.in_(holders)).order_by(Person.id)).scalars())


def active_zones(*, session: Session, program_tz: str) -> set[ZoneInfo]:
    """The timezones active people's local-time sends follow."""
    people = session.execute(select(Person).where(Person.status == "active")).scalars()
    return {person_zone(p, program_tz) for p in people}


def last_delivery_id(*, session: Session) -> int:
    """The newest ledger row's id (0 when empty): what a run creates comes after it."""
    return int(session.execute(select(func.coalesce(func.max(Delivery.id), 0))).scalar_one())


def counts_since(*, session: Session, since_id: int) -> Counter[tuple[str, str]]:
    """Ledger rows after ``since_id``, counted by (job, status)."""
    rows = session.execute(
        select(Delivery.job, Delivery.status, func.count())
        .where(Delivery.id > since_id)
        .group_by(Delivery.job, Delivery.status)
    ).all()
    return Counter({(job, status): count for job, status, count in rows})


def _period_filter(period: str) -> Any:
    # A day or week period also matches keys that carry it (``office-hours:2026-11-16``, ``2026-W47#2``).
    return or_(
        Delivery.period == period,
        Delivery.period.endswith(f":{period}"),
        Delivery.period.startswith(f"{period}#"),
    )


def report_rows(
    *, session: Session, since: datetime, period: str | None = None, job: str | None = None
) -> list[Delivery]:
    """Ledger rows due since ``since`` (or of ``period``), optionally of one job, in due order."""
    query = select(Delivery).where(_period_filter(period) if period else Delivery.due_at >= since)
    if job:
        query = query.where(Delivery.job == job)
    return list(session.execute(query.order_by(Delivery.due_at, Delivery.job, Delivery.recipient)).scalars())


def rows_since(*, session: Session, since_id: int) -> list[dict[str, Any]]:
    """What one run created (ledger rows after ``since_id``), in due order, as plain data."""
    rows = session.execute(
        select(Delivery).where(Delivery.id > since_id).order_by(Delivery.due_at, Delivery.id)
    ).scalars()
    return [
        {
            "job": d.job,
            "recipient": d.recipient,
            "status": d.status,
            "due_at": d.due_at,
            "grace_until": d.grace_until,
            "reason": d.last_error,
        }
        for d in rows
    ]
