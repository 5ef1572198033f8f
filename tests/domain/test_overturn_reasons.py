"""Why an overturn: the form check, key points to parts, and the named pattern (docs/reviews.md)."""

from __future__ import annotations

from bot.domain.overturn_reasons import _pattern, check_parts, parse_parts, parts_of_point, pattern_text
from bot.domain.vocab import JustificationPart as P
from bot.program_calib import Calibration

SETTINGS = Calibration(pattern_min_reviews=3, pattern_min_share=0.5)


def test_overturn_and_weak_reasoning_need_a_part() -> None:
    assert (
        "at least one part" in check_parts(verdict="overturn", weak_reasoning=False, parts=[])["failed_parts"]
    )
    assert "weak reasoning" in check_parts(verdict="uphold", weak_reasoning=True, parts=None)["failed_parts"]
    assert check_parts(verdict="uphold", weak_reasoning=False, parts=None) == {}
    assert check_parts(verdict="overturn", weak_reasoning=False, parts=["risk"]) == {}
    assert parse_parts(["escalation", "bogus", "policy"]) == (P.POLICY, P.ESCALATION)


def test_key_points_map_to_the_parts_they_train() -> None:
    assert P.CONDITIONS in parts_of_point("Names the 72h condition against the 41 hours")
    assert P.CONDITIONS in parts_of_point("Points to the standard rollback with a canary step")
    assert P.ESCALATION in parts_of_point("Escalates to the privacy lead with the 4.17.4 option")
    assert P.RISK in parts_of_point("Quantifies the customer impact")
    assert P.EVIDENCE in parts_of_point("Confirms 5.2.1 passed against the migrated schema")
    assert P.POLICY in parts_of_point("States that urgency does not let ops waive the condition")


def test_the_pattern_is_the_most_named_part_in_enough_reviews() -> None:
    rows = [(1, "overturn", "conditions"), (2, "overturn", "conditions"), (3, "overturn", "conditions")]
    rows += [(3, "overturn", "evidence"), (4, "overturn", "risk")]
    pattern = _pattern(rows, SETTINGS)
    assert (pattern.reviews, pattern.top, pattern.top_count) == (4, "conditions", 3)
    assert pattern_text(pattern) == "3 of your 4 overturns: missing rollback conditions."
    weak = _pattern([*rows, (5, "uphold", "conditions")], SETTINGS)
    assert pattern_text(weak, whose="Ada's") == (
        "4 of Ada's 5 overturns and weak-reasoning marks: missing rollback conditions."
    )


def test_no_pattern_below_the_minimum_or_without_a_majority() -> None:
    two = [(1, "overturn", "conditions"), (2, "overturn", "conditions")]
    assert _pattern(two, SETTINGS).top is None  # 2 reviews < 3
    spread = [(1, "overturn", "policy"), (2, "overturn", "risk"), (3, "overturn", "evidence")]
    spread += [(4, "overturn", "conditions")]
    assert pattern_text(_pattern(spread, SETTINGS)) is None  # 1 of 4 each
