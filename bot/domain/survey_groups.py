"""The weekly survey's satisfaction by group (pilots and leads, everyone else), kept anonymous.

When someone answers the weekly survey, their satisfaction sum is also stored with only
their group (``SurveyGroupAnswer``: no person, no time, a random id). A group's answers
are published in batches of at least ``survey_anonymity_min``, like the survey's own
(bot.domain.surveys), so a group's mean only ever moves by a batch of that many answers,
never by one person's. :func:`grouped_satisfaction` reads published batches only and gives
no mean for a group below the minimum.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models_policy import SURVEY_GROUPS, SurveyGroupAnswer
from bot.domain.surveys import WEEKLY
from bot.domain.vocab import Role
from bot.program import SurveyQuestion

PILOTS_LEADS, OTHERS = SURVEY_GROUPS
GROUP_ROLES = frozenset({Role.PILOT, Role.LEAD})
GROUP_LABELS = {PILOTS_LEADS: "pilots and leads", OTHERS: "everyone else"}


def group_of(roles: frozenset[str]) -> str:
    """The satisfaction-gap group of someone holding ``roles``."""
    return PILOTS_LEADS if roles & GROUP_ROLES else OTHERS


def record_group_answer(
    *,
    session: Session,
    roles: frozenset[str],
    week: str,
    questions: Sequence[SurveyQuestion],
    answers: Mapping[str, int],
    minimum: int,
    survey: str = WEEKLY,
) -> None:
    """Store one answer's satisfaction under its group only; publish the group's batch when due."""
    satisfaction = {q.id for q in questions if q.kind == "satisfaction"}
    levels = [int(v) for k, v in answers.items() if k in satisfaction]
    if not levels:
        return
    answer_sum, answer_count = sum(levels), len(levels)
    group = group_of(roles)
    session.add(
        SurveyGroupAnswer(
            id=secrets.token_hex(16),
            survey=survey,
            week=week,
            group_name=group,
            answer_sum=answer_sum,
            answer_count=answer_count,
            batch=None,
        )
    )
    session.flush()
    of_group = (
        SurveyGroupAnswer.survey == survey,
        SurveyGroupAnswer.week == week,
        SurveyGroupAnswer.group_name == group,
    )
    waiting = list(
        session.execute(
            select(SurveyGroupAnswer).where(*of_group, SurveyGroupAnswer.batch.is_(None))
        ).scalars()
    )
    if len(waiting) < minimum:
        return
    batch = (session.execute(select(func.max(SurveyGroupAnswer.batch)).where(*of_group)).scalar() or 0) + 1
    for answer in waiting:
        answer.batch = batch
    session.flush()


@dataclass(frozen=True)
class GroupMean:
    group: str
    responses: int  # published answers only
    mean: float | None  # None below the anonymity minimum

    @property
    def label(self) -> str:
        return GROUP_LABELS[self.group]


def grouped_satisfaction(
    *, session: Session, week: str, minimum: int, survey: str = WEEKLY
) -> dict[str, GroupMean]:
    """Each group's mean satisfaction (1–5) in ``week``, from published answers, or None below ``minimum``."""
    rows = session.execute(
        select(
            SurveyGroupAnswer.group_name,
            func.count(),
            func.sum(SurveyGroupAnswer.answer_sum),
            func.sum(SurveyGroupAnswer.answer_count),
        )
        .where(
            SurveyGroupAnswer.survey == survey,
            SurveyGroupAnswer.week == week,
            SurveyGroupAnswer.batch.is_not(None),
        )
        .group_by(SurveyGroupAnswer.group_name)
    ).all()
    found = {str(r[0]): (int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows}
    out: dict[str, GroupMean] = {}
    for group in SURVEY_GROUPS:
        responses, total, answered = found.get(group, (0, 0, 0))
        mean = round(total / answered, 2) if responses >= minimum and answered else None
        out[group] = GroupMean(group=group, responses=responses, mean=mean)
    return out
