"""Spaced re-tests: due days from the answers on one scenario (docs/practice.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.retests import Answer, next_due
from bot.program_calib import Calibration

TZ = ZoneInfo("America/New_York")
SETTINGS = Calibration()  # retest_days [1, 3, 7], two sound answers close a series
DAY0 = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)  # 10:00 in New York, Tuesday Nov 17


def at(day: int, hours: int = 0) -> datetime:
    return DAY0 + timedelta(days=day, hours=hours)


def due(answers: list[Answer]) -> tuple[date, int, int] | None:
    return next_due(answers, tz=TZ, settings=SETTINGS)


def test_a_sound_first_answer_opens_nothing() -> None:
    assert due([Answer(at(0), True)]) is None


def test_a_mistake_comes_back_on_day_1_then_3_then_7_until_two_sound_answers() -> None:
    answers = [Answer(at(0), False)]
    assert due(answers) == (date(2026, 11, 18), 1, 0)
    answers.append(Answer(at(1), False))  # wrong again on day 1
    assert due(answers) == (date(2026, 11, 20), 2, 0)  # day 3
    answers.append(Answer(at(3), True))
    assert due(answers) == (date(2026, 11, 24), 3, 1)  # day 7
    answers.append(Answer(at(7), True))  # the second sound answer (in total) closes it
    assert due(answers) is None


def test_two_sound_answers_in_a_row_close_it_after_day_3() -> None:
    answers = [Answer(at(0), False), Answer(at(1), True), Answer(at(3), True)]
    assert due(answers) is None


def test_after_the_list_it_comes_back_every_last_interval() -> None:
    answers = [Answer(at(0), False), Answer(at(1), False), Answer(at(3), False), Answer(at(7), False)]
    assert due(answers) == (date(2026, 12, 1), 4, 0)  # day 7 + 7


def test_a_late_answer_is_never_followed_by_a_same_day_re_test() -> None:
    answers = [Answer(at(0), False), Answer(at(5), False)]  # day-1 re-test answered on day 5
    assert due(answers) == (date(2026, 11, 23), 2, 0)  # day 3 has passed: the next local day


def test_a_new_mistake_after_a_closed_series_opens_a_new_one() -> None:
    answers = [Answer(at(0), False), Answer(at(1), True), Answer(at(3), True), Answer(at(10), False)]
    assert due(answers) == (date(2026, 11, 28), 1, 0)


def test_days_are_local_days() -> None:
    late_evening = datetime(2026, 11, 18, 4, 30, tzinfo=UTC)  # 23:30 on Nov 17 in New York
    assert due([Answer(late_evening, False)]) == (date(2026, 11, 18), 1, 0)
