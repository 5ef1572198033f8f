"""Whose clock a send follows: the person's Slack timezone, else the roster's, else the program's.

Slack's ``users.info`` ``tz`` is the best source (people travel and change it),
so it is cached on ``Person.slack_tz`` and refreshed at most daily by the
scheduler (:mod:`bot.jobs.timezones`); the roster's ``timezone`` column and then
the program timezone are fallbacks for people Slack has not told us about, or
whose zone name is not one we know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.db.models import Person

REFRESH_AFTER = timedelta(hours=24)


@lru_cache(maxsize=512)
def zone_or_none(name: str) -> ZoneInfo | None:
    """The zone called ``name``, or None when it is not a valid IANA name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class ResolvedTz:
    zone: ZoneInfo
    source: str  # slack | roster | program


def resolve_tz(*, slack_tz: str | None, roster_tz: str | None, program_tz: str) -> ResolvedTz:
    """The first valid zone of Slack's, the roster's and the program's (pure)."""
    for name, source in ((slack_tz, "slack"), (roster_tz, "roster")):
        zone = zone_or_none(name) if name else None
        if zone is not None:
            return ResolvedTz(zone, source)
    zone = zone_or_none(program_tz)
    if zone is None:
        raise ValueError(f"program timezone {program_tz!r} is not a valid IANA zone")
    return ResolvedTz(zone, "program")


def person_zone(person: Person, program_tz: str) -> ZoneInfo:
    return resolve_tz(slack_tz=person.slack_tz, roster_tz=person.timezone, program_tz=program_tz).zone


def local_today(person: Person, program_tz: str, now: datetime) -> date:
    """The calendar date where ``person`` is, at ``now``."""
    return now.astimezone(person_zone(person, program_tz)).date()


def stale_people(*, session: Session, now: datetime, limit: int) -> list[str]:
    """Slack ids of active people whose cached Slack timezone is missing or older than a day."""
    return list(
        session.execute(
            select(Person.slack_user_id)
            .where(
                Person.status == "active",
                or_(Person.slack_tz_checked_at.is_(None), Person.slack_tz_checked_at < now - REFRESH_AFTER),
            )
            .order_by(Person.slack_tz_checked_at.is_(None).desc(), Person.slack_tz_checked_at, Person.id)
            .limit(limit)
        ).scalars()
    )


def store_tz(*, session: Session, now: datetime, slack_user_id: str, tz: str | None) -> None:
    """Cache what Slack said (None: Slack has no zone for them; the fallbacks apply)."""
    person = session.execute(select(Person).where(Person.slack_user_id == slack_user_id)).scalar_one_or_none()
    if person is not None:
        person.slack_tz = tz if tz and zone_or_none(tz) else None
        person.slack_tz_checked_at = now
