"""Reading an expiry date from an approval's free-text "Conditions, rollback and expiry".

The form keeps conditions as free text (changing that would break every existing form
and test), so the register reads the common ways people write an expiry and stores a
date; anything else is registered as "no expiry given" rather than guessed at.

Understood, anywhere in the text (the earliest one wins), relative to when the decision
was made, in the program's timezone:

* an ISO date: ``until 2026-12-01``;
* a span: ``expires in 48 h``, ``for 3 days``, ``within 2 weeks``;
* ``tomorrow``, ``end of day`` / ``EOD``, ``end of week`` (that Friday);
* a weekday after expires / until / by / through / on: ``expires Friday`` (the next one);
* a day and month: ``Dec 5``, ``5 December`` (this year, or next if already past).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(mon|tue|wed|thu|fri|sat|sun)[a-z]*"
_UNIT_HOURS = {"h": 1, "d": 24, "w": 24 * 7}

Reader = Callable[[re.Match[str], datetime], date | None]


def _iso(match: re.Match[str], start: datetime) -> date | None:
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _span(match: re.Match[str], start: datetime) -> date | None:
    amount, unit = int(match.group(1)), match.group(2)[0].lower()
    return (start + timedelta(hours=amount * _UNIT_HOURS[unit])).date()


def _weekday(match: re.Match[str], start: datetime) -> date | None:
    wanted = _DAYS.index(match.group(1).lower()[:3])
    ahead = (wanted - start.weekday()) % 7 or 7
    return start.date() + timedelta(days=ahead)


def _day_month(day: int, month: int, start: datetime) -> date | None:
    for year in (start.year, start.year + 1):
        try:
            found = date(year, month, day)
        except ValueError:
            return None
        if found >= start.date():
            return found
    return None


def _month_day(match: re.Match[str], start: datetime) -> date | None:
    return _day_month(int(match.group(2)), _MONTHS.index(match.group(1).lower()[:3]) + 1, start)


def _day_of_month(match: re.Match[str], start: datetime) -> date | None:
    return _day_month(int(match.group(1)), _MONTHS.index(match.group(2).lower()[:3]) + 1, start)


def _fixed(days: int | None) -> Reader:
    def read(match: re.Match[str], start: datetime) -> date | None:
        if days is None:  # end of week: the Friday of that week (or the day itself at a weekend)
            return start.date() + timedelta(days=max(0, 4 - start.weekday()))
        return start.date() + timedelta(days=days)

    return read


PATTERNS: tuple[tuple[re.Pattern[str], Reader], ...] = (
    (re.compile(r"\b(\d{4}-\d{2}-\d{2})\b"), _iso),
    (
        re.compile(r"\b(?:in|for|within|after)\s+(\d{1,3})\s*(h|hrs?|hours?|d|days?|w|wks?|weeks?)\b", re.I),
        _span,
    ),
    (re.compile(r"\btomorrow\b", re.I), _fixed(1)),
    (re.compile(r"\b(?:end of (?:the )?day|eod|end of today)\b", re.I), _fixed(0)),
    (re.compile(r"\b(?:end of (?:the )?week|eow)\b", re.I), _fixed(None)),
    (
        re.compile(
            rf"\b(?:expires?|expiry|until|till|by|through|thru|on|ends?)\s+(?:next\s+)?{_WEEKDAY}\b", re.I
        ),
        _weekday,
    ),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.I), _month_day),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:\b|$)", re.I), _day_of_month),
)


def parse_expiry(text: str | None, *, decided_at: datetime, tz: ZoneInfo) -> tuple[date | None, str | None]:
    """The expiry date the text names and the words it was read from, or ``(None, None)``."""
    if not text:
        return None, None
    start = decided_at.astimezone(tz)
    found: list[tuple[int, date, str]] = []
    for pattern, read in PATTERNS:
        for match in pattern.finditer(text):
            day = read(match, start)
            if day is not None:
                found.append((match.start(), day, match.group(0)))
                break
    if not found:
        return None, None
    _, day, words = min(found, key=lambda item: item[0])
    return day, words[:200]
