"""Reviewer consistency: agreement and Cohen's kappa between first and blind second verdicts.

Each live decision picked for a blind second review gives one pair of verdicts
(first review, blind second review), each ``uphold`` or ``overturn``. Over n pairs:

* agreement ``p_o`` = pairs where both said the same / n;
* chance agreement ``p_e`` = P1(uphold)·P2(uphold) + P1(overturn)·P2(overturn), where
  Pk is the share of rater k's verdicts in that category;
* Cohen's kappa = (p_o − p_e) / (1 − p_e).

Degenerate case: when ``p_e`` = 1 both raters gave one and the same verdict to every
pair (so ``p_o`` = 1 too) and kappa is 0/0. We define kappa as *not defined* (None)
there and say so in words; agreement is still shown. Shares are computed exactly
(fractions) so that "``p_e`` = 1" is an exact test, not a float comparison.
Figures are shown only from ``min_pairs`` pairs up (program ``review_quality``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bot.db.models import Decision, Person, Review
from bot.db.models_review2 import BlindReview
from bot.program import Program

CATEGORIES = ("uphold", "overturn")


@dataclass(frozen=True)
class Agreement:
    """Agreement figures over some pairs; ``enough`` is False below the minimum sample."""

    pairs: int
    agree: int
    p_o: float | None
    p_e: float | None
    kappa: float | None  # None: too few pairs, or p_e = 1 (see ``degenerate``)
    enough: bool
    degenerate: bool = False  # p_e = 1: every verdict on both sides the same


def kappa_parts(first: Sequence[str], second: Sequence[str]) -> tuple[Fraction, Fraction, Fraction | None]:
    """Exact ``(p_o, p_e, kappa)`` for two raters over uphold/overturn; kappa None when p_e = 1."""
    if len(first) != len(second) or not first:
        raise ValueError("kappa needs two equally long, non-empty lists of verdicts")
    unknown = {v for v in (*first, *second) if v not in CATEGORIES}
    if unknown:
        raise ValueError(f"unknown verdicts {sorted(unknown)}")
    n = len(first)
    p_o = Fraction(sum(a == b for a, b in zip(first, second, strict=True)), n)
    p_e = sum((Fraction(first.count(c), n) * Fraction(second.count(c), n) for c in CATEGORIES), Fraction(0))
    if p_e == 1:
        return p_o, p_e, None
    return p_o, p_e, (p_o - p_e) / (1 - p_e)


def agreement(pairs: Sequence[tuple[str, str]], *, min_pairs: int) -> Agreement:
    """Agreement and kappa over ``(first, second)`` verdict pairs, withheld below ``min_pairs``."""
    n = len(pairs)
    agree = sum(a == b for a, b in pairs)
    if n < min_pairs or n == 0:
        return Agreement(pairs=n, agree=agree, p_o=None, p_e=None, kappa=None, enough=False)
    p_o, p_e, kappa = kappa_parts([a for a, _ in pairs], [b for _, b in pairs])
    return Agreement(
        pairs=n,
        agree=agree,
        p_o=float(p_o),
        p_e=float(p_e),
        kappa=None if kappa is None else float(kappa),
        enough=True,
        degenerate=kappa is None,
    )


@dataclass(frozen=True)
class VerdictPair:
    """One decision's first verdict and blind second verdict, with both reviewers' words."""

    decision_id: int
    title: str
    category: str
    engineer_slack_id: str
    first_slack_id: str
    first_name: str
    first_verdict: str
    first_suggested: str | None
    first_comment: str | None
    second_slack_id: str
    second_name: str
    second_verdict: str
    second_suggested: str | None
    second_comment: str | None

    @property
    def agree(self) -> bool:
        return self.first_verdict == self.second_verdict


def verdict_pairs(*, session: Session) -> list[VerdictPair]:
    """Every live decision with both a first review and an answered blind second review, oldest first."""
    first, second, engineer = aliased(Person), aliased(Person), aliased(Person)
    rows = session.execute(
        select(Decision, Review, BlindReview, first, second, engineer)
        .join(Review, Review.decision_id == Decision.id)
        .join(BlindReview, BlindReview.decision_id == Decision.id)
        .join(first, first.id == Review.reviewer_id)
        .join(second, second.id == BlindReview.reviewer_id)
        .join(engineer, engineer.id == Decision.person_id)
        .where(Decision.kind == "live", BlindReview.status == "answered", BlindReview.verdict.is_not(None))
        .order_by(Decision.decided_at, Decision.id)
    ).all()
    return [
        VerdictPair(
            decision_id=d.id,
            title=d.title,
            category=d.category,
            engineer_slack_id=e.slack_user_id,
            first_slack_id=f.slack_user_id,
            first_name=f.name,
            first_verdict=r.verdict,
            first_suggested=r.suggested_verdict,
            first_comment=r.comment,
            second_slack_id=s.slack_user_id,
            second_name=s.name,
            second_verdict=str(b.verdict),
            second_suggested=b.suggested_verdict,
            second_comment=b.comment,
        )
        for d, r, b, f, s, e in rows
    ]


@dataclass(frozen=True)
class Row:
    """One line of the consistency table: who or what, and its figures."""

    label: str
    figures: Agreement


@dataclass(frozen=True)
class ConsistencyReport:
    """Overall, per reviewer pair and per category figures, and every disagreement."""

    overall: Agreement
    by_pair: list[Row]
    by_category: list[Row]
    disagreements: list[VerdictPair]
    min_pairs: int


def _pair_key(pair: VerdictPair) -> tuple[str, tuple[str, str]]:
    """The unordered reviewer pair, and the verdicts ordered to match it (a fixed rater 1 and 2)."""
    if (pair.first_name, pair.first_slack_id) <= (pair.second_name, pair.second_slack_id):
        return f"{pair.first_name} / {pair.second_name}", (pair.first_verdict, pair.second_verdict)
    return f"{pair.second_name} / {pair.first_name}", (pair.second_verdict, pair.first_verdict)


def build_report(pairs: Sequence[VerdictPair], *, min_pairs: int) -> ConsistencyReport:
    """The report from verdict pairs (pure; :func:`consistency_report` reads them from the database)."""
    by_pair: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_category: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair in pairs:
        label, verdicts = _pair_key(pair)
        by_pair[label].append(verdicts)
        by_category[pair.category].append((pair.first_verdict, pair.second_verdict))
    return ConsistencyReport(
        overall=agreement([(p.first_verdict, p.second_verdict) for p in pairs], min_pairs=min_pairs),
        by_pair=[Row(k, agreement(v, min_pairs=min_pairs)) for k, v in sorted(by_pair.items())],
        by_category=[Row(k, agreement(v, min_pairs=min_pairs)) for k, v in sorted(by_category.items())],
        disagreements=[p for p in pairs if not p.agree],
        min_pairs=min_pairs,
    )


def consistency_report(*, session: Session, program: Program) -> ConsistencyReport:
    """Agreement and Cohen's kappa overall, per reviewer pair and per category, and the disagreements."""
    return build_report(verdict_pairs(session=session), min_pairs=program.review_quality.min_pairs)
