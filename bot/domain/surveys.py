"""The Friday survey: validating and storing answers, and reporting them anonymously.

One response per person, survey and ISO week; a resubmission replaces the stored
answers and the audit trail keeps both versions (``survey.submitted`` with
before/after). Answers never go to the application logs.

Anonymity: :func:`aggregate` is the only way reports read survey results. Below
``program.thresholds.survey_anonymity_min`` responses it returns the count and
nothing else; at or above it, means per question and the comments, sorted so
that their order reveals nothing about who wrote them, and never with names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Person, SurveyResponse
from bot.domain.errors import DomainError
from bot.domain.weeks import iso_week
from bot.program import SurveyQuestion

WEEKLY = "weekly"
ANSWER_WEEKS = 1  # last week's survey can still be answered (e.g. over the weekend)
MAX_COMMENT = 2000
COMMENT_FIELD = "comment"


@dataclass(frozen=True)
class SurveyAnswers:
    answers: dict[str, int]
    comment: str | None

    @property
    def as_dict(self) -> dict[str, Any]:
        return {"answers": dict(self.answers), "comment": self.comment}


def validate_survey(
    *, questions: Sequence[SurveyQuestion], values: dict[str, str | None], comment: str | None
) -> tuple[SurveyAnswers | None, dict[str, str]]:
    """Every question answered 1–5 and a comment of sane length; errors keyed by question id."""
    errors: dict[str, str] = {}
    answers: dict[str, int] = {}
    for question in questions:
        raw = values.get(question.id)
        try:
            level = int(str(raw))
        except (TypeError, ValueError):
            level = 0
        if 1 <= level <= 5:
            answers[question.id] = level
        else:
            errors[question.id] = "Pick an answer from 1 (strongly disagree) to 5 (strongly agree)."
    text = (comment or "").strip() or None
    if text and len(text) > MAX_COMMENT:
        errors[COMMENT_FIELD] = f"Keep the comment under {MAX_COMMENT} characters (it has {len(text)})."
    return (None, errors) if errors else (SurveyAnswers(answers, text), {})


def _columns(questions: Sequence[SurveyQuestion], answers: dict[str, int]) -> tuple[int, int, int | None]:
    """(answer_sum, answer_count, confidence) for SQL aggregates."""
    kinds = {q.id: q.kind for q in questions}
    satisfaction = [v for k, v in answers.items() if kinds.get(k, "satisfaction") == "satisfaction"]
    confidence = [v for k, v in answers.items() if kinds.get(k) == "confidence"]
    return sum(satisfaction), len(satisfaction), (confidence[0] if confidence else None)


@dataclass(frozen=True)
class Submitted:
    response: SurveyResponse
    replaced: bool  # an earlier answer for the same week was replaced
    changed: bool  # False: an identical resubmission (a retry); nothing written


def get_response(
    *, session: Session, person_id: int, week: str, survey: str = WEEKLY
) -> SurveyResponse | None:
    return session.execute(
        select(SurveyResponse).where(
            SurveyResponse.person_id == person_id,
            SurveyResponse.survey == survey,
            SurveyResponse.week == week,
        )
    ).scalar_one_or_none()


def submit_survey(
    *,
    session: Session,
    now: datetime,
    person: Person,
    week: str,
    questions: Sequence[SurveyQuestion],
    submitted: SurveyAnswers,
    survey: str = WEEKLY,
) -> Submitted:
    """Store or replace this week's answers; the audit event keeps the previous version."""
    answer_sum, answer_count, confidence = _columns(questions, submitted.answers)
    response = get_response(session=session, person_id=person.id, week=week, survey=survey)
    if response is None:
        fresh = SurveyResponse(
            person_id=person.id,
            survey=survey,
            week=week,
            answers=dict(submitted.answers),
            answer_sum=answer_sum,
            answer_count=answer_count,
            confidence=confidence,
            comment=submitted.comment,
            submitted_at=now,
        )
        try:
            with session.begin_nested():
                session.add(fresh)
                session.flush()
        except IntegrityError:
            # A concurrent submit (double click) stored first; ours replaces it below.
            response = get_response(session=session, person_id=person.id, week=week, survey=survey)
            assert response is not None
        else:
            return _audited(session, now, person, survey, week, fresh, None, submitted)
    stored = SurveyAnswers({k: int(v) for k, v in response.answers.items()}, response.comment)
    if stored == submitted:
        return Submitted(response, False, False)
    response.answers = dict(submitted.answers)
    response.answer_sum, response.answer_count, response.confidence = answer_sum, answer_count, confidence
    response.comment, response.submitted_at = submitted.comment, now
    session.flush()
    return _audited(session, now, person, survey, week, response, stored, submitted)


