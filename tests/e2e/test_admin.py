"""End to end: `/casebook role` and `/casebook mentor` from Slack."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.db.engine import transaction
from bot.db.models import AuditEvent
from bot.domain.people import find_by_slack_id, mentor_of
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.helpers import eventually, texts


def _last_response(fake: FakeSlack, count: int) -> str:
    eventually(lambda: len(fake.responses) >= count)
    return texts(fake.responses[count - 1]["blocks"])


def _roles(casebook, user: str) -> list[str]:
    with transaction(casebook.deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=user)
        return sorted(person.role_names) if person else []


def test_admin_sets_roles_with_an_audit_event(casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    slack.command("U0ADMIN", "role <@U0ENG2|bo> engineer,pilot")
    assert "now has the role(s) engineer, pilot (was: engineer)" in _last_response(fake, 1)
    assert _roles(casebook, "U0ENG2") == ["engineer", "pilot"]
    with transaction(casebook.deps.sessions) as session:
        event = session.execute(
            select(AuditEvent).where(AuditEvent.action == "person.roles_changed")
        ).scalar_one()
    assert event.actor == "U0ADMIN" and event.subject_id == "U0ENG2"
    assert json.loads(event.payload) == {"before": ["engineer"], "after": ["engineer", "pilot"]}


def test_role_adds_someone_slack_knows(casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    slack.command("U0ADMIN", "role <@U0STRANGER|sam> engineer")
    assert "(was: not on the roster)" in _last_response(fake, 1)
    with transaction(casebook.deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id="U0STRANGER")
        assert person is not None
        assert (person.name, person.timezone, sorted(person.role_names)) == (
            "Sam Stranger",
            "America/New_York",
            ["engineer"],
        )


@pytest.mark.parametrize(
    ("user", "text", "message"),
    [
        ("U0LEAD", "role <@U0ENG1> pilot", "/casebook role is for admin only"),
        ("U0ADMIN", "role <@U0ENG1> wizard", "Unknown role `wizard`"),
        ("U0ADMIN", "role <@U0ENG1>", "Name at least one role"),
        ("U0ADMIN", "role bob engineer", "is not a person"),
        ("U0ADMIN", "role <@U0ADMIN> engineer", "own admin role"),
        ("U0ADMIN", "role <@U0NOSUCH> engineer", "couldn't find U0NOSUCH in Slack"),
    ],
)
def test_role_refusals_say_why(casebook, roster, slack: Simulator, fake, user, text, message) -> None:
    before = _roles(casebook, "U0ENG1")
    slack.command(user, text)
    assert message in _last_response(fake, 1)
    assert _roles(casebook, "U0ENG1") == before


def test_lead_pairs_and_unpairs_a_mentor(casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    slack.command("U0LEAD", "mentor <@U0ENG2|bo> <@U0LEAD|lee>")
    assert "mentor is now <@U0LEAD>" in _last_response(fake, 1)
    with transaction(casebook.deps.sessions) as session:
        bo = find_by_slack_id(session=session, slack_user_id="U0ENG2")
        assert mentor_of(session=session, person_id=bo.id).slack_user_id == "U0LEAD"
    slack.command("U0LEAD", "mentor <@U0ENG2> none")
    assert "no longer has a mentor" in _last_response(fake, 2)
    with transaction(casebook.deps.sessions) as session:
        bo = find_by_slack_id(session=session, slack_user_id="U0ENG2")
        assert mentor_of(session=session, person_id=bo.id) is None
        events = (
            session.execute(select(AuditEvent).where(AuditEvent.action == "mentor.paired")).scalars().all()
        )
    assert [json.loads(e.payload)["after"] for e in events[-2:]] == ["U0LEAD", None]


@pytest.mark.parametrize(
    ("user", "text", "message"),
    [
        ("U0ENG1", "mentor <@U0ENG2> <@U0LEAD>", "is for admin, lead only"),
        ("U0ADMIN", "mentor <@U0ENG2> <@U0ENG1>", "isn't a mentor or lead"),
        ("U0ADMIN", "mentor <@U0ENG2> <@U0NOSUCH>", "U0NOSUCH isn't on the roster"),
        ("U0ADMIN", "mentor <@U0ENG2>", "Usage"),
        ("U0ADMIN", "mentor <@U0MENTOR> <@U0MENTOR>", "cannot mentor themselves"),
    ],
)
def test_mentor_refusals_say_why(casebook, roster, slack: Simulator, fake, user, text, message) -> None:
    slack.command(user, text)
    assert message in _last_response(fake, 1)
    with transaction(casebook.deps.sessions) as session:
        bo = find_by_slack_id(session=session, slack_user_id="U0ENG2")
        assert mentor_of(session=session, person_id=bo.id).slack_user_id == "U0MENTOR"
