"""Helpers for the live-decision and review tests: good form values, fixture decisions, Slack lookups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.db.models import Decision
from bot.domain.decisions import record_decision
from bot.domain.justification import Justification
from bot.domain.people import find_by_slack_id
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.simulator import Reply, Simulator
from bot.slack.ids import Callback, Shortcut
from bot.slack.metadata import DecisionValue
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


CONDITIONS = "Expires Friday; rollback by reverting the overlay"


def justification(**overrides: Any) -> Justification:
    data = {
        "policy": "Rule r7 of the availability policy applies here",
        "evidence": "Checked the dashboards and the ticket history",
        "risk": "Limited to one internal service for two days",
        "conditions": CONDITIONS,
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
    conditions: str | None = CONDITIONS,
    source_url: str = "https://ggen.example.com/holds/1",
    source_text: str | None = None,
    policy_rule: str | None = None,
) -> int:
    """Record a decision through the domain and return its id (``source_url`` only on a live one)."""
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
                conditions=conditions,
                escalation="Security on-call, beyond ops" if verdict == "escalate" else None,
            ),
            idempotency_key=key or f"test:{user}:{title}:{now.isoformat()}:{kind}:{verdict}",
            category=category,
            title=title,
            source_url=source_url if kind == "live" else None,
            source_text=source_text,
            review_required=review_required,
            policy_rule=policy_rule,
        )
        return recorded.decision.id


def last_decision_id(sessions: sessionmaker[Session]) -> int:
    """The id of the newest decision."""
    with transaction(sessions) as session:
        return int(session.execute(select(func.max(Decision.id))).scalar_one())


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


def open_alert_form(
    slack: Simulator,
    fake: FakeSlack,
    message: dict[str, Any],
    *,
    user: str = "U0ENG1",
    channel: str = "C0ALERTS",
) -> tuple[str, dict[str, Any]]:
    """*Handle as exception* on ``message``: the live-decision form it opens (waits for it)."""
    before = _max_view(fake)
    reply = slack.message_shortcut(
        user, callback_id=Shortcut.HANDLE_AS_EXCEPTION, channel=channel, message=message
    )
    assert reply.status == 200
    return latest_view(fake, Callback.LOG_DECISION, after=before)


def log_decision(
    slack: Simulator,
    fake: FakeSlack,
    sessions: sessionmaker[Session],
    *,
    user: str = "U0ENG1",
    values: dict[str, Any] | None = None,
) -> int:
    """Log a live decision with `/casebook log` (``GOOD`` unless ``values``) and return its id."""
    view_id = open_log_modal(slack, fake, user)
    assert slack.submit(user, view_id, GOOD if values is None else values).status == 200
    return last_decision_id(sessions)


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


def click_review(slack: Simulator, fake: FakeSlack, *, user: str, decision_id: int, action: str) -> Reply:
    """Click Uphold or Overturn (``action``) on a decision's review post, as ``user``."""
    return slack.click(
        user,
        action_id=action,
        value=DecisionValue(decision_id=decision_id).dump(),
        block_id="review_actions",
        channel=REVIEW_CHANNEL,
        message_ts=review_post_for(fake, decision_id).ts,
    )


def open_review(
    slack: Simulator, fake: FakeSlack, *, user: str, decision_id: int, action: str
) -> tuple[str, dict[str, Any]]:
    """Click Uphold or Overturn and return the review modal it opens (waits for it)."""
    before = _max_view(fake)
    assert click_review(slack, fake, user=user, decision_id=decision_id, action=action).status == 200
    return latest_view(fake, Callback.REVIEW, after=before)
