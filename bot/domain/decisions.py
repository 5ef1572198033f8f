"""Recording decisions (practice, assessment, live): exactly one per card or submission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Decision
from bot.db.upsert import insert_new
from bot.domain.errors import DomainError
from bot.domain.justification import Justification
from bot.domain.vocab import VERDICTS

KINDS = ("practice", "assessment", "live")


@dataclass(frozen=True)
class Recorded:
    decision: Decision
    created: bool  # False: this was a retry or a double submit; nothing new was written


def find_existing(*, session: Session, idempotency_key: str, assignment_id: int | None) -> Decision | None:
    """The decision already recorded for this submission key or this card, if any (the key's first)."""
    found = session.execute(
        select(Decision).where(Decision.idempotency_key == idempotency_key)
    ).scalar_one_or_none()
    if found is None and assignment_id is not None:
        found = session.execute(
            select(Decision).where(Decision.assignment_id == assignment_id)
        ).scalar_one_or_none()
    return found


def _insert(*, session: Session, values: dict[str, Any]) -> Recorded:
    """Add the decision unless this submission key or this card already has one (a retry, a
    double submit, a concurrent duplicate on another thread): then that one, not created.

    One INSERT … ON CONFLICT DO NOTHING RETURNING (bot.db.upsert) in the usual case, instead
    of two lookups, a savepoint, the insert and its release."""
    created = insert_new(session=session, model=Decision, values=values)
    if created is not None:
        return Recorded(created, True)
    winner = find_existing(
        session=session, idempotency_key=values["idempotency_key"], assignment_id=values["assignment_id"]
    )
    if winner is None:  # pragma: no cover - decisions have no other unique key
        raise DomainError("The decision could not be stored: it conflicts with another record.")
    return Recorded(winner, False)


def _audit_recorded(
    *,
    session: Session,
    now: datetime,
    actor: str,
    decision: Decision,
    title: str,
    justification: Justification,
) -> None:
    append_event(
        session=session,
        now=now,
        actor=actor,
        action="decision.recorded",
        subject_type="decision",
        subject_id=decision.id,
        reason=justification.policy[:500],
        payload={
            "kind": decision.kind,
            "verdict": decision.verdict,
            "category": decision.category,
            "title": title,
            "assignment_id": decision.assignment_id,
            "scenario_version_id": decision.scenario_version_id,
            "source_url": decision.source_url,
            "outcome": decision.outcome,
            "seconds_to_decide": decision.seconds_to_decide,
            "justification": justification.as_dict(),
            # only when named, so events of decisions without a rule read as before issue 18
            **({"policy_rule": decision.policy_rule} if decision.policy_rule else {}),
        },
    )


def record_decision(
    *,
    session: Session,
    now: datetime,
    person_id: int,
    actor: str,
    kind: str,
    verdict: str,
    justification: Justification,
    idempotency_key: str,
    category: str,
    title: str,
    assignment_id: int | None = None,
    scenario_version_id: int | None = None,
    source_url: str | None = None,
    source_text: str | None = None,
    outcome: str | None = None,
    seconds_to_decide: float | None = None,
    review_required: bool = True,
    policy_rule: str | None = None,
) -> Recorded:
    """Write a decision and its audit event, or return the one a retry already wrote."""
    if kind not in KINDS:
        raise DomainError(f"Unknown decision kind {kind!r}.")
    if verdict not in VERDICTS:
        raise DomainError(f"Unknown verdict {verdict!r}.")
    recorded = _insert(
        session=session,
        values={
            "kind": kind,
            "person_id": person_id,
            "assignment_id": assignment_id,
            "scenario_version_id": scenario_version_id,
            "idempotency_key": idempotency_key,
            "category": category,
            "title": title[:300],
            "verdict": verdict,
            "justification": justification.as_dict(),
            "confidence": justification.confidence,
            "source_url": source_url,
            "source_text": source_text,
            "outcome": outcome,
            "seconds_to_decide": seconds_to_decide,
            "decided_at": now,
            "review_status": "pending" if review_required else "not_required",
            "review_channel": None,
            "review_ts": None,
            "policy_rule": policy_rule,
        },
    )
    if not recorded.created:
        return recorded
    decision = recorded.decision
    _audit_recorded(
        session=session, now=now, actor=actor, decision=decision, title=title, justification=justification
    )
    return Recorded(decision, True)


def ordinal(*, session: Session, decision: Decision) -> int:
    """Which of its author's decisions of its kind this is (1 for someone's first live decision).

    Decision ids count every kind together, so a first live decision can be #37; people are
    told their own count, with the id kept as the reference reviewers see.
    """
    return int(
        session.execute(
            select(func.count(Decision.id)).where(
                Decision.person_id == decision.person_id,
                Decision.kind == decision.kind,
                Decision.id <= decision.id,
            )
        ).scalar_one()
    )
