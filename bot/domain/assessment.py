"""The readiness assessment: a balanced plan, one card at a time, a score, a mentor's sign-off.

* Plan (``bot.domain.assessment_plan``): ``size`` scenarios (20 by default) from the
  held-out assessment pool, spread over the categories, complexities mixed, and never a
  scenario this engineer has been shown before, so a retake is a fresh form.
* Score: correct-or-acceptable answers ÷ size; the verdicts pass only *above*
  ``thresholds.assessment_pass`` (>80%: 16/20 fails, 17/20 passes).
* Reasoning: sound cards ÷ size (``bot.domain.reasoning``); passing also needs at least
  ``thresholds.reasoning_pass`` (60% by default).
* Ready = the latest completed assessment passed and was signed off by the engineer's
  mentor or a lead/admin. An assessment in progress does not change readiness.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Assessment, Assignment, Decision, Person, ScenarioVersion
from bot.domain.assessment_plan import category_quotas, plan_assessment, seen_scenarios
from bot.domain.errors import Conflict, Forbidden, NotFound
from bot.domain.people import mentor_of
from bot.domain.practice import GOOD_OUTCOMES, lock_person
from bot.domain.reasoning import soundness

__all__ = ["category_quotas", "plan_assessment", "seen_scenarios"]  # re-exported: the plan lives apart

SIGNERS = frozenset({"lead", "admin"})  # besides the engineer's own mentor


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
    rationale: str = ""
    mentor_notes: str = ""  # for the mentor's copy only
    sound: bool = False
    named: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()


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
    sound: int = 0
    reasoning_threshold: float = 0.0

    @property
    def reasoning_score(self) -> float:
        return self.sound / self.size if self.size else 0.0

    def by_category(self) -> dict[str, tuple[int, int]]:
        """category -> (good, asked)."""
        out: dict[str, tuple[int, int]] = {}
        for a in self.answers:
            good, asked = out.get(a.category, (0, 0))
            out[a.category] = (good + (a.outcome in GOOD_OUTCOMES), asked + 1)
        return out


def passes(*, good: int, size: int, threshold: float) -> bool:
    """``good / size > threshold`` without float surprises (16/20 at 0.8 fails, 17/20 passes)."""
    return good >= math.floor(round(threshold * size, 9)) + 1


def reasoning_passes(*, sound: int, size: int, threshold: float) -> bool:
    """``sound / size >= threshold`` (an at-least mark: 12/20 at 0.6 passes)."""
    return sound >= math.ceil(round(threshold * size, 9))


def result_of(
    *, session: Session, assessment: Assessment, threshold: float, reasoning_threshold: float = 0.0
) -> AssessmentResult:
    """The attempt's answers with rationale and soundness; ``reasoning_threshold`` 0 grades verdicts only."""
    rows = session.execute(
        select(Assignment.position, Decision, ScenarioVersion.expected_verdict, ScenarioVersion.content)
        .join(Decision, Decision.assignment_id == Assignment.id)
        .join(ScenarioVersion, Assignment.scenario_version_id == ScenarioVersion.id)
        .where(Assignment.assessment_id == assessment.id)
        .order_by(Assignment.position)
    ).all()
    found = soundness(session=session, decision_ids=[d.id for _, d, _, _ in rows])
    answers = [
        Answer(
            position=int(position or 0),
            title=d.title,
            category=d.category,
            verdict=d.verdict,
            expected=expected,
            outcome=d.outcome or "differs",
            rationale=str(content.get("rationale", "")),
            mentor_notes=str(content.get("mentor_notes", "")),
            sound=found[d.id].sound if d.id in found else False,
            named=tuple(found[d.id].found.named) if d.id in found else (),
            missed=tuple(found[d.id].found.missed) if d.id in found else (),
        )
        for position, d, expected, content in rows
    ]
    good = sum(a.outcome in GOOD_OUTCOMES for a in answers)
    sound = sum(a.sound for a in answers)
    size = assessment.size
    fresh = passes(good=good, size=size, threshold=threshold) and reasoning_passes(
        sound=sound, size=size, threshold=reasoning_threshold
    )
    return AssessmentResult(
        assessment_id=assessment.id,
        person_id=assessment.person_id,
        size=size,
        good=good,
        score=good / size,
        # once scored, the recorded verdict stands even if the pass mark changes later
        passed=assessment.passed if assessment.passed is not None else fresh,
        threshold=threshold,
        answers=answers,
        sound=sound,
        reasoning_threshold=reasoning_threshold,
    )


def complete(
    *,
    session: Session,
    now: datetime,
    assessment: Assessment,
    threshold: float,
    actor: str,
    reasoning_threshold: float = 0.0,
) -> AssessmentResult | None:
    """Score a fully answered assessment once; None if unfinished or already scored."""
    if answered(session=session, assessment_id=assessment.id) < assessment.size:
        return None
    result = result_of(
        session=session, assessment=assessment, threshold=threshold, reasoning_threshold=reasoning_threshold
    )
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
        payload={
            "score": result.score,
            "good": result.good,
            "sound": result.sound,
            "size": result.size,
            "passed": result.passed,
        },
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
