"""The roster flows on their own: roles, mentor pairs, leavers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import Casebook
from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.errors import DomainError, NotFound
from bot.domain.people import find_by_slack_id, mentor_of
from bot.flows.roster import change_roles, pair_mentor, record_leaver
from tests.helpers import load_roster


@pytest.fixture
def deps(casebook: Casebook) -> Deps:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    return casebook.deps


def test_change_roles_reports_before_and_after(deps: Deps) -> None:
    changed = change_roles(deps=deps, actor="U0ADMIN", target="U0ENG1", roles=["engineer", "pilot"])
    assert (changed.before, changed.roles) == (["engineer"], ["engineer", "pilot"])
    with transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id="U0ENG1")
        assert person is not None and person.role_names == {"engineer", "pilot"}


def test_someone_slack_knows_is_added_with_no_roles_before(deps: Deps) -> None:
    changed = change_roles(deps=deps, actor="U0ADMIN", target="U0STRANGER", roles=["engineer"])
    assert changed.before == []
    with transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id="U0STRANGER")
        assert person is not None and person.name == "Sam Stranger"


def test_an_admin_cannot_drop_their_own_admin_role(deps: Deps) -> None:
    with pytest.raises(DomainError, match="own admin role"):
        change_roles(deps=deps, actor="U0ADMIN", target="U0ADMIN", roles=["lead"])


def test_pairing_needs_a_mentor_or_lead_and_none_unpairs(deps: Deps) -> None:
    with pytest.raises(DomainError, match="isn't a mentor or lead"):
        pair_mentor(deps=deps, actor="U0LEAD", mentee_id="U0ENG1", mentor_id="U0ENG2")
    pair_mentor(deps=deps, actor="U0LEAD", mentee_id="U0ENG1", mentor_id="U0LEAD")
    with transaction(deps.sessions) as session:
        ada = find_by_slack_id(session=session, slack_user_id="U0ENG1")
        assert ada is not None
        mentor = mentor_of(session=session, person_id=ada.id)
        assert mentor is not None and mentor.slack_user_id == "U0LEAD"
    pair_mentor(deps=deps, actor="U0LEAD", mentee_id="U0ENG1", mentor_id=None)
    with transaction(deps.sessions) as session:
        assert mentor_of(session=session, person_id=ada.id) is None


def test_record_leaver_returns_the_name_and_the_tidied_reason(deps: Deps) -> None:
    left = record_leaver(deps=deps, actor="U0ADMIN", slack_user_id="U0ENG2", reason="  moved   to SRE ")
    assert (left.name, left.reason) == ("Bo Engineer", "moved to SRE")
    with pytest.raises(NotFound):
        record_leaver(deps=deps, actor="U0ADMIN", slack_user_id="U0NOBODY", reason="gone")