def _audited(
    session: Session,
    now: datetime,
    person: Person,
    survey: str,
    week: str,
    response: SurveyResponse,
    before: SurveyAnswers | None,
    after: SurveyAnswers,
) -> Submitted:
    append_event(
        session=session,
        now=now,
        actor=person.slack_user_id,
        action="survey.submitted",
        subject_type="survey_response",
        subject_id=response.id,
        payload={
            "survey": survey,
            "week": week,
            "before": before.as_dict if before else None,
            "after": after.as_dict,
        },
    )
    return Submitted(response, before is not None, True)


def responders(*, session: Session, week: str, survey: str = WEEKLY) -> set[int]:
    """Ids of the people who answered ``week``."""
    return set(
        session.execute(
            select(SurveyResponse.person_id).where(
                SurveyResponse.survey == survey, SurveyResponse.week == week
            )
        ).scalars()
    )


@dataclass(frozen=True)
class SurveyAggregate:
    """A week's survey results, safe to show: nothing at all below the anonymity threshold."""

    week: str
    responses: int
    minimum: int
    question_means: dict[str, float] = field(default_factory=dict)
    satisfaction_mean: float | None = None  # mean of every satisfaction-kind answer
    confidence_mean: float | None = None
    comments: tuple[str, ...] = ()

    @property
    def suppressed(self) -> bool:
        return self.responses < self.minimum


def aggregate(*, session: Session, week: str, minimum: int, survey: str = WEEKLY) -> SurveyAggregate:
    """Aggregates for ``week`` when at least ``minimum`` people answered; otherwise only the count."""
    count, total, answered, confidence_sum, confidence_n = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(SurveyResponse.answer_sum), 0),
            func.coalesce(func.sum(SurveyResponse.answer_count), 0),
            func.coalesce(func.sum(SurveyResponse.confidence), 0),
            func.count(SurveyResponse.confidence),
        ).where(SurveyResponse.survey == survey, SurveyResponse.week == week)
    ).one()
    if count < minimum:
        return SurveyAggregate(week=week, responses=int(count), minimum=minimum)
    rows = session.execute(
        select(SurveyResponse.answers, SurveyResponse.comment).where(
            SurveyResponse.survey == survey, SurveyResponse.week == week
        )
    ).all()
    sums: dict[str, list[int]] = {}
    for answers, _ in rows:
        for key, value in answers.items():
            sums.setdefault(key, []).append(int(value))
    comments = sorted(c.strip() for _, c in rows if c and c.strip())
    return SurveyAggregate(
        week=week,
        responses=int(count),
        minimum=minimum,
        question_means={k: round(sum(v) / len(v), 2) for k, v in sorted(sums.items())},
        satisfaction_mean=round(int(total or 0) / answered, 2) if answered else None,
        confidence_mean=round(int(confidence_sum or 0) / confidence_n, 2) if confidence_n else None,
        comments=tuple(comments),
    )


def check_week(*, week: str, today: date) -> None:
    """This week's survey, or last week's, may be answered; anything else is closed."""
    open_weeks = {iso_week(today - timedelta(weeks=n)) for n in range(ANSWER_WEEKS + 1)}
    if week not in open_weeks:
        raise DomainError(f"The survey for {week} is closed. `/casebook survey` opens this week's.")
