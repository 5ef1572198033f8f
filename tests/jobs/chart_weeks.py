"""Hand-built scorecards for chart tests and previews: empty, partial, full and failing weeks."""

from __future__ import annotations

import random

from bot.domain.facts import IncidentFacts, LiveFacts, PeopleFacts, ReviewFacts, SurveyFacts, WeekFacts
from bot.domain.incidents import Baseline
from bot.domain.metrics import Scorecard, scorecard_from_facts
from bot.domain.vocab import Cohort
from bot.domain.weeks import parse_week
from bot.program import Program

BASELINES = {"P1": Baseline("P1", 18, "config", 0), "P2": Baseline("P2", 95, "config", 0)}


def card(
    program: Program,
    label: str,
    *,
    live: tuple[int, int] = (0, 0),
    reviews: tuple[int, int] = (0, 0),
    survey: tuple[int, float] = (0, 0.0),
    p1: tuple[int, float | None] = (0, None),
    engineers: int = 3,
    leavers: int = 0,
) -> Scorecard:
    """A week's scorecard: live (total, escalated), reviews (reviewed, overturned), survey (n, mean)."""
    n, mean = survey
    facts = WeekFacts(
        week=parse_week(label, program.tz),
        live=LiveFacts(live[0], live[1], ()),
        practice_decisions=0,
        reviews=ReviewFacts(*reviews),
        survey=SurveyFacts(
            responses=n,
            answer_sum=round(mean * 4 * n),
            answer_count=4 * n,
            confidence_n=n,
            confidence_sum=round(mean * n),
            engineer_responses=n,
            published=n,
            minimum=3,
            answered=n,
        ),
        incidents=IncidentFacts(week={"P1": p1, "P2": (0, None)}, baselines=BASELINES),
        people=PeopleFacts(engineers=engineers, adopted=0, leavers_total=leavers, leavers_this_week=()),
        cohort=Cohort.PILOTS,
    )
    return scorecard_from_facts(facts, program)


def empty(program: Program, label: str) -> Scorecard:
    return card(program, label, engineers=0)


def partial(program: Program, label: str) -> Scorecard:
    """Two live decisions (one escalated: a 50% handling rate on too few), nothing else."""
    return card(program, label, live=(2, 1))


def full(program: Program, label: str) -> Scorecard:
    return card(program, label, live=(20, 3), reviews=(8, 0), survey=(3, 4.2), p1=(3, 18.0))


def failing(program: Program, label: str) -> Scorecard:
    return card(program, label, live=(20, 9), reviews=(8, 2), survey=(3, 2.6), p1=(3, 31.0), leavers=2)


def season(program: Program) -> list[Scorecard]:
    """Five weeks as a pilot goes: empty, partial, full, full, failing."""
    return [
        empty(program, "2026-W43"),
        partial(program, "2026-W44"),
        full(program, "2026-W45"),
        card(program, "2026-W46", live=(24, 5), reviews=(9, 0), survey=(3, 3.9), p1=(4, 19.0)),
        failing(program, "2026-W47"),
    ]


def many(program: Program, weeks: int, seed: int = 3) -> list[Scorecard]:
    """``weeks`` busy weeks with values jumping about (a crowded chart), the same for a seed."""
    rng = random.Random(seed)
    return [
        card(
            program,
            f"2026-W{20 + i:02d}",
            live=(20, rng.randint(1, 9)),
            reviews=(8, rng.randint(0, 2)),
            survey=(3, rng.uniform(2.5, 4.6)),
            p1=(3, rng.uniform(15, 25)),
            leavers=rng.randint(0, 2),
        )
        for i in range(weeks)
    ]
