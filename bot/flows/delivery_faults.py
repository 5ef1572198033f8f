"""A delivery was given up: alert the admins and tell the person it concerns.

Called by the dispatcher after it recorded a permanent failure (or a transient one
that outlasted the retry window). Owns its transaction; the rows it enqueues are
ordinary deliveries, sent by the same ledger.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.domain import delivery_faults as faults
from bot.flows.cards import CARD_UPDATE_JOB
from bot.flows.notify import REVIEW_POST_JOB

DECISION_PREFIX = "decision:"


def _decision_id(delivery: Delivery) -> int | None:
    period = delivery.period
    if period.startswith(DECISION_PREFIX) and period[len(DECISION_PREFIX) :].isdigit():
        return int(period[len(DECISION_PREFIX) :])
    return None


def _notice(session: Session, delivery: Delivery, error: str) -> tuple[str, str] | None:
    """(whom to tell, what) when the failed delivery concerns someone who should know."""
    if delivery.job == REVIEW_POST_JOB:
        decision_id = _decision_id(delivery)
        owner = faults.decision_owner(session=session, decision_id=decision_id) if decision_id else None
        if owner is None:
            return None
        return owner, (
            f"Your decision #{decision_id} was saved but has not reached the review channel yet; "
            "your admin was told and it will be posted once they fix it."
        )
    if delivery.job == CARD_UPDATE_JOB and faults.cause_of(error) not in faults.PERSON_ERRORS:
        return delivery.recipient, (
            "Your decision was saved, but the card above could not be updated to show it; "
            "your admin was told."
        )
    return None


def report_failure(*, sessions: sessionmaker[Session], now: datetime, delivery_id: int, error: str) -> int:
    """Enqueue the admin alert (one per cause) and the notice; returns how many rows were new."""
    with transaction(sessions) as session:
        delivery = session.get(Delivery, delivery_id)
        if delivery is None or delivery.job in faults.QUIET_JOBS:
            return 0
        made = faults.alert_admins(session=session, now=now, delivery=delivery, error=error)
        notice = _notice(session, delivery, error)
        if notice is not None:
            person, text = notice
            sent = faults.notify_person(session=session, now=now, delivery=delivery, person=person, text=text)
            made += [sent] if sent is not None else []
        return sum(1 for m in made if m.created)
