"""The survey flows on their own: the form, submitting, the App Home status, the jobs' payloads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import Casebook
from bot.db.engine import read_transaction
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.people import get_view
from bot.domain.surveys import SurveyAnswers
from bot.flows.survey import (
    NOT_FOR_YOU,
    submit_answers,
    survey_dm,
    survey_form,
    survey_home_section,
    survey_reminder,
)
from bot.sandbox.fakeslack import validate_blocks
from tests.helpers import load_roster, texts

WEEK = "2026-W47"  # the conftest clock's week
ANSWERS = SurveyAnswers({"clarity": 4, "support": 5, "tools": 3, "workload": 2, "confidence": 4}, None)


@pytest.fixture
def deps(casebook: Casebook) -> Deps:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    return casebook.deps


def _status(deps: Deps, user: str) -> str | None:
    """The App Home section's text, or None when it shows nothing."""
    with read_transaction(deps.sessions) as session:
        person = get_view(session=session, slack_user_id=user)
        assert person is not None
        blocks = survey_home_section(deps, session, person, deps.clock.now())
    assert validate_blocks([b.to_dict() for b in blocks], limit=50) is None
    return texts([b.to_dict() for b in blocks]) if blocks else None


def test_the_survey_is_only_for_engineers_on_the_roster(deps: Deps) -> None:
    for user in ("U0PM", "U0STRANGER"):
        with pytest.raises(DomainError, match=NOT_FOR_YOU):
            survey_form(deps=deps, slack_user_id=user, week=None)
    assert _status(deps, "U0PM") is None


def test_submitting_stores_the_answers_and_home_shows_them_answered(deps: Deps) -> None:
    # Whether answers can later be changed is the domain's rule (bot.domain.surveys), not the flow's.
    assert survey_form(deps=deps, slack_user_id="U0ENG1", week=None).private_metadata is not None
    assert "not answered yet" in (_status(deps, "U0ENG1") or "")
    first = submit_answers(deps=deps, slack_user_id="U0ENG1", week=WEEK, answers=ANSWERS).to_dict()
    assert f"answers for {WEEK} are saved" in texts(first["blocks"])
    assert f"Weekly survey {WEEK}*: :white_check_mark: answered" in (_status(deps, "U0ENG1") or "")
    with pytest.raises(DomainError, match="is closed"):
        submit_answers(deps=deps, slack_user_id="U0ENG2", week="2026-W40", answers=ANSWERS)


def test_the_job_payloads_are_valid_block_kit(deps: Deps) -> None:
    for payload in (
        survey_dm(program=deps.program, channel="U0ENG1", week=WEEK),
        survey_reminder(program=deps.program, channel="U0ENG1", week=WEEK),
    ):
        assert payload["channel"] == "U0ENG1" and WEEK in payload["text"]
        assert validate_blocks(payload["blocks"], limit=50) is None
