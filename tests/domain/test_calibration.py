"""Calibration arithmetic against a hand-worked example (docs/calibration.md)."""

from __future__ import annotations

import pytest

from bot.domain.calibration import Call, flag_text, line_text, probability, sound_of, summarise
from bot.program_calib import Calibration

SETTINGS = Calibration(min_sample=2, flag_min_high=5, flag_unsound_share=0.5)


def _calls() -> list[Call]:
    """Seven calls: 5 ✓✗✗ (both misses overturned), 4 ✓✗ (overturned), 3 ✓, 1 ✗ (practice)."""
    return [
        Call(1, 5, True, False),
        Call(1, 5, False, True),
        Call(1, 5, False, True),
        Call(1, 4, True, False),
        Call(1, 4, False, True),
        Call(1, 3, True, False),
        Call(1, 1, False, False),
    ]


def test_probability_is_confidence_over_five() -> None:
    assert [probability(c) for c in (1, 2, 3, 4, 5)] == [0.2, 0.4, 0.6, 0.8, 1.0]


def test_levels_brier_and_flag_match_the_hand_worked_example() -> None:
    s = summarise(_calls(), SETTINGS)
    by = {lv.confidence: lv for lv in s.levels}
    assert (by[5].decisions, by[5].sound, by[5].share) == (3, 1, pytest.approx(1 / 3))
    assert (by[4].decisions, by[4].sound, by[4].share) == (2, 1, 0.5)
    assert (by[3].decisions, by[3].share) == (1, None)  # one call: below the minimum sample of 2
    assert (by[2].decisions, by[2].share) == (0, None)
    assert (by[1].decisions, by[1].sound, by[1].share) == (1, 0, None)
    # (1-1)² + (1-0)² + (1-0)² + (.8-1)² + (.8-0)² + (.6-1)² + (.2-0)² = 0+1+1+.04+.64+.16+.04 = 2.88
    assert s.brier == pytest.approx(2.88 / 7)
    assert (s.total, s.high, s.high_unsound, s.high_overturned) == (7, 5, 3, 3)
    assert s.flagged  # 3 of 5 ≥ half
    assert flag_text(s) == "3 of your 5 high-confidence (4–5) calls were overturned."
    assert line_text(s) == "Brier 0.41 over 7 calls (0 is perfect). 4: 1 of 2 sound; 5: 1 of 3 sound."


def test_no_flag_and_no_share_below_the_minimum_sample() -> None:
    few = _calls()[:4]  # 4 high-confidence calls: one short of flag_min_high
    s = summarise(few, SETTINGS)
    assert s.high_unsound == 2 and not s.flagged and flag_text(s) is None
    small = summarise(_calls()[:1], SETTINGS)
    assert small.brier is None and all(lv.share is None for lv in small.levels)
    assert line_text(small) == "not enough data yet (1 call with an outcome)."


def test_unsound_that_were_not_all_overturned_say_not_sound() -> None:
    calls = [Call(1, 5, False, False)] * 3 + [Call(1, 5, True, False)] * 2
    assert flag_text(summarise(calls, SETTINGS), whose="Ada's") == (
        "3 of Ada's 5 high-confidence (4–5) calls were not sound."
    )


@pytest.mark.parametrize(
    ("kind", "outcome", "status", "sound"),
    [
        ("practice", "correct", "pending", True),
        ("assessment", "acceptable", "not_required", True),
        ("practice", "differs", "upheld", False),  # graded calls go by their outcome
        ("live", None, "upheld", True),
        ("live", None, "overturned", False),
        ("live", None, "pending", None),  # no outcome yet: left out
        ("live", None, "not_required", None),
    ],
)
def test_what_counts_as_sound(kind: str, outcome: str | None, status: str, sound: bool | None) -> None:
    assert sound_of(kind=kind, outcome=outcome, review_status=status) is sound
