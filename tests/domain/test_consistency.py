"""Agreement and Cohen's kappa between first and blind second verdicts (bot.domain.consistency)."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.domain.consistency import VerdictPair, agreement, build_report, kappa_parts

U, OV = "uphold", "overturn"

# The hand-worked example, 10 decisions reviewed twice (first, blind second):
#   both uphold: 6   first uphold / second overturn: 1
#   first overturn / second uphold: 1   both overturn: 2
HAND = [(U, U)] * 6 + [(U, OV)] + [(OV, U)] + [(OV, OV)] * 2


def test_hand_worked_example() -> None:
    # p_o = (6 + 2) / 10 = 0.8
    # first:  uphold 7/10, overturn 3/10;  second: uphold 7/10, overturn 3/10
    # p_e = 0.7 * 0.7 + 0.3 * 0.3 = 0.49 + 0.09 = 0.58
    # kappa = (0.8 - 0.58) / (1 - 0.58) = 0.22 / 0.42 = 11/21 = 0.5238…
    figures = agreement(HAND, min_pairs=10)
    assert figures.enough and figures.pairs == 10 and figures.agree == 8
    assert figures.p_o == pytest.approx(0.8)
    assert figures.p_e == pytest.approx(0.58)
    assert figures.kappa == pytest.approx(11 / 21)
    assert round(figures.kappa or 0, 2) == 0.52


def reference_kappa(first: list[str], second: list[str]) -> float | None:
    """Cohen's kappa from the 2×2 confusion matrix, written apart from the code under test."""
    labels = sorted(set(first) | set(second))
    n = len(first)
    matrix = {(a, b): 0 for a in labels for b in labels}
    for a, b in zip(first, second, strict=True):
        matrix[(a, b)] += 1
    observed = sum(matrix[(a, a)] for a in labels) / n
    row = {a: sum(matrix[(a, b)] for b in labels) / n for a in labels}
    col = {b: sum(matrix[(a, b)] for a in labels) / n for b in labels}
    expected = sum(row[a] * col[a] for a in labels)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def test_matches_a_reference_implementation_on_every_small_case_and_random_ones() -> None:
    cases = [
        list(p)
        for n in range(1, 6)
        for p in itertools.product([(U, U), (U, OV), (OV, U), (OV, OV)], repeat=n)
    ]
    rng = random.Random(18)
    cases += [
        [(rng.choice((U, OV)), rng.choice((U, OV))) for _ in range(rng.randint(6, 60))] for _ in range(200)
    ]
    for pairs in cases:
        first, second = [a for a, _ in pairs], [b for _, b in pairs]
        _, _, kappa = kappa_parts(first, second)
        expected = reference_kappa(first, second)
        if expected is None:
            assert kappa is None, pairs
        else:
            assert kappa is not None and float(kappa) == pytest.approx(expected), pairs


def test_degenerate_case_everyone_gave_one_verdict() -> None:
    # Both always upheld: p_o = 1, p_e = 1·1 + 0·0 = 1, kappa = 0/0: defined as "not defined".
    figures = agreement([(U, U)] * 12, min_pairs=10)
    assert figures.enough and figures.degenerate and figures.kappa is None and figures.p_o == 1.0
    # One side always upheld, the other not: p_e = 0.5·1 = 0.5 < 1, kappa is defined (0 here).
    mixed = agreement([(U, U)] * 5 + [(U, OV)] * 5, min_pairs=10)
    assert not mixed.degenerate and mixed.kappa == pytest.approx(0.0)
    # Perfect disagreement on balanced verdicts: kappa = (0 − 0.5) / 0.5 = −1.
    assert agreement([(U, OV), (OV, U)] * 5, min_pairs=10).kappa == pytest.approx(-1.0)


def test_withheld_below_the_minimum_sample() -> None:
    figures = agreement(HAND[:9], min_pairs=10)
    assert not figures.enough and figures.kappa is None and figures.p_o is None and figures.pairs == 9


def test_unknown_verdicts_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown verdicts"):
        kappa_parts(["uphold"], ["maybe"])


def _pair(i: int, first: tuple[str, str], second: tuple[str, str], verdicts: tuple[str, str], category: str):
    return VerdictPair(
        decision_id=i,
        title=f"t{i}",
        category=category,
        engineer_slack_id="U0ENG1",
        first_slack_id=first[0],
        first_name=first[1],
        first_verdict=verdicts[0],
        first_suggested=None,
        first_comment=None,
        second_slack_id=second[0],
        second_name=second[1],
        second_verdict=verdicts[1],
        second_suggested=None,
        second_comment=None,
    )


def test_report_by_pair_is_one_pair_whichever_of_them_reviewed_first() -> None:
    mo, nia = ("U0MENTOR", "Mo Mentor"), ("U0MENTOR2", "Nia Mentor")
    pairs = [
        _pair(i, mo, nia, v, "policy_violation") if i % 2 else _pair(i, nia, mo, (v[1], v[0]), "drift")
        for i, v in enumerate(HAND)
    ]
    report = build_report(pairs, min_pairs=3)
    [row] = report.by_pair
    assert row.label == "Mo Mentor / Nia Mentor"
    # Mo's verdicts always in the same column: the pair's kappa is the hand-worked one.
    assert row.figures.kappa == pytest.approx(11 / 21)
    assert [r.label for r in report.by_category] == ["drift", "policy_violation"]
    assert sum(r.figures.pairs for r in report.by_category) == 10
    assert [p.decision_id for p in report.disagreements] == [6, 7]
