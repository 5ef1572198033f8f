"""Planning as pure functions: whose clock, who is skipped, what is late and what is missed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import EXAMPLE_PROGRAM
from bot.domain.availability import parse_ooo, skip_reason
from bot.domain.errors import DomainError
from bot.domain.timezones import resolve_tz
from bot.domain.weeks import end_of_day, iso_week
from bot.jobs.plan import Recipient, Schedule, plan_people
from bot.program import load_program

NY = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
PROGRAM = load_program(EXAMPLE_PROGRAM)
SYNC = Schedule(time(17, 45), ("mon", "tue", "wed", "thu", "fri"), ("parallel_run", "switchover"))
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def person(uid: str = "U1", tz: ZoneInfo = NY, **kw: object) -> Recipient:
    fields: dict[str, object] = {
        "person_id": 1,
        "slack_user_id": uid,
        "name": uid,
        "tz": tz,
        "tz_source": "slack",
        "status": "active",
        "ooo_until": None,
        "created_at": LONG_AGO,
    }
    fields.update(kw)
    return Recipient(**fields)  # type: ignore[arg-type]


def plan(people: list[Recipient], at: datetime, grace: int = 180) -> list[tuple[str, str, str, str | None]]:
    dues = plan_people(
        recipients=people,
        program=PROGRAM,
        schedule=SYNC,
        at=at,
        period_of=lambda o: o.local_date.isoformat(),
        grace_of=lambda o, _tz: o.due_at + timedelta(minutes=grace),
    )
    return [(d.recipient, d.period, d.action, d.reason) for d in dues]


def test_slack_timezone_then_roster_then_program() -> None:
    assert resolve_tz(
        slack_tz="Asia/Tokyo", roster_tz="Europe/Berlin", program_tz="America/New_York"
    ).source == ("slack")
    roster = resolve_tz(slack_tz=None, roster_tz="Europe/Berlin", program_tz="America/New_York")
    assert (roster.zone.key, roster.source) == ("Europe/Berlin", "roster")
    program = resolve_tz(slack_tz=None, roster_tz=None, program_tz="America/New_York")
    assert (program.zone.key, program.source) == ("America/New_York", "program")
    # A zone name Slack sends that we do not know falls through to the next source.
    bogus = resolve_tz(slack_tz="Mars/Olympus", roster_tz=None, program_tz="America/New_York")
    assert bogus.source == "program"


def test_due_inside_grace_is_sent_late_and_after_grace_is_missed() -> None:
    due = datetime(2026, 11, 17, 22, 45, tzinfo=UTC)  # Tuesday 17:45 New York
    late = plan([person()], due + timedelta(minutes=179))
    assert ("U1", "2026-11-17", "send", None) in late
    past = plan([person()], due + timedelta(minutes=181))
    assert ("U1", "2026-11-17", "missed", "grace window passed before it could be sent") in past


def test_each_person_follows_their_own_clock() -> None:
    at = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)  # 18:00 in Tokyo, 04:00 in New York
    planned = plan([person("UTOKYO", TOKYO), person("UNY", NY)], at)
    today = [(p[0], p[2]) for p in planned if p[1] == "2026-11-17"]
    assert today == [("UTOKYO", "send")]


def test_out_of_office_and_leavers_are_skipped_with_a_reason() -> None:
    at = datetime(2026, 11, 17, 22, 50, tzinfo=UTC)
    away = person("UAWAY", ooo_until=date(2026, 11, 17))
    back = person("UBACK", ooo_until=date(2026, 11, 16))
    gone = person("UGONE", status="left")
    today = {p[0]: (p[2], p[3]) for p in plan([away, back, gone], at) if p[1] == "2026-11-17"}
    assert today["UAWAY"] == ("skip", "out of office until 2026-11-17")
    assert today["UBACK"] == ("send", None)
    assert today["UGONE"] == ("skip", "left the program")


def test_days_and_phases_come_from_the_program() -> None:
    saturday = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)
    assert [p for p in plan([person()], saturday) if p[1] == "2026-11-21"] == []
    training = datetime(2026, 11, 10, 22, 50, tzinfo=UTC)  # week 10: training, no sync
    assert plan([person()], training) == []


def test_nothing_is_owed_from_before_someone_joined() -> None:
    at = datetime(2026, 11, 17, 22, 50, tzinfo=UTC)
    newcomer = person(created_at=datetime(2026, 11, 17, 12, 0, tzinfo=UTC))
    assert [p[1] for p in plan([newcomer], at)] == ["2026-11-17"]


def test_survey_grace_runs_to_the_end_of_the_local_friday() -> None:
    friday_3pm = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
    assert end_of_day(date(2026, 11, 20), NY) == datetime(2026, 11, 21, 5, 0, tzinfo=UTC)
    survey = Schedule(time(15, 0), ("fri",), ("parallel_run", "switchover"))

    def at(moment: datetime) -> list[str]:
        dues = plan_people(
            recipients=[person()],
            program=PROGRAM,
            schedule=survey,
            at=moment,
            period_of=lambda o: iso_week(o.local_date),
            grace_of=lambda o, tz: end_of_day(o.local_date, tz),
        )
        return [d.action for d in dues]

    assert at(friday_3pm + timedelta(hours=8, minutes=59)) == ["send"]
    assert at(friday_3pm + timedelta(hours=9, minutes=1)) == ["missed"]


def test_skip_reason_and_ooo_parsing() -> None:
    today = date(2026, 11, 17)
    assert skip_reason(status="active", ooo_until=None, local_day=today) is None
    assert parse_ooo("until 2026-11-20", today=today) == date(2026, 11, 20)
    assert parse_ooo("off", today=today) is None
    for bad, message in [
        ("until 2026-11-16", "in the past"),
        ("until tomorrow", "not a date"),
        ("until 2028-01-01", "more than a year"),
        ("sometime", "Use `/casebook ooo until"),
    ]:
        with pytest.raises(DomainError, match=message):
            parse_ooo(bad, today=today)
