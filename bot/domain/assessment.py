"""The readiness assessment: a balanced plan, one card at a time, a score, a mentor's sign-off.

* Plan: ``size`` scenarios (20 by default) spread over the categories as evenly as
  possible (3 each and 2 for one, with 7 categories; which one gets fewer is drawn
  per attempt); inside a category complexities are mixed, and scenarios the engineer
  has not answered come first, then the least recently answered. Serving order is
  shuffled. The draw is seeded by person and attempt, so a plan can be reproduced.
* Score: correct-or-acceptable answers ÷ size; pass at ``thresholds.assessment_pass``.
* Ready = the latest completed assessment passed and was signed off by the engineer's
  mentor or a lead/admin. An assessment in progress does not change readiness.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Assessment, Assignment, Decision, Person, ScenarioVersion
from bot.domain.errors import Conflict, Forbidden, NotFound
from bot.domain.library import COMPLEXITIES
from bot.domain.people import mentor_of
from bot.domain.practice import GOOD_OUTCOMES, Candidate, candidates, history, lock_person

SIGNERS = frozenset({"lead", "admin"})  # besides the engineer's own mentor


def category_quotas(categories: Sequence[str], size: int, rng: random.Random) -> dict[str, int]:
    """``size`` spread evenly; the categories that get one more are drawn by ``rng``."""
    base, extra = divmod(size, len(categories))
    lucky = set(rng.sample(list(categories), extra))
    return {c: base + (c in lucky) for c in categories}


def plan_assessment(
    *,
    session: Session,
    person_id: int,
    categories: Sequence[str],
    size: int,
    seed: str,
    slugs: Collection[str] | None = None,
) -> list[int]:
    """Scenario version ids for a new assessment, in serving order (from ``slugs`` only, if given)."""
    rng = random.Random(seed)
    pool = candidates(session=session, slugs=slugs)
    if len(pool) < size:
        where = "assessment pool" if slugs is not None else "library"
        raise Conflict(f"The {where} has {len(pool)} scenarios; an assessment needs {size}.")
    past = history(session=session, person_id=person_id, categories=categories)
    by_category: dict[str, list[Candidate]] = defaultdict(list)
    for item in pool:
        by_category[item.category].append(item)
    present = [c for c in categories if by_category.get(c)]
    quotas = category_quotas(present, size, rng)
    chosen: list[Candidate] = []

    def freshness(c: Candidate) -> tuple[bool, datetime, float]:
        seen = past.last_answered.get(c.scenario_id)
        return (seen is not None, seen or datetime.min, rng.random())

    for category in present:
        available = sorted(by_category[category], key=freshness)
        levels = list(COMPLEXITIES)
        rng.shuffle(levels)
        used: set[str] = set()
        for i in range(min(quotas[category], len(available))):
            pick = _pick(available, levels[i % len(levels)], used, past.last_answered)
            available.remove(pick)
            used.add(pick.complexity)
            chosen.append(pick)
    if len(chosen) < size:  # a thin category: top up from the others, freshest first
        rest = sorted((c for c in pool if c not in chosen), key=freshness)
        chosen.extend(rest[: size - len(chosen)])
    rng.shuffle(chosen)
    return [c.version_id for c in chosen]


def _pick(available: list[Candidate], level: str, used: set[str], seen: Mapping[int, datetime]) -> Candidate:
    """Unseen before seen; within that, the wanted level, else a level not yet in the plan."""
    unseen = [c for c in available if c.scenario_id not in seen]
    for group in (unseen, available):
        for wanted in (
            lambda c: c.complexity == level,
            lambda c: c.complexity not in used,
            lambda c: True,
        ):
            found = next((c for c in group if wanted(c)), None)
            if found is not None:
                return found
    raise LookupError("no scenario left to pick")


def in_progress(*, session: Session, person_id: int) -> Assessment | None:
    return session.execute(
        select(Assessment)
        .where(Assessment.person_id == person_id, Assessment.completed_at.is_(None))
        .order_by(Assessment.id.desc())
        .limit(1)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class Started:
    assessment: Assessment
    created: bool  # False: one was already in progress


def start_assessment(
    *,
    session: Session,
    now: datetime,
    person_id: int,
    actor: str,
    categories: Sequence[str],
    size: int,
    slugs: Collection[str] | None = None,
) -> Started:
    """Begin an assessment, or return the one in progress (a double click starts one)."""
    lock_person(session=session, person_id=person_id)
    current = in_progress(session=session, person_id=person_id)
    if current is not None:
        return Started(current, False)
    attempt = 1 + int(
        session.execute(
            select(func.count(Assessment.id)).where(Assessment.person_id == person_id)
        ).scalar_one()
    )
    plan = plan_assessment(
        session=session,
        person_id=person_id,
        categories=categories,
        size=size,
        seed=f"{person_id}:{attempt}",
        slugs=slugs,
    )
    assessment = Assessment(person_id=person_id, size=size, plan=plan, started_at=now)
    session.add(assessment)
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=actor,
        action="assessment.started",
        subject_type="assessment",
        subject_id=assessment.id,
        payload={"person_id": person_id, "size": size, "plan": plan, "attempt": attempt},
    )
    return Started(assessment, True)


def answered(*, session: Session, assessment_id: int) -> int:
    return int(
        session.execute(
            select(func.count(Decision.id))
            .join(Assignment, Decision.assignment_id == Assignment.id)
            .where(Assignment.assessment_id == assessment_id)
        ).scalar_one()
    )


@dataclass(frozen=True)
class Answer:
    position: int
    title: str
    category: str
    verdict: str
    expected: str
    outcome: str


@dataclass(frozen=True)
class AssessmentResult:
    assessment_id: int
    person_id: int
    size: int
    good: int
    score: float
    passed: bool
    threshold: float
    answers: list[Answer] = field(default_factory=list)

    def by_category(self) -> dict[str, tuple[int, int]]:
        """category -> (good, asked)."""
        out: dict[str, tuple[int, int]] = {}
        for a in self.answers:
            good, asked = out.get(a.category, (0, 0))
            out[a.category] = (good + (a.outcome in GOOD_OUTCOMES), asked + 1)
        return out


def passes(*, good: int, size: int, threshold: float) -> bool:
    """``good / size >= threshold`` without float surprises (16/20 at 0.8 passes)."""
    return good >= math.ceil(round(threshold * size, 9))


def result_of(*, session: Session, assessment: Assessment, threshold: float) -> AssessmentResult:
    rows = session.execute(
        select(Assignment.position, Decision, ScenarioVersion.expected_verdict)
        .join(Decision, Decision.assignment_id == Assignment.id)
        .join(ScenarioVersion, Assignment.scenario_version_id == ScenarioVersion.id)
        .where(Assignment.assessment_id == assessment.id)
        .order_by(Assignment.position)
    ).all()
    answers = [
        Answer(
            position=int(position or 0),
            title=d.title,
            category=d.category,
            verdict=d.verdict,
            expected=expected,
            outcome=d.outcome or "differs",
        )
        for position, d, expected in rows
    ]
    good = sum(a.outcome in GOOD_OUTCOMES for a in answers)
    return AssessmentResult(
        assessment_id=assessment.id,
        person_id=assessment.person_id,
        size=assessment.size,
        good=good,
        score=good / assessment.size,
        # once scored, the recorded verdict stands even if the pass mark changes later
        passed=assessment.passed
        if assessment.passed is not None
        else passes(good=good, size=assessment.size, threshold=threshold),
        threshold=threshold,
        answers=answers,
    )


def complete(
    *, session: Session, now: datetime, assessment: Assessment, threshold: float, actor: str
) -> AssessmentResult | None:
    """Score a fully answered assessment once; None if unfinished or already scored."""
    if answered(session=session, assessment_id=assessment.id) < assessment.size:
        return None
    result = result_of(session=session, assessment=assessment, threshold=threshold)
    claimed = session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.completed_at.is_(None))
        .values(completed_at=now, score=result.score, passed=result.passed)
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        return None
    session.refresh(assessment)
    append_event(
        session=session,
        now=now,
        actor=actor,
        action="assessment.completed",
        subject_type="assessment",
        subject_id=assessment.id,
        payload={"score": result.score, "good": result.good, "size": result.size, "passed": result.passed},
    )
    return result


def may_sign_off(*, session: Session, signer: Person, engineer_id: int) -> bool:
    """The engineer's own mentor, or any lead or admin; never the engineer themself."""
    if signer.id == engineer_id:
        return False
    if signer.role_names & SIGNERS:
        return True
    mentor = mentor_of(session=session, person_id=engineer_id)
    return mentor is not None and mentor.id == signer.id and "mentor" in signer.role_names


