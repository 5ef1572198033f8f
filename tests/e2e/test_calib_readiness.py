"""Readiness can require no overdue re-tests (``calibration.readiness_requires_no_overdue_retests``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import Casebook
from bot.config import EXAMPLE_PROGRAM
from bot.db.engine import transaction
from bot.db.models import Assessment
from bot.program import Program, load_program
from bot.program_calib import Calibration
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action
from bot.slack.metadata import AssessmentValue
from tests.domain.test_assessment import _completed
from tests.e2e.test_calib import MENTOR, _answer, _deal, _scenario
from tests.helpers import eventually, load_roster


@pytest.fixture
def program() -> Program:
    base = load_program(EXAMPLE_PROGRAM)
    return base.model_copy(update={"calibration": Calibration(readiness_requires_no_overdue_retests=True)})


def _signed_off(casebook: Casebook, assessment_id: int) -> int | None:
    with transaction(casebook.deps.sessions) as session:
        assessment = session.get(Assessment, assessment_id)
        assert assessment is not None
        return assessment.signed_off_by


def test_sign_off_waits_for_overdue_re_tests(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    day0 = clock.now()
    card = _deal(slack, fake, 1)
    mistaken = _scenario(casebook, card)
    _answer(casebook, slack, fake, card, 1, right=False)  # re-test due on day 1, overdue after day 3
    assessment_id = _completed(casebook.deps.sessions, clock, good=17)
    value = AssessmentValue(assessment_id=assessment_id).dump()

    clock.set(day0 + timedelta(days=4))
    slack.click_home(MENTOR, action_id=Action.SIGN_OFF, value=value)
    note = eventually(lambda: [m for m in fake.dms_to(MENTOR) if "overdue re-test" in m.text])
    assert "Ada Engineer has 1 overdue re-test" in note[0].text
    assert "requires no overdue re-tests before readiness is signed off" in note[0].text
    assert _signed_off(casebook, assessment_id) is None

    retest = _deal(slack, fake, 2)  # the overdue re-test comes first
    assert _scenario(casebook, retest) == mistaken
    _answer(casebook, slack, fake, retest, 2, right=True)  # not closed yet (1 of 2), but no longer overdue
    slack.click_home(MENTOR, action_id=Action.SIGN_OFF, value=value)
    eventually(lambda: _signed_off(casebook, assessment_id) is not None)
