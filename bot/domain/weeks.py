"""ISO weeks and local days, as half-open UTC intervals for SQL: the one place for both.

A week ``2026-W47`` runs from Monday 00:00 to the next Monday 00:00 *program-local*
time; its UTC bounds are computed through the timezone so a DST change inside the week
is honoured (that week is 167 or 169 hours long). Every metric filters with
``start <= t < end`` so that no moment belongs to two weeks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from bot.domain.errors import DomainError

_LABEL = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The UTC instant at which ``day`` begins in ``tz`` (a midnight in a DST gap moves forward)."""
    # fold=0 makes zoneinfo use the offset in force before a transition, so a nonexistent
    # midnight becomes wall time + gap length, and an ambiguous one its first occurrence.
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def end_of_day(day: date, tz: tzinfo) -> datetime:
    """Local midnight at the end of ``day`` (the start of the next day) as a UTC instant."""
    return local_midnight(day + timedelta(days=1), tz)


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """``[start, end)`` of a local calendar day as UTC instants (local midnights; DST-safe)."""
    return local_midnight(day, tz), end_of_day(day, tz)


def days_range(first: date, last: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[first 00:00, last+1 00:00) local, in UTC; ``last`` is inclusive."""
    if last < first:
        raise DomainError(f"The range ends ({last}) before it starts ({first}).")
    return local_midnight(first, tz), end_of_day(last, tz)


def iso_week(day: date) -> str:
    """``YYYY-Www`` for a date (ISO 8601 week numbering)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_label(moment: datetime, tz: ZoneInfo) -> str:
    """The ISO week (YYYY-Www) that ``moment`` falls in, in ``tz``."""
    return iso_week(moment.astimezone(tz).date())


def parse_iso_week(value: str) -> tuple[int, int]:
    """(year, week) from ``YYYY-Www``; ValueError names the expected format."""
    try:
        year_s, week_s = value.split("-W")
        year, week = int(year_s), int(week_s)
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO week (use YYYY-Www, e.g. 2026-W47)") from None
    return year, week


def week_monday(value: str) -> date:
    """The Monday of ``YYYY-Www`` (ValueError when it is not one)."""
    year, week = parse_iso_week(value)
    return date.fromisocalendar(year, week, 1)


@dataclass(frozen=True)
class Week:
    """One ISO week: its label, its Monday, and its UTC bounds ``[start, end)``."""

    year: int
    number: int
    monday: date
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def day_bounds(self, tz: ZoneInfo) -> list[tuple[date, datetime, datetime]]:
        """The week's seven local days with each one's UTC ``[start, end)``."""
        days = [self.monday + timedelta(days=i) for i in range(8)]
        return [(days[i], local_midnight(days[i], tz), local_midnight(days[i + 1], tz)) for i in range(7)]

    def span_text(self) -> str:
        """E.g. ``Nov 16–22`` or ``Dec 28 – Jan 3``."""
        if self.monday.month == self.sunday.month:
            return f"{self.monday:%b} {self.monday.day}–{self.sunday.day}"
        return f"{self.monday:%b} {self.monday.day} – {self.sunday:%b} {self.sunday.day}"


def week_from_monday(monday: date, tz: ZoneInfo) -> Week:
    year, number, _ = monday.isocalendar()
    return Week(
        year=year,
        number=number,
        monday=monday,
        start=local_midnight(monday, tz),
        end=local_midnight(monday + timedelta(days=7), tz),
    )


def week_of_date(day: date, tz: ZoneInfo) -> Week:
    return week_from_monday(day - timedelta(days=day.weekday()), tz)


def week_of(moment: datetime, tz: ZoneInfo) -> Week:
    """The week containing ``moment`` (an aware datetime) in the program timezone."""
    if moment.tzinfo is None:
        raise ValueError("week_of needs an aware datetime")
    return week_of_date(moment.astimezone(tz).date(), tz)


def parse_week(text: str, tz: ZoneInfo) -> Week:
    """``YYYY-Www`` (also ``YYYYWww``, any case) → Week; a clear error names the problem."""
    match = _LABEL.match(text.strip())
    if not match:
        raise DomainError(f"week: {text.strip()!r} is not an ISO week (use YYYY-Www, e.g. 2026-W47)")
    year, number = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise DomainError(f"week: {year} has no ISO week {number}") from None
    return week_from_monday(monday, tz)


def previous(week: Week, tz: ZoneInfo) -> Week:
    return week_from_monday(week.monday - timedelta(days=7), tz)


def weeks_between(first: Week, last: Week, tz: ZoneInfo) -> list[Week]:
    """Every week from ``first`` to ``last`` inclusive (empty when ``last`` is earlier)."""
    out: list[Week] = []
    monday = first.monday
    while monday <= last.monday:
        out.append(week_from_monday(monday, tz))
        monday += timedelta(days=7)
    return out


def week_range(label: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The ISO week ``label`` as [Monday 00:00, next Monday 00:00) local, in UTC."""
    week = parse_week(label, tz)
    return week.start, week.end
