"""The `voices:` program section: defaults from the roadmap, weeks to Fridays, clear errors."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.config import EXAMPLE_PROGRAM
from bot.program import ConfigError, load_program, parse_program

BASE = EXAMPLE_PROGRAM.read_text()


def test_example_and_defaults() -> None:
    program = load_program(EXAMPLE_PROGRAM)
    voices = program.voices
    assert voices.reflections.dates(program.start_date) == [date(2026, 11, 6)]  # Friday of week 9
    assert voices.post_survey.date(program.start_date) == date(2026, 11, 27)  # Friday of week 12
    assert voices.reflections.time == time(14, 0)
    assert [q.kind for q in voices.post_survey.questions].count("confidence") == 1
    assert voices.post_survey.questions[0].text == "I'm confident in this new model."
    without = BASE[: BASE.index("\nvoices:")]
    assert parse_program(without, source="p.yaml").voices == voices  # the defaults are the example's


def test_weeks_and_dates_mix_and_sort() -> None:
    text = BASE.replace("days: [{week: 9}]", "days: [{date: 2026-11-12}, {week: 10}, {week: 9}]")
    program = parse_program(text, source="p.yaml")
    assert program.voices.reflections.dates(program.start_date) == [
        date(2026, 11, 6),
        date(2026, 11, 12),
        date(2026, 11, 13),
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("days: [{week: 9}]", "days: [{week: 9, date: 2026-11-06}]", "give either week (its Friday) or date"),
        ("days: [{week: 9}]", "days: [{week: 8}]", "voices.reflections.days.0.week"),
        (
            '    time: "14:00"\n    questions:                     # 2 or 3',
            '    time: "2pm"\n    questions:                     # 2 or 3',
            "voices.reflections.time: invalid time '2pm'",
        ),
        (
            '{id: confidence, text: "I\'m confident in this new model.", kind: confidence}',
            '{id: confidence, text: "I\'m confident in this new model."}',
            "exactly one question must be kind: confidence",
        ),
    ],
)
def test_bad_values_say_what_is_wrong(old: str, new: str, expected: str) -> None:
    assert old in BASE
    with pytest.raises(ConfigError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        parse_program(BASE.replace(old, new), source="p.yaml")


def test_two_or_three_reflection_questions() -> None:
    one = BASE.replace(
        '      - {id: unsure, text: "Which kind of exception still feels unclear or hard?"}\n'
        '      - {id: next, text: "What would help you most next week?", max_length: 500, optional: true}\n',
        "",
    )
    with pytest.raises(
        ConfigError, match=r"voices\.reflections\.questions: List should have at least 2 items"
    ):
        parse_program(one, source="p.yaml")
