"""Pure trigger maths: when a local-time schedule falls due, as UTC instants.

Every scheduled send is "at HH:MM local time on certain weekdays" for someone
(a person's Slack timezone, or the program's). These functions turn that into
UTC instants and ledger periods without touching a clock or a database, so
they can be tested exhaustively, daylight-saving weeks included.

Daylight saving, decided deliberately:

* A **nonexistent** local time (inside the spring-forward gap, e.g. 02:30 on
  the night clocks jump from 02:00 to 03:00) is moved **forward by the length
  of the gap** (02:30 → 03:30 new time). The send still happens that day, once.
* An **ambiguous** local time (inside the fall-back overlap, e.g. 01:30 when
  clocks go from 02:00 back to 01:00) means its **first** occurrence (the
  earlier instant, still on summer time). It is never sent twice.

Both follow from computing each occurrence from the *local date* (one per
date) with PEP 495 ``fold=0``; nothing here adds 24 hours to a UTC instant, so
a 17:45 sync stays at 17:45 on both sides of a transition.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Occurrence:
    """One firing of a local-time schedule: the local date it belongs to and its UTC instant."""

    local_date: date
    due_at: datetime  # aware, UTC


def weekday_name(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``at`` on ``day`` in ``tz`` (gap: forward; overlap: first)."""
    naive = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    # fold=0 makes zoneinfo use the offset in force *before* a transition: for a time in the
    # gap that yields wall time + gap length; for a time in the overlap, the earlier instant.
    return naive.replace(tzinfo=tz).astimezone(UTC)


def local_date_of(instant: datetime, tz: ZoneInfo) -> date:
    """The calendar date in ``tz`` at a UTC instant."""
    return instant.astimezone(tz).date()


def _dates(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def occurrences(
    *,
    tz: ZoneInfo,
    at: time,
    days: Collection[str],
    start: datetime,
    end: datetime,
) -> list[Occurrence]:
    """Every firing of "``at`` local on ``days``" with ``start < due_at <= end``, in order."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("occurrences() needs aware datetimes")
    wanted = {d[:3].lower() for d in days}
    out: list[Occurrence] = []
    # One day of slack either side: a UTC window can straddle local dates in any timezone.
    for day in _dates(
        local_date_of(start, tz) - timedelta(days=1), local_date_of(end, tz) + timedelta(days=1)
    ):
        if weekday_name(day) not in wanted:
            continue
        due = local_instant(day, at, tz)
        if start < due <= end:
            out.append(Occurrence(day, due))
    return out


def next_occurrence(
    *, tz: ZoneInfo, at: time, days: Collection[str], after: datetime, horizon_days: int = 370
) -> Occurrence | None:
    """The first firing strictly after ``after`` (None when ``days`` is empty or too far)."""
    window = occurrences(tz=tz, at=at, days=days, start=after, end=after + timedelta(days=8))
    if window:
        return window[0]
    if horizon_days <= 8:
        return None
    return next_occurrence(
        tz=tz, at=at, days=days, after=after + timedelta(days=8), horizon_days=horizon_days - 8
    )
