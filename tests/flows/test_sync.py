"""The sync flows on their own: answer, the blockers form, today's sync (no Slack request involved)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.app import Casebook
from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.people import find_by_slack_id
from bot.domain.sync import get_sync
from bot.flows.sync import NOT_ON_ROSTER, answer_sync, blockers_form, todays_sync
from bot.slack.metadata import SyncValue
from tests.helpers import load_roster, texts

TODAY = date(2026, 11, 17)  # the conftest clock: Tuesday 09:00 in New York


@pytest.fixture
def deps(casebook: Casebook) -> Deps:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    return casebook.deps


def test_answering_records_once_and_returns_the_dm_showing_it(deps: Deps) -> None:
    meta = SyncValue(day=TODAY.isoformat())
    first = answer_sync(deps=deps, slack_user_id="U0ENG1", meta=meta, status="all_good")
    assert first.dm["channel"] == "U0ENG1"
    assert "You answered *All good*" in texts(first.dm["blocks"])
    assert first.queued == 0  # no overview was posted yet and no DM location was given: nothing to edit
    again = answer_sync(deps=deps, slack_user_id="U0ENG1", meta=meta, status="all_good")
    assert again.queued == 0
    with transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id="U0ENG1")
        assert person is not None
        answer = get_sync(session=session, person_id=person.id, day=TODAY)
        assert answer is not None and answer.status == "all_good"


@pytest.mark.parametrize(
    ("user", "day", "message"),
    [
        ("U0STRANGER", TODAY.isoformat(), NOT_ON_ROSTER),
        ("U0ENG1", "2026-11-18", "has not started yet"),
        ("U0ENG1", "2026-11-01", "is closed"),
        ("U0ENG1", "not-a-day", "no longer valid"),
    ],
)
def test_answers_that_cannot_be_taken_say_why(deps: Deps, user: str, day: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        answer_sync(deps=deps, slack_user_id=user, meta=SyncValue(day=day), status="all_good")


def test_the_blockers_form_is_prefilled_with_the_earlier_answer(deps: Deps) -> None:
    meta = SyncValue(day=TODAY.isoformat(), channel="D0ENG1", message_ts="1.2")
    answer_sync(
        deps=deps, slack_user_id="U0ENG1", meta=meta, status="blockers", blockers="VPN is down", mood=2
    )
    view = blockers_form(deps=deps, slack_user_id="U0ENG1", meta=meta).to_dict()
    assert "VPN is down" in str(view["blocks"])
    assert SyncValue.load(view["private_metadata"]) == meta


def test_todays_sync_is_for_people_on_the_roster(deps: Deps) -> None:
    assert todays_sync(deps=deps, slack_user_id="U0ENG2")["channel"] == "U0ENG2"
    with pytest.raises(DomainError, match=NOT_ON_ROSTER):
        todays_sync(deps=deps, slack_user_id="U0STRANGER")
