"""Reading an expiry date from an approval's conditions (bot.domain.expiry)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.expiry import parse_expiry

NY = ZoneInfo("America/New_York")
# Tuesday 17 Nov 2026, 09:00 in New York.
DECIDED = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected", "words"),
    [
        ("Expires in 48 h; rollback is scaling back to 3 replicas", date(2026, 11, 19), "in 48 h"),
        ("Approved for 3 days, then revert", date(2026, 11, 20), "for 3 days"),
        ("valid within 2 weeks", date(2026, 12, 1), "within 2 weeks"),
        ("Expires Friday; rollback by reverting the overlay", date(2026, 11, 20), "Expires Friday"),
        ("until next Tuesday", date(2026, 11, 24), "until next Tuesday"),
        ("until 2026-12-01, then scale back", date(2026, 12, 1), "2026-12-01"),
        ("Revert by Dec 5 at the latest", date(2026, 12, 5), "Dec 5"),
        ("hold until 3 January", date(2027, 1, 3), "3 January"),  # past this year: next year's
        ("Rollback tomorrow morning", date(2026, 11, 18), "tomorrow"),
        ("Only until EOD", date(2026, 11, 17), "EOD"),
        ("Leave it until end of week", date(2026, 11, 20), "end of week"),
        # The earliest expiry mentioned wins over a later one.
        ("Expires in 24 h; review again on 2026-12-20", date(2026, 11, 18), "in 24 h"),
    ],
)
def test_common_forms(text: str, expected: date, words: str) -> None:
    assert parse_expiry(text, decided_at=DECIDED, tz=NY) == (expected, words)


@pytest.mark.parametrize(
    "text",
    [None, "", "Rollback by reverting the overlay", "scale to 3 replicas soon", "until 2026-13-45"],
)
def test_no_expiry_given(text: str | None) -> None:
    assert parse_expiry(text, decided_at=DECIDED, tz=NY) == (None, None)


def test_hours_count_from_the_decision_in_the_program_timezone() -> None:
    late = datetime(2026, 11, 18, 3, 30, tzinfo=UTC)  # 22:30 on the 17th in New York
    assert parse_expiry("in 2 h", decided_at=late, tz=NY)[0] == date(2026, 11, 18)
    assert parse_expiry("in 1 h", decided_at=late, tz=NY)[0] == date(2026, 11, 17)
