"""The week's live facts per local day, escalations, cohort and adopters (one grouped pass)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.vocab import COHORT_ROLES, Cohort
from bot.domain.weeks import parse_week
from bot.program import Program
from tests.domain.facts_oracle import live_facts
from tests.helpers import ROSTER_CSV, load_roster
from tests.metrics_data import decide

ROSTER_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
MON_NY_MIDNIGHT = datetime(2026, 11, 16, 5, 0, tzinfo=UTC)  # 2026-W47 starts here in New York


def test_days_escalations_cohort_and_adopters(sessions: sessionmaker[Session], program: Program) -> None:
    load_roster(sessions, ROSTER_AT, ROSTER_CSV)  # U0PILOT is a pilot; U0ENG1 and U0ENG2 are not
    with transaction(sessions) as session:
        decide(session, "U0PILOT", verdict="approve", at=MON_NY_MIDNIGHT)  # Monday's first instant
        decide(session, "U0PILOT", verdict="escalate", at=MON_NY_MIDNIGHT + timedelta(hours=23, minutes=59))
        decide(session, "U0PILOT", verdict="escalate", at=MON_NY_MIDNIGHT + timedelta(days=1))  # Tuesday
        decide(session, "U0PILOT", verdict="deny", at=MON_NY_MIDNIGHT + timedelta(days=6, hours=23))  # Sunday
        decide(session, "U0PILOT", verdict="deny", at=MON_NY_MIDNIGHT + timedelta(days=7))  # next week
        decide(session, "U0PILOT", verdict="deny", at=MON_NY_MIDNIGHT - timedelta(seconds=1))  # last week
        decide(session, "U0ENG1", verdict="escalate", at=MON_NY_MIDNIGHT + timedelta(hours=2))
        decide(session, "U0ENG2", verdict="approve", at=MON_NY_MIDNIGHT + timedelta(days=2))
        decide(session, "U0ENG2", kind="practice", verdict="escalate", at=MON_NY_MIDNIGHT, outcome="correct")
    week = parse_week("2026-W47", program.tz)
    with transaction(sessions) as session:
        pilots = live_facts(session=session, week=week, program=program, roles=COHORT_ROLES[Cohort.PILOTS])
        everyone = live_facts(
            session=session, week=week, program=program, roles=COHORT_ROLES[Cohort.ENGINEERS]
        )
    assert (pilots.total, pilots.escalated, pilots.adopters) == (4, 2, 1)
    assert [(d.decisions, d.escalated) for d in pilots.days] == [
        (2, 1),
        (1, 1),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (1, 0),
    ]
    assert pilots.days[0].day.isoformat() == "2026-11-16"
    assert (everyone.total, everyone.escalated, everyone.adopters) == (6, 3, 3)
    assert [d.decisions for d in everyone.days] == [3, 1, 1, 0, 0, 0, 1]
