"""Submitting a card's decision: what it sends is built before the write transaction, and stays right."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import Casebook
from bot.db.engine import read_transaction, transaction
from bot.db.models import Decision, Delivery
from bot.deps import Deps
from bot.domain.justification import Justification
from bot.domain.people import get_view
from bot.flows import practice
from bot.flows.cards import CARD_UPDATE_JOB, card_period
from bot.flows.practice import FEEDBACK_JOB, deal_practice_card, submit_decision
from bot.sandbox.fakeslack import validate_blocks
from bot.slack.metadata import JustifyMeta
from tests.helpers import load_roster, texts

ANSWER = Justification(
    policy="The change-freeze policy allows no exceptions without the on-call lead's sign-off.",
    evidence="The ticket shows no rollback plan and the canary was skipped.",
    risk="A failed deploy during peak traffic would breach the SLO.",
    conditions=None,
    escalation=None,
    confidence=4,
)


@pytest.fixture
def deps(casebook: Casebook) -> Deps:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    return casebook.deps


def _deal(deps: Deps, user: str) -> int:
    with read_transaction(deps.sessions) as session:
        person = get_view(session=session, slack_user_id=user)
    assert person is not None
    return deal_practice_card(deps=deps, person=person, category=None).assignment.id


def _sent(deps: Deps, assignment_id: int) -> dict[str, dict[str, Any]]:
    """The ledger's payload for the card's update and its feedback DM, by job."""
    with read_transaction(deps.sessions) as session:
        rows = session.scalars(
            select(Delivery).where(
                Delivery.job.in_([CARD_UPDATE_JOB, FEEDBACK_JOB]),
                Delivery.period == card_period(assignment_id),
            )
        ).all()
        return {row.job: dict(row.payload) for row in rows}


def test_a_submission_records_the_decision_and_sends_the_decided_card_and_feedback(deps: Deps) -> None:
    card = _deal(deps, "U0ENG1")
    meta = JustifyMeta(assignment_id=card, verdict="deny")
    submitted = submit_decision(deps=deps, user_id="U0ENG1", meta=meta, justification=ANSWER)
    assert submitted.created and submitted.verdict == "deny"
    sent = _sent(deps, card)
    assert set(sent) == {CARD_UPDATE_JOB, FEEDBACK_JOB}, sent
    assert sent[CARD_UPDATE_JOB]["text"].endswith("— deny")
    assert "change-freeze" in texts(sent[CARD_UPDATE_JOB]["blocks"])
    assert "Deny" in texts(sent[FEEDBACK_JOB]["blocks"]) or "deny" in texts(sent[FEEDBACK_JOB]["blocks"])
    for payload in sent.values():
        assert validate_blocks(payload["blocks"], limit=50) is None
    # The same submission again records nothing more and sends nothing more.
    again = submit_decision(deps=deps, user_id="U0ENG1", meta=meta, justification=ANSWER)
    assert not again.created
    with read_transaction(deps.sessions) as session:
        decisions = session.scalars(select(Decision).where(Decision.assignment_id == card)).all()
    assert len(decisions) == 1
    assert _sent(deps, card) == sent


def test_a_card_refused_when_read_but_not_under_the_lock_still_sends_everything(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the pre-built sends leave: the first read refuses, the locked read does not."""
    card = _deal(deps, "U0ENG1")
    calls: list[str] = []
    real = practice.owner_refusal

    def refuse_once(**kwargs: Any) -> str | None:
        calls.append(kwargs["user_id"])
        return practice.LEFT if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(practice, "owner_refusal", refuse_once)
    meta = JustifyMeta(assignment_id=card, verdict="approve")
    assert submit_decision(deps=deps, user_id="U0ENG1", meta=meta, justification=ANSWER).created
    assert len(calls) == 2
    sent = _sent(deps, card)
    assert set(sent) == {CARD_UPDATE_JOB, FEEDBACK_JOB}, sent
    assert sent[CARD_UPDATE_JOB]["text"].endswith("— approve")


def test_someone_elses_card_is_refused_and_nothing_is_written(deps: Deps) -> None:
    card = _deal(deps, "U0ENG1")
    meta = JustifyMeta(assignment_id=card, verdict="deny")
    with pytest.raises(practice.Forbidden, match="someone else"):
        submit_decision(deps=deps, user_id="U0ENG2", meta=meta, justification=ANSWER)
    with transaction(deps.sessions) as session:
        assert session.scalars(select(Decision).where(Decision.assignment_id == card)).first() is None
    assert _sent(deps, card) == {}
