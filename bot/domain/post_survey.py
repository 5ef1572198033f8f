"""The post-switchover survey (Friday of week 12): engineers, mentors and leads, anonymous.

It reuses the weekly survey's storage and rules (``bot.domain.surveys``): who answered
is a ``SurveyResponse`` (survey ``switchover``); what they answered is a ``SurveyAnswer``
with no person, filed under ``switchover:<group>`` so that results can be read per role
group. Each group's answers are published in groups of at least ``survey_anonymity_min``
on their own, so no figure ever rests on fewer people than that.

Role groups: ``leads`` are the pilots, leads and mentors (the people leading the new
model); ``engineers`` are everyone else asked. :func:`survey_by_group` gives per-group
means only when *every* group has a published group of answers: with one group hidden,
the overall mean minus the shown one would give the hidden group's answers away.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.db.models import PersonRole, SurveyAnswer, SurveyResponse
from bot.domain.surveys import SurveyAggregate, aggregate
from bot.domain.vocab import ENGINEERS, Role
from bot.program import Program, SurveyQuestion

SURVEY = "switchover"
ENGINEERS_GROUP = "engineers"
LEADS_GROUP = "leads"
GROUPS = (ENGINEERS_GROUP, LEADS_GROUP)
ANSWER_SURVEYS = tuple(f"{SURVEY}:{g}" for g in GROUPS)
# Who is asked: every engineer (pilots included), mentor and lead.
RESPONDENTS: frozenset[str] = ENGINEERS | {Role.MENTOR, Role.LEAD}
LEADING: frozenset[str] = frozenset({Role.PILOT, Role.LEAD, Role.MENTOR})


def group_of(roles: Iterable[str]) -> str:
    """The role group whose figures a person's answers count in."""
    return LEADS_GROUP if frozenset(roles) & LEADING else ENGINEERS_GROUP


def answers_under(group: str) -> str:
    """The survey name a group's answers are filed under."""
    return f"{SURVEY}:{group}"


def questions(program: Program) -> list[SurveyQuestion]:
    """The post-switchover questions in the weekly survey's shape (for its validation and storage)."""
    return [SurveyQuestion(**q.model_dump()) for q in program.voices.post_survey.questions]


@dataclass(frozen=True)
class GroupFigures:
    """One role group's post-switchover results: counts always, means only when safe to show."""

    group: str
    respondents: int  # people of the group who answered (a count is not an answer)
    published: int  # answers published in groups of at least the minimum
    satisfaction_mean: float | None  # mean of the satisfaction-kind answers; None below the minimum
    confidence_mean: float | None


@dataclass(frozen=True)
class SurveyByGroup:
    week: str
    minimum: int
    groups: dict[str, GroupFigures]

    @property
    def shown(self) -> bool:
        """Whether the per-group means are shown (every group met the minimum)."""
        return all(
            g.satisfaction_mean is not None or g.confidence_mean is not None for g in self.groups.values()
        )


def _respondents(session: Session, week: str) -> dict[str, int]:
    """How many of each group answered (two counts in SQL; the roles are today's)."""
    leading = select(PersonRole.person_id).where(PersonRole.role.in_(LEADING))
    total, leads = session.execute(
        select(func.count(), func.sum(case((SurveyResponse.person_id.in_(leading), 1), else_=0))).where(
            SurveyResponse.survey == SURVEY, SurveyResponse.week == week
        )
    ).one()
    return {ENGINEERS_GROUP: int(total or 0) - int(leads or 0), LEADS_GROUP: int(leads or 0)}


def survey_by_group(*, session: Session, program: Program, week: str) -> SurveyByGroup:
    """Per role group: respondents, published answers and means (None unless every group met the minimum)."""
    minimum = program.thresholds.survey_anonymity_min
    rows = session.execute(
        select(
            SurveyAnswer.survey,
            func.count(),
            func.sum(SurveyAnswer.answer_sum),
            func.sum(SurveyAnswer.answer_count),
            func.count(SurveyAnswer.confidence),
            func.sum(SurveyAnswer.confidence),
        )
        .where(
            SurveyAnswer.survey.in_(ANSWER_SURVEYS),
            SurveyAnswer.week == week,
            SurveyAnswer.batch.is_not(None),
        )
        .group_by(SurveyAnswer.survey)
    ).all()
    sums = {str(r[0]).split(":", 1)[1]: tuple(int(v or 0) for v in r[1:]) for r in rows}
    safe = all(sums.get(g, (0,))[0] >= minimum for g in GROUPS)
    respondents = _respondents(session, week)
    groups: dict[str, GroupFigures] = {}
    for group in GROUPS:
        published, total, answered, conf_n, conf_sum = sums.get(group, (0, 0, 0, 0, 0))
        groups[group] = GroupFigures(
            group=group,
            respondents=respondents[group],
            published=published,
            satisfaction_mean=round(total / answered, 2) if safe and answered else None,
            confidence_mean=round(conf_sum / conf_n, 2) if safe and conf_n else None,
        )
    return SurveyByGroup(week=week, minimum=minimum, groups=groups)


def post_survey_aggregate(*, session: Session, program: Program, week: str) -> SurveyAggregate:
    """Every group's published answers together: means per question, comments (sorted, unnamed).

    Below the first published group, only the count (as the weekly survey's ``aggregate``).
    """
    return aggregate(
        session=session,
        week=week,
        minimum=program.thresholds.survey_anonymity_min,
        survey=SURVEY,
        answers_under=ANSWER_SURVEYS,
    )
