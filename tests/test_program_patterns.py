"""The program file's `patterns:` section: optional, strict, and checked."""

from __future__ import annotations

import pytest

from bot.config import EXAMPLE_PROGRAM
from bot.program import ConfigError, parse_program
from bot.program_patterns import PatternsSettings

BASE = EXAMPLE_PROGRAM.read_text()
SECTION_START = BASE.index("\n# Exception patterns and precedents")


def test_a_program_without_the_section_gets_the_defaults() -> None:
    program = parse_program(BASE[:SECTION_START] + "\n", source="program.yaml")
    assert program.patterns == PatternsSettings()
    assert (program.patterns.proposals.min_approvals, program.patterns.proposals.window_weeks) == (7, 3)
    assert program.patterns.precedents.anonymise is True


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    limit: 4 ", "    limit: 9 ", "patterns.precedents.limit"),
        ("    max_overturns: 0 ", "    max_overturns: 5 ", "max_overturns must be below"),
        ("    anonymise: true ", "    anonymize: true ", "anonymize"),
    ],
)
def test_bad_values_are_named(old: str, new: str, expected: str) -> None:
    assert old in BASE
    with pytest.raises(ConfigError, match=expected):
        parse_program(BASE.replace(old, new), source="program.yaml")
