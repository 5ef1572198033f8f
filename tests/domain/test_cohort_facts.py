"""Both cohorts' facts in one pass equal each cohort's facts gathered on its own, edges included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.attrition import mark_left
from bot.domain.cohort_facts import collect_cohorts
from bot.domain.facts import WeekFacts
from bot.domain.metrics import compute_scorecard
from bot.domain.vocab import Cohort
from bot.domain.weeks import parse_week
from bot.program import Program
from tests.domain.facts_oracle import collect
from tests.helpers import load_roster
from tests.metrics_data import decide, incident, person, review, survey

ROSTER_AT = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
W47 = datetime(2026, 11, 16, 5, 0, tzinfo=UTC)  # Monday 00:00 New York: 2026-W47 begins
W48 = W47 + timedelta(days=7)
TICK = timedelta(microseconds=1)
# Several roles: engineers only, engineer-and-pilot, a pilot who is no engineer, and people of
# neither cohort, whose rows must count nowhere.
ROSTER = """slack_user_id,name,email,roles,mentor,timezone
U0ENG1,Ada Engineer,ada@example.com,engineer,U0MENTOR,America/New_York
U0ENG2,Bo Engineer,bo@example.com,engineer,U0MENTOR,Europe/Berlin
U0PILOT,Cy Pilot,cy@example.com,engineer;pilot,U0MENTOR,America/New_York
U0PILOT2,Di Pilot,di@example.com,pilot,U0MENTOR,America/New_York
U0PILOT3,Ed Pilot,ed@example.com,engineer;pilot,U0MENTOR,America/New_York
U0ENG3,Flo Engineer,flo@example.com,engineer,U0MENTOR,America/New_York
U0ENG4,Gus Engineer,gus@example.com,engineer,U0MENTOR,America/New_York
U0ENG5,Hal Engineer,hal@example.com,engineer,U0MENTOR,America/New_York
U0ENG6,Ivy Engineer,ivy@example.com,engineer;pilot,U0MENTOR,America/New_York
U0MENTOR,Mo Mentor,mo@example.com,mentor,,America/New_York
U0LEAD,Lee Lead,lee@example.com,lead,,Europe/Berlin
U0ADMIN,Ari Admin,ari@example.com,admin,,America/New_York
"""
LEAVERS = {
    "U0PILOT3": W47 + timedelta(days=2, hours=7),  # mid-week
    "U0ENG6": W47,  # the week's first instant: gone for this week
    "U0PILOT2": W48,  # the next week's first instant: still here all of this week
    "U0ENG3": W47 - timedelta(days=4),  # the week before
    "U0ENG4": datetime(2026, 10, 20, 15, 0, tzinfo=UTC),  # before the program started (2026-11-02)
    "U0LEAD": W47 + timedelta(days=1),  # in no cohort
}
WEEKS = ("2026-W43", "2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49")


@pytest.fixture
def seeded(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    load_roster(sessions, ROSTER_AT, ROSTER)
    with transaction(sessions) as s:
        monday = decide(s, "U0PILOT", at=W47)  # the week's first instant
        esc = decide(s, "U0PILOT", verdict="escalate", at=W47 + timedelta(hours=23, minutes=59))
        decide(s, "U0PILOT", verdict="escalate", at=W47 + timedelta(days=1))  # Tuesday's first instant
        decide(s, "U0PILOT", verdict="deny", at=W48 - TICK)  # the week's last instant (Sunday)
        decide(s, "U0PILOT", at=W48)  # next week
        before = decide(s, "U0PILOT", verdict="deny", at=W47 - TICK)  # last week
        late = decide(s, "U0PILOT2", verdict="escalate", at=W47 + timedelta(days=3, hours=14))
        decide(s, "U0PILOT2", at=W48 + timedelta(hours=3))
        decide(s, "U0PILOT3", verdict="escalate", at=W47 + timedelta(days=1, hours=15))
        eng1 = decide(s, "U0ENG1", verdict="escalate", at=W47 + timedelta(hours=2))
        decide(s, "U0ENG2", at=W47 + timedelta(days=2))
        decide(s, "U0ENG3", at=W47 - timedelta(days=5))
        decide(s, "U0ENG5", verdict="escalate", at=W47 + timedelta(days=4))
        mentors = decide(s, "U0MENTOR", verdict="escalate", at=W47 + timedelta(days=1))
        decide(s, "U0ENG2", kind="practice", verdict="escalate", at=W47, outcome="correct")
        decide(s, "U0PILOT", kind="practice", at=W47 + timedelta(days=3), outcome="differs")
        review(s, monday, at=W47 + timedelta(hours=5))
        review(s, esc, at=W47 + timedelta(days=1, hours=2), verdict="overturn")
        review(s, before, at=W47 + timedelta(hours=1), verdict="overturn")  # reviewed this week
        review(s, late, at=W48, verdict="overturn")  # reviewed next week
        review(s, eng1, at=W47 + timedelta(days=2), verdict="overturn")
        review(s, mentors, at=W47 + timedelta(days=2), reviewer="U0LEAD")
        for who in ("U0PILOT", "U0PILOT2", "U0PILOT3", "U0ENG1", "U0ENG3", "U0MENTOR"):
            survey(s, who, week="2026-W47", answers=[4, 3, 5], confidence=4, at=W47 + timedelta(days=4))
        for who in ("U0PILOT", "U0ENG2"):
            survey(s, who, week="2026-W46", answers=[2, 3, 3], confidence=2, at=W47 - timedelta(days=3))
        incident(s, "P1", 12, opened_at=W47 + timedelta(days=1))
        for who, left_at in LEAVERS.items():
            mark_left(
                session=s,
                now=left_at,
                actor="U0ADMIN",
                person=person(s, who),
                left_at=left_at,
                reason="moved",
            )
        # On the roster only from after 2026-W47: not counted among that week's people.
        person(s, "U0ENG5").created_at = W48 + timedelta(days=1)
    return sessions


def _each_alone(session: Session, program: Program, label: str) -> dict[Cohort, WeekFacts]:
    week = parse_week(label, program.tz)
    return {c: collect(session=session, program=program, week=week, cohort=c) for c in Cohort}


@pytest.mark.parametrize("label", WEEKS)
def test_one_pass_equals_each_cohort_alone(
    seeded: sessionmaker[Session], program: Program, label: str
) -> None:
    week = parse_week(label, program.tz)
    with transaction(seeded) as session:
        alone = _each_alone(session, program, label)
        together = collect_cohorts(
            session=session, program=program, week=week, cohorts=(Cohort.PILOTS, Cohort.ENGINEERS)
        )
        reversed_ = collect_cohorts(
            session=session, program=program, week=week, cohorts=(Cohort.ENGINEERS, Cohort.PILOTS)
        )
        single = {
            c: collect_cohorts(session=session, program=program, week=week, cohorts=(c,))[c] for c in Cohort
        }
    assert together == alone
    assert reversed_ == alone
    assert single == alone


def test_the_seeded_week_tells_the_cohorts_apart(seeded: sessionmaker[Session], program: Program) -> None:
    """The data behind the equality test: the cohorts' figures differ, edges on both sides."""
    with transaction(seeded) as session:
        facts = collect_cohorts(
            session=session,
            program=program,
            week=parse_week("2026-W47", program.tz),
            cohorts=(Cohort.PILOTS, Cohort.ENGINEERS),
        )
    pilots, engineers = facts[Cohort.PILOTS], facts[Cohort.ENGINEERS]
    assert (pilots.live.total, pilots.live.escalated, pilots.live.adopters) == (6, 4, 2)
    assert [(d.decisions, d.escalated) for d in pilots.live.days] == [
        (2, 1),
        (2, 2),
        (0, 0),
        (1, 1),
        (0, 0),
        (0, 0),
        (1, 0),
    ]
    assert (engineers.live.total, engineers.live.escalated, engineers.live.adopters) == (9, 6, 4)
    assert (pilots.reviews.reviewed, pilots.reviews.overturned) == (3, 2)
    assert (engineers.reviews.reviewed, engineers.reviews.overturned) == (4, 3)
    assert (pilots.survey.responses, pilots.survey.engineer_responses) == (3, 2)
    assert (engineers.survey.responses, engineers.survey.engineer_responses) == (5, 3)
    assert pilots.survey.answered == engineers.survey.answered == 6
    assert (pilots.people.engineers, pilots.people.leavers_total) == (2, 2)
    assert [leaver.name for leaver in pilots.people.leavers_this_week] == ["Ivy Engineer", "Ed Pilot"]
    assert (engineers.people.engineers, engineers.people.leavers_total) == (4, 3)
    assert [leaver.name for leaver in engineers.people.leavers_this_week] == ["Ivy Engineer", "Ed Pilot"]
    assert pilots.practice_decisions == engineers.practice_decisions == 2
    before_start = _week43(seeded, program)
    assert [leaver.name for leaver in before_start.people.leavers_this_week] == ["Gus Engineer"]
    assert before_start.people.leavers_total == 0


def _week43(sessions: sessionmaker[Session], program: Program) -> WeekFacts:
    with transaction(sessions) as session:
        week = parse_week("2026-W43", program.tz)
        return collect_cohorts(session=session, program=program, week=week, cohorts=(Cohort.ENGINEERS,))[
            Cohort.ENGINEERS
        ]


def test_the_scorecard_judges_each_phase_on_its_cohort_alone(
    seeded: sessionmaker[Session], program: Program
) -> None:
    with transaction(seeded) as session:
        card = compute_scorecard(session=session, program=program, week=parse_week("2026-W47", program.tz))
        alone = _each_alone(session, program, "2026-W47")
    assert card.facts == alone[Cohort.PILOTS]  # the parallel run judges the pilots
    assert card.week12_facts == alone[Cohort.ENGINEERS]  # the switchover, every engineer