def sign_off(*, session: Session, now: datetime, assessment_id: int, signer: Person) -> Assessment:
    """Record readiness sign-off on a passed assessment, once."""
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound("That assessment does not exist.")
    engineer = session.get(Person, assessment.person_id)
    assert engineer is not None
    if not may_sign_off(session=session, signer=signer, engineer_id=engineer.id):
        raise Forbidden(f"Only {engineer.name}'s mentor or a lead can sign off their readiness.")
    if assessment.completed_at is None or not assessment.passed:
        raise Conflict("Only a completed, passed assessment can be signed off.")
    if assessment.signed_off_by is not None:
        who = session.get(Person, assessment.signed_off_by)
        raise Conflict(f"Already signed off by {who.name if who else 'someone'}.")
    claimed = session.execute(
        update(Assessment)
        .where(Assessment.id == assessment_id, Assessment.signed_off_by.is_(None))
        .values(signed_off_by=signer.id, signed_off_at=now)
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        raise Conflict("Someone else signed this off a moment ago.")
    session.refresh(assessment)
    append_event(
        session=session,
        now=now,
        actor=signer.slack_user_id,
        action="assessment.signed_off",
        subject_type="assessment",
        subject_id=assessment_id,
        payload={"engineer": engineer.slack_user_id, "score": assessment.score},
    )
    return assessment


@dataclass(frozen=True)
class AttemptSummary:
    """One assessment attempt as plain values, safe to read after the session has closed."""

    id: int
    size: int
    score: float | None
    passed: bool | None

    @classmethod
    def of(cls, assessment: Assessment | None) -> AttemptSummary | None:
        """The summary of ``assessment``, or None."""
        if assessment is None:
            return None
        return cls(assessment.id, assessment.size, assessment.score, assessment.passed)


@dataclass(frozen=True)
class Readiness:
    """What App Home shows about someone's assessment (plain values, no ORM rows)."""

    state: str  # not_taken | in_progress | failed | awaiting_sign_off | ready
    latest: AttemptSummary | None  # the latest completed one
    current: AttemptSummary | None  # the one in progress
    current_answered: int = 0
    signed_off_by: str | None = None  # name

    @property
    def ready(self) -> bool:
        return self.state == "ready"


def readiness(*, session: Session, person_id: int) -> Readiness:
    current = in_progress(session=session, person_id=person_id)
    current_answered = 0
    if current is not None:
        current_answered = answered(session=session, assessment_id=current.id)
    latest = session.execute(
        select(Assessment)
        .where(Assessment.person_id == person_id, Assessment.completed_at.is_not(None))
        .order_by(Assessment.completed_at.desc(), Assessment.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if latest is None:
        state = "in_progress" if current is not None else "not_taken"
        return Readiness(state, None, AttemptSummary.of(current), current_answered)
    if not latest.passed:
        state = "failed"
    elif latest.signed_off_by is None:
        state = "awaiting_sign_off"
    else:
        state = "ready"
    signer = session.get(Person, latest.signed_off_by) if latest.signed_off_by else None
    if current is not None and state != "ready":
        state = "in_progress"
    signed_off_by = signer.name if signer else None
    return Readiness(
        state, AttemptSummary.of(latest), AttemptSummary.of(current), current_answered, signed_off_by
    )


def position_of_next(*, session: Session, assessment: Assessment) -> int | None:
    """The next position to deal (1-based), or None when every question is out."""
    dealt = int(
        session.execute(
            select(func.max(Assignment.position)).where(Assignment.assessment_id == assessment.id)
        ).scalar_one()
        or 0
    )
    return dealt + 1 if dealt < assessment.size else None
