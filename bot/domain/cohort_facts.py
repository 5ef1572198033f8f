"""A week's facts for several cohorts at once: each table is read once, not once per cohort.

The scorecard judges two cohorts (the pilots in the parallel run, every engineer in
the switchover; ``phases[].cohort``). Gathering one cohort's counts statement by
statement and then the second the same way reads the week's live decisions, reviews and survey
responses again (over 1M decisions, half the scorecard's time). Here each statement
reads the rows of everyone in *any* of the cohorts once, and labels each row with the
cohorts its person belongs to (a 0/1 column per cohort, grouped on): every cohort's
figures come out of the one pass, equal to what one cohort's own statements give
(``tests/domain/facts_oracle.py`` keeps those as the reference the tests compare with).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, text
from sqlalchemy.orm import Session

from bot.db.models import Decision, Person, PersonRole, Review, SurveyResponse
from bot.domain.facts import (
    WEEKLY_SURVEY,
    DayCount,
    Leaver,
    LiveFacts,
    PeopleFacts,
    ReviewFacts,
    WeekFacts,
    answer_sums,
    engineer_filter,
    holds_role,
    in_cohort,
    in_week,
    incident_facts,
    post_survey_facts,
    practice_count,
    still_here,
)
from bot.domain.vocab import COHORT_ROLES, Cohort, Verdict
from bot.domain.weeks import Week, local_midnight
from bot.program import Program


@dataclass(frozen=True)
class _Split:
    """Which of several role sets a row's person holds, as 0/1 columns next to the row's figures.

    A statement keeps the rows of anyone holding a role of ``union`` (every cohort's
    people); a set equal to the union then holds for every row and needs no column.
    """

    roles: tuple[frozenset[str], ...]

    @property
    def union(self) -> frozenset[str]:
        return frozenset().union(*self.roles)

    def columns(self, person_id: Any) -> list[ColumnElement[int]]:
        """One 0/1 column per role set narrower than the union (``person_id`` holds one of them)."""
        return [
            case((person_id.in_(select(PersonRole.person_id).where(PersonRole.role.in_(roles))), 1), else_=0)
            for roles in self.roles
            if roles != self.union
        ]

    def members(self, flags: Sequence[Any]) -> list[bool]:
        """For each role set, whether the row with these column values counts in it."""
        given = iter(flags)
        return [roles == self.union or bool(next(given)) for roles in self.roles]


def _by_position(count: int) -> Any:
    """``GROUP BY 1, …, count``: the grouped CASE columns carry bound parameters, so by position."""
    return text(", ".join(str(i) for i in range(1, count + 1)))


def _live(
    *, session: Session, week: Week, program: Program, split: _Split, adopters: Sequence[int]
) -> list[LiveFacts]:
    """Each role set's live decisions and escalations, per local day (``adopters`` as given)."""
    bounds = week.day_bounds(program.tz)
    # As the one-cohort statement did: a CASE names each decision's local day, one grouped pass.
    day = case(*((Decision.decided_at < end, i) for i, (_, _, end) in enumerate(bounds)), else_=len(bounds))
    escalated = case((Decision.verdict == Verdict.ESCALATE, 1), else_=0)
    flags = split.columns(Decision.person_id)
    counts: list[dict[tuple[int, int], int]] = [{} for _ in split.roles]
    for d, e, *member, n in session.execute(
        select(day, escalated, *flags, func.count())
        .where(
            Decision.kind == "live",
            in_week(Decision.decided_at, week),
            in_cohort(Decision.person_id, split.union),
        )
        .group_by(_by_position(2 + len(flags)))
    ):
        for mine, is_member in zip(counts, split.members(member), strict=True):
            if is_member:
                key = (int(d), int(e))
                mine[key] = mine.get(key, 0) + int(n)
    return [
        LiveFacts(
            sum(mine.values()),
            sum(n for (_, e), n in mine.items() if e),
            tuple(
                DayCount(d, mine.get((i, 0), 0) + mine.get((i, 1), 0), mine.get((i, 1), 0))
                for i, (d, _, _) in enumerate(bounds)
            ),
            adopters=adopted,
        )
        for mine, adopted in zip(counts, adopters, strict=True)
    ]


def _adopters(*, session: Session, week: Week, split: _Split) -> list[tuple[int, int]]:
    """Each role set's (engineers, adopters): people counted this week, and those with a live decision.

    Counted over the people (a few thousand rows), each matched against the week's
    distinct deciders, rather than by a distinct count over the decisions per role set.
    The outer join keeps the people as the outer side on SQLite too.
    """
    deciders = (
        select(Decision.person_id)
        .where(Decision.kind == "live", in_week(Decision.decided_at, week))
        .distinct()
        .subquery()
    )
    adopted = case((deciders.c.person_id.is_not(None), 1), else_=0)
    flags = split.columns(Person.id)
    totals = [(0, 0) for _ in split.roles]
    for *member, is_adopter, n in session.execute(
        select(*flags, adopted, func.count())
        .select_from(Person)
        .outerjoin(deciders, deciders.c.person_id == Person.id)
        .where(*engineer_filter(week, split.union))
        .group_by(_by_position(len(flags) + 1))
    ):
        totals = [
            (people + int(n), adopters + (int(n) if is_adopter else 0)) if is_member else (people, adopters)
            for (people, adopters), is_member in zip(totals, split.members(member), strict=True)
        ]
    return totals


