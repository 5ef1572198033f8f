"""bot.flows.stats: what `/casebook stats` shows, read into plain values inside the flow's transaction."""

from __future__ import annotations

import pytest

from bot.db.engine import transaction
from bot.domain.assessment import AttemptSummary
from bot.domain.errors import Forbidden, NotFound
from bot.domain.people import PersonView, get_view
from bot.flows import assessment as assessment_flow
from bot.flows.stats import person_stats
from tests.helpers import load_roster


def _view(casebook, slack_user_id: str) -> PersonView:
    with transaction(casebook.deps.sessions) as session:
        view = get_view(session=session, slack_user_id=slack_user_id)
    assert view is not None
    return view


def test_readiness_is_plain_values_usable_after_the_transaction(casebook, clock) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    ada = _view(casebook, "U0ENG1")
    assessment_flow.start(deps=casebook.deps, person=ada)

    stats = person_stats(deps=casebook.deps, viewer=ada, target_slack_id=None)

    readiness = stats.progress.readiness
    assert stats.name == "Ada Engineer" and readiness.state == "in_progress"
    assert isinstance(readiness.current, AttemptSummary), "no ORM row escapes the flow's session"
    assert readiness.current.size == 20 and readiness.current_answered == 0


def test_a_mentor_may_read_a_mentee_and_an_engineer_may_not(casebook, clock) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    mentor, ada = _view(casebook, "U0MENTOR"), _view(casebook, "U0ENG1")

    assert person_stats(deps=casebook.deps, viewer=mentor, target_slack_id="U0ENG2").name == "Bo Engineer"
    with pytest.raises(Forbidden):
        person_stats(deps=casebook.deps, viewer=ada, target_slack_id="U0ENG2")
    with pytest.raises(NotFound):
        person_stats(deps=casebook.deps, viewer=mentor, target_slack_id="U0NOBODY")
