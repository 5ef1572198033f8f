"""The Friday survey and its reminder: local times, grace to the end of Friday, non-responders only."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import Person
from bot.domain.surveys import SurveyAnswers, submit_survey
from bot.sandbox.fakeslack import FakeSlack
from tests.helpers import texts
from tests.jobs.conftest import BERLIN, NY, ledger, local

FRIDAY = date(2026, 11, 20)


def _answer(casebook: Casebook, uid: str) -> None:
    with transaction(casebook.deps.sessions) as session:
        person = session.execute(select(Person).where(Person.slack_user_id == uid)).scalar_one()
        submit_survey(
            session=session,
            now=casebook.deps.clock.now(),
            person=person,
            week="2026-W47",
            questions=casebook.deps.program.survey.questions,
            submitted=SurveyAnswers({q.id: 4 for q in casebook.deps.program.survey.questions}, None),
            minimum=casebook.deps.program.thresholds.survey_anonymity_min,
        )


def test_survey_goes_out_friday_afternoon_local_once(roster: Casebook, run_at, fake: FakeSlack) -> None:
    run_at("survey", local(FRIDAY, "14:59", BERLIN))
    assert fake.dms_to("U0ENG2") == []
    run_at("survey", local(FRIDAY, "15:00", BERLIN))
    (dm,) = fake.dms_to("U0ENG2")
    assert "Weekly survey — 2026-W47" in texts(dm.blocks)
    assert "at least 3 people" in texts(dm.blocks)
    run_at("survey", local(FRIDAY, "15:05", NY))
    run_at("survey", local(FRIDAY, "15:35", NY))
    assert [len(fake.dms_to(u)) for u in ("U0ENG1", "U0ENG2", "U0PILOT", "U0MENTOR")] == [1, 1, 1, 0]
    assert {d.period for d in ledger(roster, "survey")} == {"2026-W47"}


def test_survey_may_go_out_late_until_the_end_of_friday_then_it_is_missed(
    roster: Casebook, run_at, fake: FakeSlack
) -> None:
    # Back at 23:30 Friday in New York (still Friday there), 05:30 Saturday in Berlin.
    run_at("survey", local(FRIDAY, "23:30", NY))
    assert len(fake.dms_to("U0ENG1")) == 1
    assert fake.dms_to("U0ENG2") == []
    statuses = {d.recipient: d.status for d in ledger(roster, "survey")}
    assert statuses == {"U0ENG1": "sent", "U0PILOT": "sent", "U0ENG2": "missed"}


def test_reminder_only_to_those_sent_the_survey_who_have_not_answered(
    roster: Casebook, run_at, fake: FakeSlack
) -> None:
    with transaction(roster.deps.sessions) as session:
        cy = session.execute(select(Person).where(Person.slack_user_id == "U0PILOT")).scalar_one()
        cy.ooo_until = FRIDAY
    run_at("survey", local(FRIDAY, "15:01", BERLIN))
    run_at("survey", local(FRIDAY, "15:01", NY))
    _answer(roster, "U0ENG2")
    run_at("survey-reminder", local(FRIDAY, "16:31", BERLIN))
    run_at("survey-reminder", local(FRIDAY, "16:29", NY))
    assert len(fake.dms_to("U0ENG1")) == 1
    run_at("survey-reminder", local(FRIDAY, "16:31", NY))
    run_at("survey-reminder", local(FRIDAY, "17:31", NY))
    reminders = {d.recipient: (d.status, d.last_error) for d in ledger(roster, "survey-reminder")}
    assert reminders == {
        "U0ENG1": ("sent", None),
        "U0ENG2": ("skipped", "already answered"),
        "U0PILOT": ("skipped", "out of office until 2026-11-20"),
    }
    assert len(fake.dms_to("U0ENG1")) == 2 and len(fake.dms_to("U0ENG2")) == 1
    assert "still waiting for your answers" in texts(fake.dms_to("U0ENG1")[-1].blocks)


def test_no_survey_outside_its_phases_or_on_other_days(roster: Casebook, run_at, fake: FakeSlack) -> None:
    run_at("survey", local(date(2026, 11, 13), "16:00", NY))  # Friday of week 10: training
    run_at("survey", local(FRIDAY - timedelta(days=1), "16:00", NY))  # Thursday
    assert ledger(roster, "survey") == []
    assert fake.messages == []
