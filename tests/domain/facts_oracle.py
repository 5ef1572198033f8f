"""One cohort's week facts, statement by statement: the reference the one-pass scorecard is tested against.

The service gathers both cohorts together, each table read once
(``bot.domain.cohort_facts.collect_cohorts``). These are the plain one-cohort statements
that came before it, kept here, out of the service, as the oracle that
``tests/domain/test_cohort_facts.py`` compares it with.
"""

from __future__ import annotations

from sqlalchemy import case, func, select, text
from sqlalchemy.orm import Session

from bot.db.models import Decision, Person, Review
from bot.domain.facts import (
    DayCount,
    Leaver,
    LiveFacts,
    PeopleFacts,
    ReviewFacts,
    WeekFacts,
    _n,
    engineer_filter,
    holds_role,
    in_cohort,
    in_week,
    incident_facts,
    post_survey_facts,
    practice_count,
    survey_facts,
)
from bot.domain.vocab import COHORT_ROLES, ENGINEERS, Cohort, Verdict
from bot.domain.weeks import Week, local_midnight
from bot.program import Program


def live_facts(
    *, session: Session, week: Week, program: Program, roles: frozenset[str] = ENGINEERS
) -> LiveFacts:
    """The cohort's live decisions, escalations (in the week and on each local day) and adopters."""
    bounds = week.day_bounds(program.tz)
    mine = (Decision.kind == "live", in_week(Decision.decided_at, week), in_cohort(Decision.person_id, roles))
    # One CASE names each decision's local day and the rows are grouped by it: a single
    # pass over the week, instead of fourteen sums each testing every row (half the time
    # over 1M decisions). Grouped by position, as the CASE carries bound parameters.
    day = case(*((Decision.decided_at < end, i) for i, (_, _, end) in enumerate(bounds)), else_=len(bounds))
    escalated = case((Decision.verdict == Verdict.ESCALATE, 1), else_=0)
    counts: dict[tuple[int, int], int] = {
        (int(d), int(e)): int(n)
        for d, e, n in session.execute(
            select(day, escalated, func.count()).where(*mine).group_by(text("1, 2"))
        )
    }
    engineers = select(Person.id).where(*engineer_filter(week, roles))
    adopters = session.execute(
        select(func.count(func.distinct(Decision.person_id))).where(
            *mine, (Decision.person_id + 0).in_(engineers)
        )
    ).scalar_one()
    days = tuple(
        DayCount(d, counts.get((i, 0), 0) + counts.get((i, 1), 0), counts.get((i, 1), 0))
        for i, (d, _, _) in enumerate(bounds)
    )
    escalations = sum(n for (_, e), n in counts.items() if e)
    return LiveFacts(sum(counts.values()), escalations, days, adopters=_n(adopters))


def review_facts(*, session: Session, week: Week, roles: frozenset[str] = ENGINEERS) -> ReviewFacts:
    """Reviews of the cohort's live decisions made this week (by review time), and how many overturned."""
    reviewed, overturned = session.execute(
        select(func.count(), func.sum(case((Review.verdict == "overturn", 1), else_=0)))
        .join(Decision, Decision.id == Review.decision_id)
        .where(
            Review.decision_kind == "live",
            in_week(Review.reviewed_at, week),
            in_cohort(Decision.person_id, roles),
        )
    ).one()
    return ReviewFacts(_n(reviewed), _n(overturned))


def people_facts(
    *, session: Session, week: Week, program: Program, adopters: int, roles: frozenset[str] = ENGINEERS
) -> PeopleFacts:
    engineers = _n(
        session.execute(
            select(func.count()).select_from(Person).where(*engineer_filter(week, roles))
        ).scalar_one()
    )
    program_start = local_midnight(program.start_date, program.tz)
    gone = [
        Person.status == "left",
        Person.left_at >= program_start,
        Person.left_at < week.end,
        holds_role(roles),
    ]
    leavers_total = _n(session.execute(select(func.count()).select_from(Person).where(*gone)).scalar_one())
    this_week = session.execute(
        select(Person.name, Person.left_at, Person.left_reason)
        .where(Person.status == "left", in_week(Person.left_at, week), holds_role(roles))
        .order_by(Person.left_at, Person.name)
    ).all()
    return PeopleFacts(
        engineers=engineers,
        adopted=adopters,
        leavers_total=leavers_total,
        leavers_this_week=tuple(
            Leaver(name, left_at, reason) for name, left_at, reason in this_week if left_at is not None
        ),
    )


def collect(
    *, session: Session, program: Program, week: Week, cohort: Cohort = Cohort.ENGINEERS
) -> WeekFacts:
    """Every count the scorecard needs for ``week``, over the people of ``cohort``.

    One cohort, statement by statement; the scorecard's two cohorts are gathered
    together, each table read once, by ``cohort_facts.collect_cohorts`` (equal to this).
    """
    roles = COHORT_ROLES[cohort]
    live = live_facts(session=session, week=week, program=program, roles=roles)
    return WeekFacts(
        week=week,
        live=live,
        practice_decisions=practice_count(session=session, week=week),
        reviews=review_facts(session=session, week=week, roles=roles),
        survey=survey_facts(
            session=session, week=week, minimum=program.thresholds.survey_anonymity_min, roles=roles
        ),
        incidents=incident_facts(session=session, week=week, program=program),
        people=people_facts(session=session, week=week, program=program, adopters=live.adopters, roles=roles),
        cohort=cohort,
        post_survey=post_survey_facts(session=session, week=week, program=program),
    )
