"""What a mentor sees about each mentee: readiness from assessments, this week's numbers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.engine import transaction
from bot.db.models import Assessment
from bot.domain.mentees import mentee_summaries, readiness
from bot.domain.people import find_by_slack_id
from bot.domain.reviews import record_review
from tests.audit_fixture import NY
from tests.conftest import START
from tests.helpers import load_roster
from tests.live_support import make_decision


@pytest.fixture
def people(sessions) -> None:
    load_roster(sessions, START)


def _assess(
    sessions, user: str, *, completed: bool, passed: bool | None, signed: bool, days_ago: int
) -> None:
    with transaction(sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=user)
        mentor = find_by_slack_id(session=session, slack_user_id="U0MENTOR")
        at = START - timedelta(days=days_ago)
        session.add(
            Assessment(
                person_id=person.id,
                size=20,
                plan=[],
                started_at=at,
                completed_at=at + timedelta(hours=1) if completed else None,
                score=0.85 if passed else (0.6 if completed else None),
                passed=passed,
                signed_off_by=mentor.id if signed else None,
                signed_off_at=at + timedelta(days=1) if signed else None,
            )
        )


def _readiness(sessions, user: str):
    with transaction(sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=user)
        return readiness(session=session, person_id=person.id)


def test_readiness_states(sessions, people) -> None:
    assert _readiness(sessions, "U0ENG1") == ("none", None)
    _assess(sessions, "U0ENG1", completed=False, passed=None, signed=False, days_ago=1)
    assert _readiness(sessions, "U0ENG1") == ("in_progress", None)
    _assess(sessions, "U0ENG2", completed=True, passed=False, signed=False, days_ago=2)
    assert _readiness(sessions, "U0ENG2") == ("not_passed", 0.6)
    _assess(sessions, "U0ENG2", completed=True, passed=True, signed=False, days_ago=1)
    assert _readiness(sessions, "U0ENG2") == ("awaiting_sign_off", 0.85)
    # A signed-off pass stands even when a later practice attempt did worse.
    _assess(sessions, "U0PILOT", completed=True, passed=True, signed=True, days_ago=5)
    _assess(sessions, "U0PILOT", completed=True, passed=False, signed=False, days_ago=1)
    assert _readiness(sessions, "U0PILOT") == ("ready", 0.85)


def test_this_weeks_numbers(sessions, people) -> None:
    make_decision(sessions, now=START, verdict="escalate", title="a")
    overturned = make_decision(sessions, now=START, title="b")
    make_decision(sessions, now=START, kind="practice", title="c", review_required=False)
    make_decision(sessions, now=START - timedelta(days=7), title="last week")
    with transaction(sessions) as session:
        record_review(
            session=session,
            now=START,
            decision_id=overturned,
            reviewer_slack_id="U0MENTOR",
            verdict="overturn",
            comment="Should have been denied: no contract basis.",
            suggested_verdict="deny",
        )
        mentor = find_by_slack_id(session=session, slack_user_id="U0MENTOR")
        summaries = mentee_summaries(session=session, mentor_id=mentor.id, now=START, tz=NY)
    by_name = {s.name: s for s in summaries}
    assert list(by_name) == ["Ada Engineer", "Bo Engineer", "Cy Pilot"]
    ada = by_name["Ada Engineer"]
    assert (ada.live, ada.escalated, ada.overturned, ada.practice) == (2, 1, 1, 1)
    assert (by_name["Bo Engineer"].live, by_name["Bo Engineer"].readiness) == (0, "none")
