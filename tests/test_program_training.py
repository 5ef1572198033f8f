"""The program file's ``training:`` section: the shipped weeks 9–10, and errors that name the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.config import EXAMPLE_PROGRAM
from bot.domain.training import in_training, planned_sessions
from bot.program import ConfigError, load_program, parse_program

BASE = EXAMPLE_PROGRAM.read_text()
MON_AM = '- {id: w9-mon-am, week: 9, day: mon, start: "09:00", hours: 2, module: m1,'


def test_the_example_holds_the_roadmaps_two_weeks() -> None:
    program = load_program(EXAMPLE_PROGRAM)
    sessions = planned_sessions(program)
    assert len(sessions) == 18 and sum(s.hours for s in sessions) == 40  # 2 × 20 hours
    assert sessions[0].id == "w9-mon-am" and sessions[0].start == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    assert sessions[-1].id == "w10-fri" and sessions[-1].day == date(2026, 11, 13)
    assert {s.module for s in sessions} == {"m1", "m2", "m3", "m4", "m5"}
    assert program.training.attendance_target == 0.85
    assert in_training(program, date(2026, 11, 8)) and not in_training(program, date(2026, 11, 16))


def test_a_program_without_a_training_section_still_loads() -> None:
    start = BASE.index("training:\n  first_week")
    program = parse_program(BASE[:start], source="p.yaml")
    assert planned_sessions(program) == [] and not in_training(program, date(2026, 11, 2))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (MON_AM, MON_AM.replace("week: 9, day: mon, ", ""), "give its date, or its week and day"),
        (MON_AM, MON_AM.replace("week: 9,", "date: 2026-11-02, week: 9,"), "either date, or week and day"),
        (MON_AM, MON_AM.replace("module: m1", "module: m9"), "names module 'm9', which is not under"),
        (MON_AM, MON_AM.replace('"09:00"', '"9am"'), "training.sessions.0.start: invalid time '9am'"),
        (MON_AM, MON_AM.replace("day: mon", "day: funday"), "training.sessions.0.day: unknown weekday"),
        (MON_AM, MON_AM.replace("w9-mon-am", "w9-mon-pm"), "session id 'w9-mon-pm' is used twice"),
        ("{id: m1-lab2,", "{id: m1-lab1,", "lab id 'm1-lab1' is listed twice"),
        ("attendance_target: 0.85", "attendance_target: 85", "training.attendance_target: Input should be"),
        (MON_AM, MON_AM.replace("hours: 2", "hours: 20"), "training.sessions.0.hours: Input should be"),
    ],
)
def test_bad_training_values_name_the_field(old: str, new: str, expected: str) -> None:
    assert old in BASE
    with pytest.raises(ConfigError) as err:
        parse_program(BASE.replace(old, new, 1), source="p.yaml")
    assert "training" in str(err.value) and expected in str(err.value)
