"""Trigger maths as pure functions: local times, daylight-saving weeks, windows, ISO weeks."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.weeks import iso_week, parse_iso_week, week_monday
from bot.jobs.triggers import local_instant, next_occurrence, occurrences

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

# (zone, a Monday two weeks before..., the transition Sunday): the weeks either side of it.
DST_WEEKS = [
    pytest.param(NY, date(2026, 3, 2), date(2026, 3, 8), id="new-york-spring-forward"),
    pytest.param(NY, date(2026, 10, 26), date(2026, 11, 1), id="new-york-fall-back"),
    pytest.param(BERLIN, date(2026, 3, 23), date(2026, 3, 29), id="berlin-spring-forward"),
    pytest.param(BERLIN, date(2026, 10, 19), date(2026, 10, 25), id="berlin-fall-back"),
]


@pytest.mark.parametrize(("tz", "monday", "transition"), DST_WEEKS)
def test_one_sync_per_weekday_at_local_time_across_a_transition(
    tz: ZoneInfo, monday: date, transition: date
) -> None:
    start = datetime.combine(monday, time(0)).replace(tzinfo=tz).astimezone(UTC)
    end = start + timedelta(days=14)
    found = occurrences(tz=tz, at=time(17, 45), days=WEEKDAYS, start=start, end=end)
    per_day = Counter(o.local_date for o in found)
    expected = [monday + timedelta(days=i) for i in range(14) if (monday + timedelta(days=i)).weekday() < 5]
    assert sorted(per_day) == expected
    assert set(per_day.values()) == {1}
    for occ in found:
        wall = occ.due_at.astimezone(tz)
        assert (wall.date(), wall.hour, wall.minute) == (occ.local_date, 17, 45)
    # The UTC hour really moves across the transition: naive "+24 h" arithmetic would be wrong.
    before = next(o for o in found if o.local_date < transition).due_at.astimezone(UTC).hour
    after = next(o for o in found if o.local_date > transition).due_at.astimezone(UTC).hour
    assert before != after


def test_a_time_in_the_spring_forward_gap_moves_forward_by_the_gap() -> None:
    # New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist.
    due = local_instant(date(2026, 3, 8), time(2, 30), NY)
    assert due == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert due.astimezone(NY).strftime("%H:%M %Z") == "03:30 EDT"
    berlin = local_instant(date(2026, 3, 29), time(2, 30), BERLIN)
    assert berlin.astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"


def test_an_ambiguous_fall_back_time_means_its_first_occurrence_once() -> None:
    # New York, 2026-11-01: 01:00-02:00 happens twice; 01:30 is the EDT (earlier) one.
    due = local_instant(date(2026, 11, 1), time(1, 30), NY)
    assert due == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    window = occurrences(
        tz=NY,
        at=time(1, 30),
        days=("sun",),
        start=datetime(2026, 10, 31, tzinfo=UTC),
        end=datetime(2026, 11, 2, tzinfo=UTC),
    )
    assert [o.due_at for o in window] == [due]


def test_window_is_open_at_the_start_and_closed_at_the_end() -> None:
    due = local_instant(date(2026, 11, 17), time(17, 45), NY)
    kw = {"tz": NY, "at": time(17, 45), "days": WEEKDAYS}
    assert [o.due_at for o in occurrences(start=due - timedelta(minutes=1), end=due, **kw)] == [due]
    assert occurrences(start=due, end=due + timedelta(hours=1), **kw) == []
    with pytest.raises(ValueError):
        occurrences(start=datetime(2026, 11, 17), end=datetime(2026, 11, 18), **kw)


def test_local_date_is_the_persons_not_utcs() -> None:
    # 17:45 in Tokyo on Tuesday is 08:45 UTC on Tuesday; 17:45 in Honolulu on Monday is Tuesday in UTC.
    honolulu = ZoneInfo("Pacific/Honolulu")
    found = occurrences(
        tz=honolulu,
        at=time(17, 45),
        days=("mon",),
        start=datetime(2026, 11, 16, tzinfo=UTC),
        end=datetime(2026, 11, 18, tzinfo=UTC),
    )
    assert [(o.local_date, o.due_at) for o in found] == [
        (date(2026, 11, 16), datetime(2026, 11, 17, 3, 45, tzinfo=UTC))
    ]


def test_next_occurrence_skips_days_not_in_the_schedule() -> None:
    friday_evening = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    nxt = next_occurrence(tz=NY, at=time(15, 0), days=("fri",), after=friday_evening)
    assert nxt is not None
    assert nxt.local_date == date(2026, 11, 27)
    assert next_occurrence(tz=NY, at=time(15, 0), days=(), after=friday_evening) is None


def test_iso_weeks_round_trip_and_reject_nonsense() -> None:
    assert iso_week(date(2026, 11, 20)) == "2026-W47"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
    assert week_monday("2026-W47") == date(2026, 11, 16)
    assert parse_iso_week("2026-W01") == (2026, 1)
    with pytest.raises(ValueError, match="ISO week"):
        parse_iso_week("2026-47")
    with pytest.raises(ValueError, match="ISO week"):
        parse_iso_week("2026-W60")
