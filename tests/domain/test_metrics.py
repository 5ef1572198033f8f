"""The five week-11 metrics on hand-built data with known answers, edges included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.db.models import Decision
from bot.domain.attrition import mark_left
from bot.domain.grading import Status
from bot.domain.metrics import Scorecard, compute_scorecard
from bot.domain.weeks import parse_week
from bot.program import IncidentBaseline, Program
from tests.helpers import PILOTS_ROSTER_CSV, load_roster
from tests.metrics_data import decide, incident, person, review, survey

# Week 2026-W47 (parallel run): Monday Nov 16, 00:00 New York = 05:00 UTC.
MON = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)
ROSTER_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
WEEK = "2026-W47"


@pytest.fixture
def db(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    load_roster(sessions, ROSTER_AT, PILOTS_ROSTER_CSV)
    return sessions


def card(sessions: sessionmaker[Session], program: Program, label: str = WEEK) -> Scorecard:
    with transaction(sessions) as session:
        return compute_scorecard(session=session, program=program, week=parse_week(label, program.tz))


def live(sessions: sessionmaker[Session], verdicts: list[str], *, at: datetime = MON) -> list[int]:
    ids = []
    with transaction(sessions) as session:
        for i, verdict in enumerate(verdicts):
            ids.append(decide(session, "U0PILOT", verdict=verdict, at=at + timedelta(minutes=i)).id)
    return ids


# -- handling rate ---------------------------------------------------------------------


def test_no_live_decisions_is_insufficient_data_not_a_pass(db, program) -> None:
    with transaction(db) as session:
        decide(session, "U0PILOT", kind="practice", at=MON, outcome="correct")
    metric = card(db, program).metric("handling_rate")
    assert metric.status is Status.INSUFFICIENT
    assert metric.value is None
    assert metric.sample == 0


def test_exactly_70_percent_is_not_above_70_so_close(db, program) -> None:
    live(db, ["approve"] * 5 + ["deny"] * 2 + ["escalate"] * 3)
    metric = card(db, program).metric("handling_rate")
    assert metric.value == pytest.approx(0.7)
    assert metric.status is Status.CLOSE
    assert metric.shortfall == 0.0


def test_handling_rate_pass_and_fail(db, program) -> None:
    live(db, ["approve"] * 8 + ["escalate"] * 2)
    assert card(db, program).metric("handling_rate").status is Status.PASS
    live(db, ["escalate"] * 10)  # now 8 of 20 = 40%: more than 10 points short
    metric = card(db, program).metric("handling_rate")
    assert metric.value == pytest.approx(0.4)
    assert metric.status is Status.FAIL


def test_below_minimum_sample_is_insufficient_even_at_100_percent(db, program) -> None:
    live(db, ["approve"] * 4)
    metric = card(db, program).metric("handling_rate")
    assert metric.value == 1.0
    assert metric.status is Status.INSUFFICIENT


def test_week_bounds_are_program_local(db, program) -> None:
    sunday_late = datetime(2026, 11, 16, 4, 59, tzinfo=UTC)  # Sun 23:59 in New York: week 46
    monday_early = datetime(2026, 11, 16, 5, 0, tzinfo=UTC)  # Mon 00:00 in New York: week 47
    with transaction(db) as session:
        decide(session, "U0PILOT", verdict="escalate", at=sunday_late)
        decide(session, "U0PILOT", verdict="approve", at=monday_early)
    assert card(db, program).facts.live.total == 1
    assert card(db, program).facts.live.escalated == 0
    assert card(db, program, "2026-W46").facts.live.escalated == 1


# -- rework ------------------------------------------------------------------------------


def _reviewed(sessions, program, verdicts: list[str]) -> Scorecard:
    ids = live(sessions, ["approve"] * len(verdicts))
    with transaction(sessions) as session:
        for decision_id, verdict in zip(ids, verdicts, strict=True):
            decision = session.get(Decision, decision_id)
            review(session, decision, verdict=verdict, at=MON + timedelta(hours=2))
    return card(sessions, program)


def test_one_overturn_in_four_reviews_fails(db, program) -> None:
    metric = _reviewed(db, program, ["overturn", "uphold", "uphold", "uphold"]).metric("rework")
    assert metric.value == pytest.approx(0.25)
    assert metric.status is Status.FAIL
    assert metric.detail == "1 of 4 reviewed live decisions overturned"


def test_one_overturn_in_twenty_is_close(db, program) -> None:
    metric = _reviewed(db, program, ["overturn"] + ["uphold"] * 19).metric("rework")
    assert metric.value == pytest.approx(0.05)
    assert metric.status is Status.CLOSE


def test_no_overturns_pass_and_too_few_reviews_are_insufficient(db, program) -> None:
    assert _reviewed(db, program, ["uphold"] * 2).metric("rework").status is Status.INSUFFICIENT
    metric = _reviewed(db, program, ["uphold"]).metric("rework")
    assert (metric.value, metric.sample, metric.status) == (0.0, 3, Status.PASS)


def test_reviews_of_practice_decisions_do_not_count_as_rework(db, program) -> None:
    with transaction(db) as session:
        for _ in range(3):
            practice = decide(session, "U0ENG1", kind="practice", at=MON, outcome="differs")
            review(session, practice, verdict="overturn", at=MON + timedelta(hours=1))
    assert card(db, program).metric("rework").sample == 0


# -- satisfaction ------------------------------------------------------------------------


def test_satisfaction_is_the_mean_of_all_answers(db, program) -> None:
    with transaction(db) as session:
        survey(session, "U0ENG1", week=WEEK, answers=[4, 4, 4, 4], at=MON)
        survey(session, "U0ENG2", week=WEEK, answers=[3, 3, 3, 3], at=MON)
        survey(session, "U0PILOT", week=WEEK, answers=[5, 4, 4, 3], at=MON)
        survey(session, "U0PILOT", week="2026-W46", answers=[1, 1, 1, 1], at=MON - timedelta(days=7))
    metric = card(db, program).metric("satisfaction")
    assert metric.value == pytest.approx(44 / 12)
    assert metric.status is Status.PASS
    assert metric.sample == 3


def test_satisfaction_at_exactly_3_5_is_close_and_two_responses_insufficient(db, program) -> None:
    with transaction(db) as session:
        survey(session, "U0ENG1", week=WEEK, answers=[4, 3], at=MON)
        survey(session, "U0ENG2", week=WEEK, answers=[4, 3], at=MON)
    assert card(db, program).metric("satisfaction").status is Status.INSUFFICIENT
    with transaction(db) as session:
        survey(session, "U0PILOT", week=WEEK, answers=[3, 4], at=MON)
    metric = card(db, program).metric("satisfaction")
    assert metric.value == pytest.approx(3.5)
    assert metric.status is Status.CLOSE


# -- incident SLO ------------------------------------------------------------------------


@pytest.fixture
def baseline_program(program: Program) -> Program:
    return program.model_copy(
        update={"incidents": IncidentBaseline(p1_median_minutes=20, p2_median_minutes=100, min_history=10)}
    )


def _incidents(sessions, priority: str, minutes: list[float], *, at: datetime = MON) -> None:
    with transaction(sessions) as session:
        for i, m in enumerate(minutes):
            incident(session, priority, m, opened_at=at + timedelta(hours=i))


def test_slo_5_0_percent_slower_passes(db, baseline_program) -> None:
    _incidents(db, "P1", [20, 21, 22])
    metric = card(db, baseline_program).metric("incident_slo")
    assert metric.value == pytest.approx(0.05)
    assert metric.status is Status.PASS
    assert metric.parts["P1"]["median_minutes"] == 21
    assert metric.parts["P1"]["baseline_source"] == "config"


def test_slo_5_1_percent_slower_does_not_pass(db, baseline_program) -> None:
    _incidents(db, "P1", [20, 21.02, 22])
    metric = card(db, baseline_program).metric("incident_slo")
    assert metric.value == pytest.approx(0.051)
    assert metric.status is Status.CLOSE
    assert metric.shortfall == pytest.approx(0.001)


def test_slo_takes_the_worse_priority_and_even_counts_average_the_middle(db, baseline_program) -> None:
    _incidents(db, "P1", [10, 20, 30, 40])  # median 25: 25% slower than 20
    _incidents(db, "P2", [90, 95, 100])  # median 95: 5% faster than 100
    metric = card(db, baseline_program).metric("incident_slo")
    assert metric.parts["P1"]["median_minutes"] == 25
    assert metric.parts["P2"]["slowdown"] == pytest.approx(-0.05)
    assert metric.parts["worst"] == "P1"
    assert metric.value == pytest.approx(0.25)
    assert metric.status is Status.FAIL


def test_slo_baseline_comes_from_history_when_there_is_enough(db, baseline_program) -> None:
    before_start = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    _incidents(db, "P1", [10] * 9, at=before_start)
    _incidents(db, "P1", [11, 11, 11])
    metric = card(db, baseline_program).metric("incident_slo")
    assert metric.parts["P1"]["baseline_source"] == "config"  # 9 < min_history
    _incidents(db, "P1", [10], at=before_start + timedelta(days=2))
    metric = card(db, baseline_program).metric("incident_slo")
    assert metric.parts["P1"]["baseline_source"] == "history"
    assert metric.parts["P1"]["baseline_minutes"] == 10
    assert metric.value == pytest.approx(0.10)
    assert metric.status is Status.CLOSE


def test_slo_with_too_few_incidents_is_insufficient(db, baseline_program) -> None:
    _incidents(db, "P1", [5, 5])
    assert card(db, baseline_program).metric("incident_slo").status is Status.INSUFFICIENT


# -- retention ---------------------------------------------------------------------------


def test_no_leavers_pass_and_one_leaver_fails(db, program) -> None:
    assert card(db, program).metric("retention").status is Status.PASS
    with transaction(db) as session:
        mark_left(
            session=session,
            now=MON,
            actor="U0ADMIN",
            person=person(session, "U0ENG2"),
            left_at=MON + timedelta(days=1),
            reason="moved to the SRE team",
        )
    metric = card(db, program).metric("retention")
    assert metric.value == 1
    assert metric.status is Status.FAIL
    assert metric.detail == "1 person left since the program started (1 this week)"
    assert [leaver.name for leaver in card(db, program).facts.people.leavers_this_week] == ["Bo Engineer"]
    # The week before they left still counts them as retained.
    assert card(db, program, "2026-W46").metric("retention").value == 0
    assert card(db, program, "2026-W48").metric("retention").value == 1
