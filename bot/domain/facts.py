"""The raw counts behind the metrics for one week, each gathered by one SQL aggregate.

Nothing here loads rows into Python: every query returns a handful of numbers (a
median comes from ``sqlstats.median``). The indexes that keep these queries fast at a
million decisions are declared on the models (see docs/metrics.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import Decision, Person, PersonRole, SurveyAnswer, SurveyResponse
from bot.domain import post_survey
from bot.domain.incidents import Baseline, Breach, baselines, week_breaches, week_medians
from bot.domain.vocab import ENGINEERS, Cohort
from bot.domain.weeks import Week
from bot.program import Program

WEEKLY_SURVEY = "weekly"


@dataclass(frozen=True)
class DayCount:
    day: date
    decisions: int
    escalated: int


@dataclass(frozen=True)
class LiveFacts:
    total: int
    escalated: int
    days: tuple[DayCount, ...]
    adopters: int = 0  # engineers (see engineer_filter) with at least one live decision


@dataclass(frozen=True)
class ReviewFacts:
    reviewed: int
    overturned: int


@dataclass(frozen=True)
class SurveyFacts:
    """A week's survey: who in the cohort answered (counts), sums over *published* answers only.

    Answers are published in groups of at least ``survey_anonymity_min`` (nothing below
    it), so no two views differ by fewer than ``minimum`` people's answers (no one's
    answers can be worked out by subtraction).
    """

    responses: int  # people of the cohort who answered (a count is not an answer)
    answer_sum: int  # the sums below cover the published answers only
    answer_count: int
    confidence_n: int
    confidence_sum: int
    engineer_responses: int
    published: int = 0
    minimum: int = 1
    answered: int = 0  # answers from everyone asked, published or waiting for their group

    def counted(self, *, responses: int, engineer_responses: int) -> SurveyFacts:
        """These answer figures with a cohort's response counts."""
        return replace(self, responses=responses, engineer_responses=engineer_responses)


@dataclass(frozen=True)
class IncidentFacts:
    week: dict[str, tuple[int, float | None]]  # priority -> (count, median minutes)
    baselines: dict[str, Baseline]
    breach_count: int = 0  # incidents over their priority's absolute limit (P1 30 min, P2 4 h)
    breaches: tuple[Breach, ...] = ()  # the slowest of them, for naming

    @property
    def count(self) -> int:
        return sum(n for n, _ in self.week.values())


@dataclass(frozen=True)
class Leaver:
    name: str
    left_at: datetime
    reason: str | None


@dataclass(frozen=True)
class PeopleFacts:
    engineers: int  # on the roster and not gone before the week began
    adopted: int  # of those, with at least one live decision this week
    leavers_total: int  # left since the program started, up to the week's end
    leavers_this_week: tuple[Leaver, ...]


@dataclass(frozen=True)
class WeekFacts:
    week: Week
    live: LiveFacts
    practice_decisions: int
    reviews: ReviewFacts
    survey: SurveyFacts
    incidents: IncidentFacts
    people: PeopleFacts
    cohort: Cohort = Cohort.ENGINEERS  # whose numbers these are; ``people.engineers`` is how many
    post_survey: SurveyFacts | None = None  # the post-switchover survey (engineers, mentors, leads)

    @property
    def empty(self) -> bool:
        """Nothing at all was recorded this week (the digest then says "no data yet")."""
        return not (
            self.live.total
            or self.practice_decisions
            or self.reviews.reviewed
            or self.survey.responses
            or (self.post_survey is not None and self.post_survey.answered)
            or self.incidents.count
        )


def _n(value: Any) -> int:
    return int(value or 0)


def in_week(column: Any, week: Week) -> ColumnElement[bool]:
    """``week.start <= column < week.end``."""
    return and_(column >= week.start, column < week.end)


def holds_role(roles: frozenset[str]) -> ColumnElement[bool]:
    """People holding any of ``roles`` (whose decisions, reviews and answers a cohort counts)."""
    return Person.id.in_(select(PersonRole.person_id).where(PersonRole.role.in_(roles)))


def in_cohort(person_id: Any, roles: frozenset[str]) -> ColumnElement[bool]:
    """``person_id`` belongs to someone holding one of ``roles``, tested row by row.

    ``+ 0`` keeps SQLite from driving the query through the person index, one cohort
    member at a time (seconds over 1M decisions): the week's range of the time index
    stays the plan, and the cohort is one lookup in a set built once.
    """
    member: ColumnElement[bool] = (person_id + 0).in_(select(Person.id).where(holds_role(roles)))
    return member


