"""Proposals from exception patterns: raised exactly when each threshold is crossed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.engine import transaction
from bot.domain.patterns import (
    accepted_improvements,
    decide_proposal,
    normalise_conditions,
    proposals_report,
    raise_proposals,
)
from bot.domain.people import find_by_slack_id
from bot.program_patterns import ProposalThresholds
from tests.helpers import load_roster
from tests.pattern_support import RULE, live

LIMITS = ProposalThresholds(min_approvals=3, window_weeks=3, max_overturns=0, clarify_min_overturns=2)


@pytest.fixture
def db(sessions, clock):
    load_roster(sessions, clock.now())
    return sessions


def _raise(db, now, limits=LIMITS):
    with transaction(db) as session:
        return [
            (p.policy_rule, p.kind, p.approvals)
            for p in raise_proposals(session=session, now=now, period="2026-W47", limits=limits)
        ]


def test_same_conditions_ignores_case_punctuation_ids_and_unit_spacing() -> None:
    a = normalise_conditions("Expires in 48 h; rollback by <@U0ENG1> deleting the namespace.")
    b = normalise_conditions("expires in 48h — Rollback by deleting the namespace")
    assert a == b
    assert normalise_conditions("Expires in 72h") != normalise_conditions("Expires in 48h")


def test_standing_rule_one_below_then_at_threshold(db, clock) -> None:
    now = clock.now()
    for i in range(2):
        live(db, now=now - timedelta(days=i + 1), title=f"namespace {i}")
    live(db, now=now - timedelta(days=3), title="other conditions", conditions="Expires in 72h")
    live(db, now=now - timedelta(days=30), title="outside the window")  # 3 weeks back is outside
    assert _raise(db, now) == []
    live(
        db,
        now=now - timedelta(hours=1),
        title="third",
        conditions="expires in 48h, rollback by deleting the namespace",
    )
    assert _raise(db, now) == [(RULE, "standing", 3)]
    assert _raise(db, now + timedelta(hours=1)) == []  # open already: not raised twice


def test_an_overturn_blocks_the_standing_proposal(db, clock) -> None:
    now = clock.now()
    for i in range(3):
        live(db, now=now - timedelta(days=i + 1), title=f"namespace {i}")
    live(db, now=now - timedelta(days=4), title="denied one", verdict="deny", review="overturn")
    assert _raise(db, now) == []
    assert _raise(db, now, LIMITS.model_copy(update={"max_overturns": 1})) == [(RULE, "standing", 3)]


def test_clarify_when_often_overturned(db, clock) -> None:
    now = clock.now()
    live(db, now=now - timedelta(days=1), title="first overturned", review="overturn")
    live(db, now=now - timedelta(days=2), title="upheld", review="uphold")
    live(db, now=now - timedelta(days=3), title="upheld too", review="uphold")
    assert _raise(db, now) == []  # 1 overturn: below 2
    live(db, now=now - timedelta(days=4), title="second overturned", review="overturn")
    assert [k for _, k, _ in _raise(db, now)] == ["clarify"]  # 2 of 4 = 50%


def test_clarify_needs_the_share_too(db, clock) -> None:
    now = clock.now()
    for i in range(2):
        live(db, now=now - timedelta(days=i + 1), title=f"overturned {i}", review="overturn")
    for i in range(3):
        live(db, now=now - timedelta(days=i + 3), title=f"upheld {i}", review="uphold")
    assert _raise(db, now) == []  # 2 of 5 < 50%


def test_accept_records_an_improvement_once(db, clock) -> None:
    now = clock.now()
    for i in range(3):
        live(db, now=now - timedelta(days=i + 1), title=f"namespace {i}")
    _raise(db, now)
    with transaction(db) as session:
        [report] = proposals_report(session=session)
        lead = find_by_slack_id(session=session, slack_user_id="U0LEAD")
        assert lead is not None
        first = decide_proposal(session=session, now=now, proposal_id=report["id"], lead=lead, accept=True)
        again = decide_proposal(session=session, now=now, proposal_id=report["id"], lead=lead, accept=False)
    assert first[1] and not again[1] and again[0].status == "accepted"
    assert "3 approvals with the same conditions in 3 weeks, 0 overturned" in report["headline"]
    with transaction(db) as session:
        found = accepted_improvements(
            session=session, since=now - timedelta(days=1), until=now + timedelta(1)
        )
        before = accepted_improvements(session=session, since=now - timedelta(days=9), until=now)
    assert [i.policy_rule for i in found] == [RULE] and before == []
