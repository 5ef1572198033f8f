"""ISO weeks and local date ranges in a timezone, as half-open UTC intervals."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import DomainError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_of(moment: datetime, tz: ZoneInfo) -> str:
    """The ISO week (YYYY-Www) that ``moment`` falls in, in ``tz``."""
    year, week, _ = moment.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value: str) -> date:
    """The Monday of an ISO week written YYYY-Www; a DomainError names the problem."""
    match = _WEEK.match(value.strip())
    if not match:
        raise DomainError(f"{value!r} is not an ISO week; write it like 2026-W47.")
    try:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise DomainError(f"{value!r} is not a week that exists.") from None


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """Local midnight at the start of ``day``, in UTC."""
    return datetime.combine(day, time.min, tz).astimezone(UTC)


def days_range(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[first 00:00, last+1 00:00) local, in UTC; ``last`` is inclusive."""
    if last < first:
        raise DomainError(f"The range ends ({last}) before it starts ({first}).")
    return day_start(first, tz), day_start(last + timedelta(days=1), tz)


def week_range(week: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The ISO week as [Monday 00:00, next Monday 00:00) local, in UTC."""
    monday = parse_week(week)
    return days_range(monday, monday + timedelta(days=6), tz)