def engineer_filter(week: Week, roles: frozenset[str] = ENGINEERS) -> list[ColumnElement[bool]]:
    """People counted in ``week``'s denominators: holding one of ``roles``, on the roster, still here.

    A leaver leaves the denominators from the day they leave: they are not counted in
    the week they leave (whose end they are no longer here for) nor in any later one.
    """
    return [holds_role(roles), *still_here(week)]


def still_here(week: Week) -> list[ColumnElement[bool]]:
    """On the roster by ``week``'s end and not gone before it (``engineer_filter`` without the roles)."""
    return [or_(Person.status == "active", Person.left_at >= week.end), Person.created_at < week.end]


def practice_count(*, session: Session, week: Week) -> int:
    return _n(
        session.execute(
            select(func.count()).where(Decision.kind == "practice", in_week(Decision.decided_at, week))
        ).scalar_one()
    )


def survey_facts(
    *,
    session: Session,
    week: Week,
    minimum: int,
    roles: frozenset[str] = ENGINEERS,
    survey: str = WEEKLY_SURVEY,
    answers_under: tuple[str, ...] | None = None,
) -> SurveyFacts:
    """Who in the cohort answered (counts), and the sums of the published, anonymous answers.

    Answers are stored apart from who gave them, so they cover everyone who answered,
    whatever the cohort; only whole published groups of ``minimum`` are summed.
    ``answers_under``: the survey names its answers are filed under (default: ``survey``).
    """
    engineers = select(Person.id).where(*engineer_filter(week, roles))
    asked = func.sum(case((SurveyResponse.person_id.in_(engineers), 1), else_=0))
    responses, engineer_responses = session.execute(
        select(func.count(), asked).where(
            SurveyResponse.week == week.label,
            SurveyResponse.survey == survey,
            SurveyResponse.person_id.in_(select(Person.id).where(holds_role(roles))),
        )
    ).one()
    return answer_sums(
        session=session, week=week, minimum=minimum, surveys=answers_under or (survey,)
    ).counted(responses=_n(responses), engineer_responses=_n(engineer_responses))


def answer_sums(*, session: Session, week: Week, minimum: int, surveys: tuple[str, ...]) -> SurveyFacts:
    """The week's answers filed under ``surveys``: how many, and the sums of the published ones.

    Whoever the cohort, the same figures: answers are kept apart from who gave them.
    The result counts no responses; ``SurveyFacts.counted`` adds a cohort's.
    """
    is_published = SurveyAnswer.batch.is_not(None)
    row = session.execute(
        select(
            func.count(),
            func.sum(case((is_published, 1), else_=0)),
            func.sum(case((is_published, SurveyAnswer.answer_sum), else_=0)),
            func.sum(case((is_published, SurveyAnswer.answer_count), else_=0)),
            func.count(case((is_published, SurveyAnswer.confidence))),
            func.sum(case((is_published, SurveyAnswer.confidence), else_=0)),
        ).where(SurveyAnswer.week == week.label, SurveyAnswer.survey.in_(surveys))
    ).one()
    answered, published, answer_sum, answer_count, confidence_n, confidence_sum = (_n(v) for v in row)
    return SurveyFacts(
        responses=0,
        answer_sum=answer_sum,
        answer_count=answer_count,
        confidence_n=confidence_n,
        confidence_sum=confidence_sum,
        engineer_responses=0,
        published=published,
        minimum=minimum,
        answered=answered,
    )


def incident_facts(*, session: Session, week: Week, program: Program) -> IncidentFacts:
    t = program.thresholds
    count, listed = week_breaches(session=session, week=week, limits={"P1": t.p1_minutes, "P2": t.p2_minutes})
    return IncidentFacts(
        week=week_medians(session=session, week=week),
        baselines=baselines(session=session, program=program),
        breach_count=count,
        breaches=tuple(listed),
    )


def post_survey_facts(*, session: Session, week: Week, program: Program) -> SurveyFacts:
    """The post-switchover survey's counts and published sums (everyone asked, every role group)."""
    return survey_facts(
        session=session,
        week=week,
        minimum=program.thresholds.survey_anonymity_min,
        roles=post_survey.RESPONDENTS,
        survey=post_survey.SURVEY,
        answers_under=post_survey.ANSWER_SURVEYS,
    )
