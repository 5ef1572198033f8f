"""The Friday survey: validating and storing answers, and reporting them anonymously.

One response per person, survey and ISO week. Who answered (``SurveyResponse``) and
what was answered (``SurveyAnswer``: no person, no time, a random id) are stored
apart, so answers can be neither traced nor changed. The audit trail records that a
person answered (``survey.submitted``, no answers) and, separately, each published
group's answers shuffled with no person (``survey.published``). Answers never go to
the application logs.

Anonymity: :func:`aggregate` is the only way reports read survey results. Below
``program.thresholds.survey_anonymity_min`` responses it returns the count and
nothing else; at or above it, means per question and the comments, sorted so
that their order reveals nothing about who wrote them, and never with names.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Person, SurveyAnswer, SurveyResponse
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


ALREADY = (
    "You have already answered the survey for {week}. Answers are kept apart from who gave them, "
    "so they can't be changed."
)


def submit_survey(
    *,
    session: Session,
    now: datetime,
    person: Person,
    week: str,
    questions: Sequence[SurveyQuestion],
    submitted: SurveyAnswers,
    minimum: int,
    survey: str = WEEKLY,
    answers_as: str | None = None,
) -> Submitted:
    """Record that ``person`` answered and, apart from that, their answers with nothing leading back.

    One answer per person and week: nothing links the answers to the person, so they
    cannot be found again to change. When ``minimum`` answers are waiting they are
    published together as the next group (``survey.published``, shuffled, no person).
    ``answers_as``: the survey name the answers are filed (and published) under, when it
    differs from ``survey`` (the post-switchover survey files them per respondent group).
    """
    if get_response(session=session, person_id=person.id, week=week, survey=survey) is not None:
        raise DomainError(ALREADY.format(week=week))
    response = SurveyResponse(person_id=person.id, survey=survey, week=week, submitted_at=now)
    try:
        with session.begin_nested():
            session.add(response)
            session.flush()
    except IntegrityError:
        raise DomainError(ALREADY.format(week=week)) from None  # a double click: the first one counted
    answer_sum, answer_count, confidence = _columns(questions, submitted.answers)
    filed = answers_as or survey
    session.add(
        SurveyAnswer(
            id=secrets.token_hex(16),
            survey=filed,
            week=week,
            answers=dict(submitted.answers),
            answer_sum=answer_sum,
            answer_count=answer_count,
            confidence=confidence,
            comment=submitted.comment,
            batch=None,
        )
    )
    session.flush()
    _audited(session, now, person, survey, week)
    _publish_if_due(session, now, filed, week, minimum)
    return Submitted(response, False, True)


def _audited(session: Session, now: datetime, person: Person, survey: str, week: str) -> None:
    """That ``person`` answered (for reminders and counts): never what they answered."""
    append_event(
        session=session,
        now=now,
        actor=person.slack_user_id,
        action="survey.submitted",
        subject_type="survey",
        subject_id=f"{survey}:{week}",
        payload={"survey": survey, "week": week},
    )


def _publish_if_due(session: Session, now: datetime, survey: str, week: str, minimum: int) -> None:
    """Once ``minimum`` answers wait, publish them as the next group and audit them shuffled, unnamed."""
    of_week = (SurveyAnswer.survey == survey, SurveyAnswer.week == week)
    waiting = list(
        session.execute(select(SurveyAnswer).where(*of_week, SurveyAnswer.batch.is_(None))).scalars()
    )
    if len(waiting) < minimum:
        return
    batch = (session.execute(select(func.max(SurveyAnswer.batch)).where(*of_week)).scalar() or 0) + 1
    group = [{"answers": dict(a.answers), "comment": a.comment} for a in waiting]
    random.SystemRandom().shuffle(group)
    for answer in waiting:
        answer.batch = batch
    session.flush()
    append_event(
        session=session,
        now=now,
        actor="casebook",
        action="survey.published",
        subject_type="survey",
        subject_id=f"{survey}:{week}",
        payload={"survey": survey, "week": week, "batch": batch, "group": group},
    )


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


def aggregate(
    *,
    session: Session,
    week: str,
    minimum: int,
    survey: str = WEEKLY,
    answers_under: tuple[str, ...] | None = None,
) -> SurveyAggregate:
    """Aggregates over the published groups of answers; before the first group, only the count.

    Answers are published only in groups of at least ``minimum`` (see ``submit_survey``),
    so two views never differ by one person's answers. Comments come without names,
    sorted by their text so that their order says nothing about who wrote them or when.
    ``answers_under``: the survey names the answers are filed under (default: ``survey``).
    """
    of_week = (SurveyAnswer.survey.in_(answers_under or (survey,)), SurveyAnswer.week == week)
    rows = session.execute(
        select(
            SurveyAnswer.answers,
            SurveyAnswer.comment,
            SurveyAnswer.answer_sum,
            SurveyAnswer.answer_count,
            SurveyAnswer.confidence,
        ).where(*of_week, SurveyAnswer.batch.is_not(None))
    ).all()
    if not rows:
        waiting = session.execute(select(func.count()).where(*of_week)).scalar_one()
        return SurveyAggregate(week=week, responses=int(waiting), minimum=minimum)
    sums: dict[str, list[int]] = {}
    for row in rows:
        for key, value in row[0].items():
            if value is not None:  # an unanswered optional question
                sums.setdefault(key, []).append(int(value))
    total, answered = sum(int(r[2]) for r in rows), sum(int(r[3]) for r in rows)
    confidences = [int(r[4]) for r in rows if r[4] is not None]
    return SurveyAggregate(
        week=week,
        responses=len(rows),
        minimum=minimum,
        question_means={k: round(sum(v) / len(v), 2) for k, v in sorted(sums.items())},
        satisfaction_mean=round(total / answered, 2) if answered else None,
        confidence_mean=round(sum(confidences) / len(confidences), 2) if confidences else None,
        comments=tuple(sorted(str(r[1]).strip() for r in rows if r[1] and str(r[1]).strip())),
    )


def check_week(*, week: str, today: date) -> None:
    """This week's survey, or last week's, may be answered; anything else is closed."""
    open_weeks = {iso_week(today - timedelta(weeks=n)) for n in range(ANSWER_WEEKS + 1)}
    if week not in open_weeks:
        raise DomainError(f"The survey for {week} is closed. `/casebook survey` opens this week's.")
