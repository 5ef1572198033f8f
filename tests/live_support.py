"""Helpers for the live-decision and review tests: good form values, fixture decisions, Slack lookups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.decisions import record_decision
from bot.domain.justification import Justification
from bot.domain.people import find_by_slack_id
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Callback
from tests.helpers import eventually

REVIEW_CHANNEL = "C0CBREVIEW"

GOOD = {
    "title": "payments-api: single replica requested in prod",
    "category": "policy_violation",
    "source_url": "https://ggen.example.com/holds/4711",
    "source_text": "ggen held payments-api: replicas=1 violates availability floor r7",
    "verdict": "approve",
    "policy": "Availability floor r7 allows a 48 h exception delegated to ops",
    "evidence": "Load test namespace only; traffic is synthetic per ticket OPS-1234",
    "risk": "No customer traffic; blast radius is the load-test namespace itself",
    "conditions": "Expires in 48 h; rollback is scaling back to 3 replicas via ggen",
    "escalation": None,
    "confidence": "4",
}


def justification(**overrides: Any) -> Justification:
    data = {
        "policy": "Rule r7 of the availability policy applies here",
        "evidence": "Checked the dashboards and the ticket history",
        "risk": "Limited to one internal service for two days",
        "conditions": "Expires Friday; rollback by reverting the overlay",
        "escalation": None,
        "confidence": 4,
    }
    data.update(overrides)
    return Justification(**data)


def make_decision(
    sessions: sessionmaker[Session],
    *,
    now: datetime,
    user: str = "U0ENG1",
    kind: str = "live",
    verdict: str = "approve",
    category: str = "policy_violation",
    title: str = "payments-api single replica",
    key: str | None = None,
    review_required: bool = True,
) -> int:
    """Record a decision through the domain and return its id."""
    with transaction(sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=user)
        assert person is not None
        recorded = record_decision(
            session=session,
            now=now,
            person_id=person.id,
            actor=user,
            kind=kind,
            verdict=verdict,
            justification=justification(
                escalation="Security on-call, beyond ops" if verdict == "escalate" else None
            ),
            idempotency_key=key or f"test:{user}:{title}:{now.isoformat()}:{kind}:{verdict}",
            category=category,
            title=title,
            source_url="https://ggen.example.com/holds/1" if kind == "live" else None,
            review_required=review_required,
        )
        return recorded.decision.id


def latest_view(fake: FakeSlack, callback_id: str, *, after: int = 0) -> tuple[str, dict[str, Any]]:
    """The most recently opened modal with this callback id (waits for it)."""

    def find() -> tuple[str, dict[str, Any]] | None:
        with fake.lock:
            found = [
                (vid, v)
                for vid, v in fake.views.items()
                if v.get("callback_id") == callback_id and int(vid[1:]) > after
            ]
        return found[-1] if found else None

    result = eventually(find)
    assert result is not None
    return result


def open_log_modal(slack: Simulator, fake: FakeSlack, user: str = "U0ENG1") -> str:
    before = _max_view(fake)
    assert slack.command(user, "log").status == 200
    return latest_view(fake, Callback.LOG_DECISION, after=before)[0]


def _max_view(fake: FakeSlack) -> int:
    with fake.lock:
        return max((int(v[1:]) for v in fake.views), default=0)


def review_posts(fake: FakeSlack) -> list[Message]:
    return fake.messages_in(REVIEW_CHANNEL, top_level=True)


def review_post_for(fake: FakeSlack, decision_id: int) -> Message:
    """The review post of one decision (waits for the ledger to send it)."""

    def find() -> Message | None:
        return next((m for m in review_posts(fake) if f"#{decision_id} " in m.text), None)

    found = eventually(find)
    assert found is not None
    return found


def max_view(fake: FakeSlack) -> int:
    return _max_view(fake)
