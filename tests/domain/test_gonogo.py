"""The go/no-go rule as a truth table, and the reasons it gives."""

from __future__ import annotations

import itertools

import pytest

from bot.domain.gonogo import Recommendation, decide, recommend
from bot.domain.grading import Metric, Op, Status

P, C, F, N = Status.PASS, Status.CLOSE, Status.FAIL, Status.INSUFFICIENT
GO, PIVOT, PAUSE, NO_CALL = (
    Recommendation.GO,
    Recommendation.PIVOT,
    Recommendation.PAUSE,
    Recommendation.NO_CALL,
)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((P, P, P, P, P), GO),
        ((P, P, P, P, C), PIVOT),
        ((P, P, P, C, C), PIVOT),
        ((C, P, C, P, P), PIVOT),
        ((P, P, C, C, C), PAUSE),  # only two pass
        ((C, C, C, C, C), PAUSE),
        ((P, P, P, P, F), PAUSE),  # any fail pauses
        ((F, P, P, P, P), PAUSE),
        ((P, P, P, C, F), PAUSE),
        ((P, P, P, P, N), NO_CALL),  # insufficient data is never a pass, nor a reason to pause (issue 13)
        ((P, P, P, C, N), NO_CALL),
        ((N, N, N, N, N), NO_CALL),
        ((P, P, P, F, N), PAUSE),  # a failing metric still pauses
    ],
)
def test_truth_table(statuses, expected) -> None:
    assert decide(statuses) is expected


def oracle(statuses: tuple[Status, ...]) -> Recommendation:
    """DESIGN.md's rule, written independently: count first, then decide."""
    passes, closes, fails = (statuses.count(s) for s in (P, C, F))
    if passes == 5:
        return GO
    if fails:
        return PAUSE
    if N in statuses:
        return NO_CALL
    if passes >= 3 and passes + closes == 5:
        return PIVOT
    return PAUSE


def test_every_combination_matches_the_rule() -> None:
    combos = list(itertools.product((P, C, F, N), repeat=5))
    assert len(combos) == 4**5
    assert all(decide(c) is oracle(c) for c in combos)
    assert sum(decide(c) is GO for c in combos) == 1


def metric(key: str, status: Status, value: float | None, *, op: Op, target: float, unit: str) -> Metric:
    return Metric(key, key.replace("_", " ").capitalize(), status, value, target, op, unit, 10, 5, "detail")


def test_reasons_name_each_metric_and_by_how_much() -> None:
    verdict = recommend(
        [
            metric("handling_rate", P, 0.8, op=Op.ABOVE, target=0.7, unit="ratio"),
            metric("rework", C, 0.05, op=Op.AT_MOST, target=0.0, unit="ratio"),
            metric("satisfaction", F, 3.1, op=Op.ABOVE, target=3.5, unit="score"),
            metric("incident_slo", C, 0.07, op=Op.AT_MOST, target=0.05, unit="slowdown"),
            metric("retention", N, None, op=Op.AT_MOST, target=0, unit="count"),
        ]
    )
    assert verdict.recommendation is PAUSE
    assert verdict.summary == "1 of 5 metrics fails."
    passed, close, failed, missing = verdict.reasons
    assert passed == "Passed: handling rate 80% (target > 70%)"
    assert (
        close == "Close: rework 5% (target 0%, 5 pts over); incident slo +7% (target ≤ 5% slower, 2 pts over)"
    )
    assert failed == "Failed: satisfaction 3.10 (target > 3.5, 0.40 short)"
    assert missing == "Insufficient data: retention (detail; needs at least 5)"


def test_pivot_summary_and_exactly_at_target() -> None:
    rows = [metric(f"m{i}", P, 0.9, op=Op.ABOVE, target=0.7, unit="ratio") for i in range(3)]
    rows += [metric("handling_rate", C, 0.7, op=Op.ABOVE, target=0.7, unit="ratio")] * 2
    verdict = recommend(rows)
    assert verdict.recommendation is PIVOT
    assert verdict.summary == "3 of 5 pass and the other 2 are close."
    assert "exactly at the target, which it must exceed" in verdict.reasons[1]


def test_an_empty_roster_says_no_one_has_left_without_needs_at_least_one() -> None:
    """Issue 16: "no one has left the program; needs at least 1" read as if a leaver were needed."""
    from dataclasses import replace

    base = metric("retention", N, None, op=Op.AT_MOST, target=0, unit="count")
    empty = replace(
        base, detail="no one has left the program; no engineers on the roster yet", sample=0, min_sample=1
    )
    missing = recommend([empty]).reasons[-1]
    assert (
        missing
        == "Insufficient data: retention (no one has left the program; no engineers on the roster yet)"
    )
