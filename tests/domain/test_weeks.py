"""ISO weeks in the program timezone: labels, UTC bounds, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import DomainError
from bot.domain.weeks import parse_week, previous, week_of, weeks_between

NY = ZoneInfo("America/New_York")


def test_label_bounds_and_forms() -> None:
    week = parse_week("2026-W47", NY)
    assert (week.label, week.monday, week.span_text()) == ("2026-W47", date(2026, 11, 16), "Nov 16–22")
    assert week.start == datetime(2026, 11, 16, 5, tzinfo=UTC)
    assert week.end == datetime(2026, 11, 23, 5, tzinfo=UTC)
    assert parse_week("2026w47", NY) == week
    assert previous(week, NY).label == "2026-W46"
    assert parse_week("2026-W53", NY).span_text() == "Dec 28 – Jan 3"


def test_week_of_uses_local_time() -> None:
    assert week_of(datetime(2026, 11, 16, 4, 59, tzinfo=UTC), NY).label == "2026-W46"  # Sun 23:59 NY
    assert week_of(datetime(2026, 11, 16, 5, 0, tzinfo=UTC), NY).label == "2026-W47"


def test_a_dst_week_is_169_hours_and_its_days_follow_local_midnight() -> None:
    week = parse_week("2026-W44", NY)  # DST ends Sunday Nov 1, 2026
    assert week.end - week.start == timedelta(hours=169)
    days = week.day_bounds(NY)
    assert days[-1][2] - days[-1][1] == timedelta(hours=25)
    assert days[0][1] == week.start and days[-1][2] == week.end


def test_bad_weeks_name_the_problem() -> None:
    with pytest.raises(DomainError, match="week: 'W47' is not an ISO week"):
        parse_week("W47", NY)
    with pytest.raises(DomainError, match="week: 2027 has no ISO week 53"):
        parse_week("2027-W53", NY)
    assert [w.label for w in weeks_between(parse_week("2026-W52", NY), parse_week("2027-W02", NY), NY)] == [
        "2026-W52",
        "2026-W53",
        "2027-W01",
        "2027-W02",
    ]