def _reviews(*, session: Session, week: Week, split: _Split) -> list[ReviewFacts]:
    """Each role set's reviews of its live decisions made this week, and how many overturned."""
    flags = split.columns(Decision.person_id)
    overturned = case((Review.verdict == "overturn", 1), else_=0)
    totals = [ReviewFacts(0, 0) for _ in split.roles]
    for *member, is_overturn, n in session.execute(
        select(*flags, overturned, func.count())
        .join(Decision, Decision.id == Review.decision_id)
        .where(
            Review.decision_kind == "live",
            in_week(Review.reviewed_at, week),
            in_cohort(Decision.person_id, split.union),
        )
        .group_by(_by_position(len(flags) + 1))
    ):
        totals = [
            ReviewFacts(t.reviewed + int(n), t.overturned + (int(n) if is_overturn else 0))
            if is_member
            else t
            for t, is_member in zip(totals, split.members(member), strict=True)
        ]
    return totals


def _responses(*, session: Session, week: Week, split: _Split) -> list[tuple[int, int]]:
    """Each role set's weekly-survey (responses, responses from people counted this week).

    Each response is joined to its person, so "counted this week" is a test of the
    person's row (``still_here``), not a second lookup of everyone counted.
    """
    flags = split.columns(Person.id)
    counted = case((and_(*still_here(week)), 1), else_=0)
    totals = [(0, 0) for _ in split.roles]
    for *member, is_counted, n in session.execute(
        select(*flags, counted, func.count())
        .select_from(SurveyResponse)
        .join(Person, Person.id == SurveyResponse.person_id)
        .where(
            SurveyResponse.week == week.label,
            SurveyResponse.survey == WEEKLY_SURVEY,
            holds_role(split.union),
        )
        .group_by(_by_position(len(flags) + 1))
    ):
        totals = [
            (all_ + int(n), asked + (int(n) if is_counted else 0)) if is_member else (all_, asked)
            for (all_, asked), is_member in zip(totals, split.members(member), strict=True)
        ]
    return totals


def _leavers(
    *, session: Session, week: Week, program: Program, split: _Split
) -> list[tuple[int, tuple[Leaver, ...]]]:
    """Each role set's leavers since the program began (up to the week's end) and this week's."""
    program_start = local_midnight(program.start_date, program.tz)
    since_start = case((Person.left_at >= program_start, 1), else_=0)
    this_week = case((Person.left_at >= week.start, 1), else_=0)
    flags = split.columns(Person.id)
    totals: list[tuple[int, list[Leaver]]] = [(0, []) for _ in split.roles]
    # Ordered as the one-cohort list was (left_at, name): each role set's list keeps that order.
    for name, left_at, reason, *member, counted, listed in session.execute(
        select(Person.name, Person.left_at, Person.left_reason, *flags, since_start, this_week)
        .where(
            Person.status == "left",
            Person.left_at < week.end,
            or_(Person.left_at >= program_start, Person.left_at >= week.start),
            holds_role(split.union),
        )
        .order_by(Person.left_at, Person.name)
    ):
        for i, is_member in enumerate(split.members(member)):
            if not is_member:
                continue
            total, names = totals[i]
            if listed and left_at is not None:
                names.append(Leaver(name, left_at, reason))
            totals[i] = (total + (1 if counted else 0), names)
    return [(total, tuple(names)) for total, names in totals]


def collect_cohorts(
    *, session: Session, program: Program, week: Week, cohorts: Sequence[Cohort]
) -> dict[Cohort, WeekFacts]:
    """Every count the scorecard needs for ``week``, for each of ``cohorts``, each table read once.

    Equal, cohort by cohort, to the one-cohort reference (``tests/domain/facts_oracle.py``);
    the cohort-free counts (practice, incidents, survey answers, the post-switchover survey)
    are gathered once for all.
    """
    wanted = tuple(dict.fromkeys(cohorts))
    split = _Split(tuple(COHORT_ROLES[c] for c in wanted))
    minimum = program.thresholds.survey_anonymity_min
    people = _adopters(session=session, week=week, split=split)
    live = _live(session=session, week=week, program=program, split=split, adopters=[a for _, a in people])
    reviews = _reviews(session=session, week=week, split=split)
    responses = _responses(session=session, week=week, split=split)
    leavers = _leavers(session=session, week=week, program=program, split=split)
    answers = answer_sums(session=session, week=week, minimum=minimum, surveys=(WEEKLY_SURVEY,))
    practice = practice_count(session=session, week=week)
    incidents = incident_facts(session=session, week=week, program=program)
    later = post_survey_facts(session=session, week=week, program=program)
    facts: dict[Cohort, WeekFacts] = {}
    for i, cohort in enumerate(wanted):
        answered, asked = responses[i]
        leavers_total, leavers_this_week = leavers[i]
        facts[cohort] = WeekFacts(
            week=week,
            live=live[i],
            practice_decisions=practice,
            reviews=reviews[i],
            survey=answers.counted(responses=answered, engineer_responses=asked),
            incidents=incidents,
            people=PeopleFacts(
                engineers=people[i][0],
                adopted=live[i].adopters,
                leavers_total=leavers_total,
                leavers_this_week=leavers_this_week,
            ),
            cohort=cohort,
            post_survey=later,
        )
    return facts
