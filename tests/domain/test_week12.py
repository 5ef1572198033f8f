"""Week-12 metrics and the supporting figures, on hand-built data with known answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.db.models import Assessment
from bot.domain.grading import Status
from bot.domain.metrics import Scorecard, compute_scorecard
from bot.domain.supporting import supporting
from bot.domain.week12 import slope
from bot.domain.weeks import parse_week
from bot.program import Program
from tests.helpers import load_roster
from tests.metrics_data import decide, incident, person, review, survey

MON = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday of week 48 (switchover), 10:00 New York
WEEK = "2026-W48"


@pytest.fixture
def db(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    load_roster(sessions, datetime(2026, 11, 1, 12, 0, tzinfo=UTC))
    return sessions


def card(sessions: sessionmaker[Session], program: Program) -> Scorecard:
    with transaction(sessions) as session:
        return compute_scorecard(session=session, program=program, week=parse_week(WEEK, program.tz))


def daily(sessions, per_day: list[tuple[int, int]]) -> None:
    """(decisions, escalations) for Monday, Tuesday, … by the pilot."""
    with transaction(sessions) as session:
        for day, (total, escalated) in enumerate(per_day):
            for i in range(total):
                verdict = "escalate" if i < escalated else "approve"
                decide(session, "U0PILOT", verdict=verdict, at=MON + timedelta(days=day, minutes=i))


def test_adoption_counts_engineers_with_a_live_decision(db, program) -> None:
    with transaction(db) as session:
        decide(session, "U0ENG1", at=MON)
        decide(session, "U0PILOT", at=MON)
        decide(session, "U0ENG2", kind="practice", at=MON, outcome="correct")  # practice is not adoption
        decide(session, "U0MENTOR", at=MON)  # mentors are not counted as engineers
    metric = card(db, program).metric("adoption")
    assert (metric.parts["adopted"], metric.parts["engineers"]) == (2, 3)
    assert metric.value == pytest.approx(2 / 3)
    assert metric.status is Status.FAIL  # target 100%, close band 10 points
    with transaction(db) as session:
        decide(session, "U0ENG2", at=MON)
    assert card(db, program).metric("adoption").status is Status.PASS


def test_escalation_trend_declining_passes(db, program) -> None:
    daily(db, [(4, 2), (4, 1), (4, 1), (4, 0)])  # 50%, 25%, 25%, 0%
    metric = card(db, program).metric("escalation_trend")
    assert metric.value == pytest.approx(-0.15)
    assert metric.status is Status.PASS
    assert "declining" in metric.detail


def test_escalation_trend_rising_fails_and_a_small_rise_is_stable(db, program) -> None:
    daily(db, [(4, 0), (4, 1), (4, 2)])  # 0%, 25%, 50%: +25 points a day
    metric = card(db, program).metric("escalation_trend")
    assert metric.value == pytest.approx(0.25)
    assert metric.status is Status.FAIL


def test_escalation_trend_skips_empty_days_and_needs_two(db, program) -> None:
    daily(db, [(10, 1)])
    assert card(db, program).metric("escalation_trend").status is Status.INSUFFICIENT
    daily(db, [(0, 0), (0, 0), (10, 1)])  # Wednesday, same rate: flat
    metric = card(db, program).metric("escalation_trend")
    assert metric.value == pytest.approx(0.0)
    assert metric.status is Status.PASS
    assert "stable" in metric.detail


def test_slope_is_least_squares() -> None:
    assert slope([(0, 0.5), (1, 0.25), (2, 0.0)]) == pytest.approx(-0.25)
    assert slope([(3, 0.4)]) is None


def test_absolute_slo_is_at_most_30_min_p1_and_4_h_p2(db, program) -> None:
    # Issue 13: the absolute SLO counts breaches; a median within the limit no longer hides one.
    with transaction(db) as session:
        for i, minutes in enumerate([25, 30, 30]):
            incident(session, "P1", minutes, opened_at=MON + timedelta(hours=i), ref=f"INC-{i}")
    metric = card(db, program).metric("absolute_slo")
    assert metric.parts["P1"]["median_minutes"] == 30
    assert metric.status is Status.PASS  # ≤ 30 min, exactly at the limit
    assert metric.detail == "all 3 P1/P2 responses within their limits"
    with transaction(db) as session:
        for i, minutes in enumerate([240, 250, 260]):
            incident(session, "P2", minutes, opened_at=MON + timedelta(hours=5 + i), ref=f"INC-2{i}")
    metric = card(db, program).metric("absolute_slo")
    assert metric.value == 2 and metric.status is Status.FAIL
    assert metric.detail == "over the limit: INC-22 P2 260 min (limit 240); INC-21 P2 250 min (limit 240)"
    assert [b["ref"] for b in metric.parts["breaches"]] == ["INC-22", "INC-21"]


def test_a_single_p1_over_30_min_fails_week_12_and_is_named(db, program) -> None:
    with transaction(db) as session:
        for i, minutes in enumerate([10, 10, 45]):
            incident(session, "P1", minutes, opened_at=MON + timedelta(hours=i), ref=f"INC-{40 + i}")
    metric = card(db, program).metric("absolute_slo")
    assert metric.parts["P1"]["median_minutes"] == 10  # the median would have passed
    assert metric.status is Status.FAIL
    assert metric.detail == "over the limit: INC-42 P1 45 min (limit 30)"


def test_one_breach_fails_even_below_the_minimum_sample(db, program) -> None:
    with transaction(db) as session:
        incident(session, "P1", 45, opened_at=MON, ref="INC-7")
    metric = card(db, program).metric("absolute_slo")
    assert metric.sample == 1 < metric.min_sample
    assert metric.status is Status.FAIL and "INC-7 P1 45 min" in metric.detail
    week11 = card(db, program).metric("incident_slo")
    assert week11.status is Status.INSUFFICIENT  # week 11 keeps the median vs baseline, with its sample


def test_confidence_survey_mean(db, program) -> None:
    with transaction(db) as session:
        for uid, level in (("U0ENG1", 4), ("U0ENG2", 3), ("U0PILOT", 5)):
            survey(session, uid, week=WEEK, answers=[4, 4, 4, 4], confidence=level, at=MON)
    metric = card(db, program).metric("confidence")
    assert metric.value == pytest.approx(4.0)
    assert metric.status is Status.PASS


def test_practice_accuracy_table_and_assessment_pass_rate_by_category(db, program) -> None:
    with transaction(db) as session:
        for outcome in ("correct", "acceptable", "differs", "correct"):
            decide(session, "U0ENG1", kind="practice", category="rollback", outcome=outcome, at=MON)
        decide(session, "U0ENG2", kind="practice", category="change_freeze", outcome="differs", at=MON)
        esc = decide(session, "U0PILOT", verdict="escalate", category="rollback", at=MON)
        ok = decide(session, "U0PILOT", category="rollback", at=MON)
        review(session, esc, verdict="overturn", at=MON + timedelta(hours=1))
        review(session, ok, at=MON + timedelta(hours=1))
        earlier = MON - timedelta(days=14)
        for outcome in ("correct", "correct", "differs"):
            decide(session, "U0ENG1", kind="assessment", category="rollback", outcome=outcome, at=earlier)
        session.add(
            Assessment(
                person_id=person(session, "U0ENG1").id,
                size=20,
                plan=[],
                started_at=earlier,
                completed_at=earlier,
                score=0.85,
                passed=True,
            )
        )
        week = parse_week(WEEK, program.tz)
        figures = supporting(session=session, week=week)
    assert figures.practice_accuracy.value == pytest.approx(3 / 5)
    rows = {row.category: row for row in figures.categories}
    assert rows["rollback"].live == 2
    assert rows["rollback"].escalation_rate == pytest.approx(0.5)
    assert (rows["rollback"].overturned, rows["rollback"].reviewed) == (1, 2)
    assert rows["rollback"].practice.value == pytest.approx(0.75)
    assert rows["change_freeze"].practice.value == 0
    assert figures.assessment_by_category["rollback"].value == pytest.approx(2 / 3)
    assert (figures.assessments_passed.numerator, figures.assessments_passed.denominator) == (1, 1)
