"""Training records and progress: who may correct, what counts, and when a cohort figure is shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain import training as domain
from bot.domain.errors import Conflict, Forbidden
from bot.domain.training import find_lab, find_session
from bot.domain.training_report import training_progress, training_report
from bot.program import Program
from tests.helpers import ROSTER_CSV, load_roster
from tests.metrics_data import person

OTHER_MENTOR = ROSTER_CSV + "U0MENTOR2,Mia Mentor,mia@example.com,mentor,,America/New_York\n"
OPENS = timedelta(minutes=15)


def _day_one(program: Program) -> tuple[domain.PlannedSession, domain.PlannedSession]:
    return find_session(program, "w9-mon-am"), find_session(program, "w9-mon-pm")


def test_a_mentor_corrects_only_their_mentees_and_a_lead_anyone(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, datetime(2026, 10, 30, tzinfo=UTC), OTHER_MENTOR)
    am, _ = _day_one(program)
    with transaction(sessions) as session:
        ada = person(session, "U0ENG1")
        with pytest.raises(Forbidden, match="Only Ada Engineer's mentor"):
            domain.correct_attendance(
                session=session,
                now=am.end,
                actor=person(session, "U0MENTOR2"),
                mentee=ada,
                planned=am,
                present=True,
            )
        with pytest.raises(Conflict, match="has not started yet"):
            domain.correct_attendance(
                session=session,
                now=am.start - OPENS,
                actor=person(session, "U0MENTOR"),
                mentee=ada,
                planned=am,
                present=True,
            )
        lead = person(session, "U0LEAD")
        assert domain.correct_attendance(
            session=session, now=am.end, actor=lead, mentee=ada, planned=am, present=True
        )
        assert not domain.correct_attendance(
            session=session, now=am.end, actor=lead, mentee=ada, planned=am, present=True
        )


def test_a_check_in_opens_shortly_before_the_start_and_a_correction_stands(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, datetime(2026, 10, 30, tzinfo=UTC))
    am, _ = _day_one(program)
    with transaction(sessions) as session:
        ada = person(session, "U0ENG1")
        with pytest.raises(Conflict, match="opens at its start"):
            domain.check_in(
                session=session,
                now=am.start - OPENS - timedelta(seconds=1),
                person=ada,
                planned=am,
                present=True,
                opens=OPENS,
            )
        done = domain.check_in(
            session=session, now=am.start - OPENS, person=ada, planned=am, present=True, opens=OPENS
        )
        assert (done.status, done.changed) == ("present", True)
        domain.correct_attendance(
            session=session,
            now=am.start,
            actor=person(session, "U0MENTOR"),
            mentee=ada,
            planned=am,
            present=False,
        )
        again = domain.check_in(
            session=session, now=am.start, person=ada, planned=am, present=True, opens=OPENS
        )
        assert (again.status, again.changed, again.corrected) == ("absent", False, True)


def test_cohort_figure_needs_min_cohort_engineers_and_modules_need_sessions_and_labs(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, datetime(2026, 10, 30, tzinfo=UTC))
    am, pm = _day_one(program)
    after_monday = pm.end
    with transaction(sessions) as session:
        ada = person(session, "U0ENG1")
        for planned in (am, pm):
            domain.check_in(
                session=session, now=planned.start, person=ada, planned=planned, present=True, opens=OPENS
            )
        for lab_id in ("m1-lab1", "m1-lab2", "m1-lab3"):
            lab, planned = find_lab(program, lab_id)
            assert domain.mark_lab(session=session, now=pm.start, person=ada, lab=lab, planned=planned)
        progress = training_progress(session=session, program=program, now=after_monday)
    cohort = progress.cohort
    assert (cohort.engineers, cohort.present, cohort.expected) == (3, 2, 6)
    assert cohort.rate == pytest.approx(2 / 6) and cohort.meets is False
    mine = next(p for p in progress.people if p.slack_user_id == "U0ENG1")
    assert mine.rate == 1.0 and mine.modules_done == ()  # Module 1 runs into Tuesday (session + lab 4)
    tuesday = find_session(program, "w9-tue-am")
    with transaction(sessions) as session:
        ada = person(session, "U0ENG1")
        domain.check_in(
            session=session, now=tuesday.start, person=ada, planned=tuesday, present=True, opens=OPENS
        )
        lab, planned = find_lab(program, "m1-lab4")
        domain.mark_lab(session=session, now=tuesday.start, person=ada, lab=lab, planned=planned)
        later = training_progress(session=session, program=program, now=tuesday.end)
    assert next(p for p in later.people if p.slack_user_id == "U0ENG1").modules_done == ("m1",)
    assert later.cohort.modules[0].completed == 1

    strict = program.model_copy(update={"training": program.training.model_copy(update={"min_cohort": 4})})
    with transaction(sessions) as session:
        report = training_report(session=session, program=strict, now=after_monday)
    assert report["cohort"]["rate"] is None and report["cohort"]["enough_data"] is False
    assert "a cohort figure needs at least 4" in report["cohort"]["why_no_figure"]
    assert [p["present"] for p in report["people"]] == [2, 0, 0]  # Ada, Bo, Cy by name
    assert len(report["sessions"]) == 18


def test_sessions_before_someone_joined_do_not_count_against_them(
    sessions: sessionmaker[Session], program: Program
) -> None:
    am, pm = _day_one(program)
    load_roster(sessions, am.start + timedelta(minutes=30))  # the roster arrived mid-morning
    with transaction(sessions) as session:
        early = training_progress(session=session, program=program, now=am.end)
        later = training_progress(session=session, program=program, now=pm.end)
        why = training_report(session=session, program=program, now=am.end)["cohort"]["why_no_figure"]
    assert early.sessions_held == 1 and early.cohort.expected == 0 and early.cohort.rate is None
    assert "no engineer was on the roster" in why
    assert [p.held for p in later.people] == [1, 1, 1] and later.cohort.expected == 3
