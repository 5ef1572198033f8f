"""Supporting figures: the per-category table, practice accuracy and assessment pass rates.

* practice accuracy = practice decisions whose outcome was correct or acceptable ÷
  practice decisions, for the week (overall and per category).
* assessment pass rate by category = assessment answers correct or acceptable ÷
  assessment answers in that category, cumulative up to the week's end (assessments
  happen in week 10 and stay relevant afterwards); plus completed assessments passed.
* per category for the week: live decisions, escalation rate, reviews and overturns
  (by review time, like rework), practice accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.db.models import Assessment, Decision, Review
from bot.domain.facts import in_week
from bot.domain.vocab import Verdict
from bot.domain.weeks import Week

GOOD_OUTCOMES = ("correct", "acceptable")


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict[str, object]:
        return {"numerator": self.numerator, "denominator": self.denominator, "value": self.value}


@dataclass(frozen=True)
class CategoryRow:
    category: str
    live: int
    escalated: int
    reviewed: int
    overturned: int
    practice: Ratio

    @property
    def escalation_rate(self) -> float | None:
        return self.escalated / self.live if self.live else None

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "live_decisions": self.live,
            "escalated": self.escalated,
            "escalation_rate": self.escalation_rate,
            "reviewed": self.reviewed,
            "overturned": self.overturned,
            "practice_accuracy": self.practice.as_dict(),
        }


@dataclass(frozen=True)
class Supporting:
    categories: tuple[CategoryRow, ...]
    practice_accuracy: Ratio
    assessment_by_category: dict[str, Ratio]
    assessments_passed: Ratio

    def as_dict(self) -> dict[str, object]:
        return {
            "categories": [row.as_dict() for row in self.categories],
            "practice_accuracy": self.practice_accuracy.as_dict(),
            "assessment_pass_rate_by_category": {
                k: v.as_dict() for k, v in self.assessment_by_category.items()
            },
            "assessments_passed": self.assessments_passed.as_dict(),
        }


def _n(value: Any) -> int:
    return int(value or 0)


def category_rows(*, session: Session, week: Week) -> tuple[CategoryRow, ...]:
    live = Decision.kind == "live"
    practice = Decision.kind == "practice"
    good = Decision.outcome.in_(GOOD_OUTCOMES)
    decided = session.execute(
        select(
            Decision.category,
            func.sum(case((live, 1), else_=0)),
            func.sum(case((live & (Decision.verdict == Verdict.ESCALATE), 1), else_=0)),
            func.sum(case((practice, 1), else_=0)),
            func.sum(case((practice & good, 1), else_=0)),
        )
        .where(Decision.kind.in_(("live", "practice")), in_week(Decision.decided_at, week))
        .group_by(Decision.category)
    ).all()
    reviewed = {
        category: (_n(n), _n(over))
        for category, n, over in session.execute(
            select(
                Decision.category,
                func.count(),
                func.sum(case((Review.verdict == "overturn", 1), else_=0)),
            )
            .join(Decision, Decision.id == Review.decision_id)
            .where(Review.decision_kind == "live", in_week(Review.reviewed_at, week))
            .group_by(Decision.category)
        ).all()
    }
    rows = {
        category: CategoryRow(category, _n(n), _n(esc), *reviewed.get(category, (0, 0)), Ratio(_n(ok), _n(p)))
        for category, n, esc, p, ok in decided
    }
    for category, (n, over) in reviewed.items():
        rows.setdefault(category, CategoryRow(category, 0, 0, n, over, Ratio(0, 0)))
    return tuple(rows[k] for k in sorted(rows))


def assessment_rates(*, session: Session, week: Week) -> tuple[dict[str, Ratio], Ratio]:
    by_category = {
        category: Ratio(_n(ok), _n(n))
        for category, n, ok in session.execute(
            select(
                Decision.category,
                func.count(),
                func.sum(case((Decision.outcome.in_(GOOD_OUTCOMES), 1), else_=0)),
            )
            .where(Decision.kind == "assessment", Decision.decided_at < week.end)
            .group_by(Decision.category)
            .order_by(Decision.category)
        ).all()
    }
    completed, passed = session.execute(
        select(func.count(), func.sum(case((Assessment.passed.is_(True), 1), else_=0))).where(
            Assessment.completed_at.is_not(None), Assessment.completed_at < week.end
        )
    ).one()
    return by_category, Ratio(_n(passed), _n(completed))


def supporting(*, session: Session, week: Week) -> Supporting:
    rows = category_rows(session=session, week=week)
    practice = Ratio(sum(r.practice.numerator for r in rows), sum(r.practice.denominator for r in rows))
    by_category, passed = assessment_rates(session=session, week=week)
    return Supporting(rows, practice, by_category, passed)
