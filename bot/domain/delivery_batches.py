"""The dispatcher's batched ledger reads: one claim for a pass's rows, and who was left out of it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.db.models import Delivery
from bot.domain.deliveries import due_now


def waiting_recipients(*, session: Session, now: datetime, among: Collection[str]) -> set[str]:
    """Which of ``among`` have a row due (the recipients a pass left out): when to look again."""
    if not among:
        return set()
    rows = session.execute(
        select(Delivery.recipient).where(*due_now(now), Delivery.recipient.in_(sorted(among))).distinct()
    ).scalars()
    return set(rows)


def claim_many(*, session: Session, now: datetime, delivery_ids: list[int], lease: timedelta) -> set[int]:
    """Take a lease on each of ``delivery_ids`` in one statement; the ids this process won.

    The same compare-and-set as :func:`claim`: a row another process holds is not won. The
    won rows are then loaded in one query, so preparing each send reads no more rows."""
    if not delivery_ids:
        return set()
    won = set(
        session.execute(
            update(Delivery)
            .where(
                Delivery.id.in_(delivery_ids),
                Delivery.status == "pending",
                or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
            )
            .values(claimed_until=now + lease)
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    if won:
        loaded = list(session.execute(select(Delivery).where(Delivery.id.in_(sorted(won)))).scalars())
        parents = {d.parent_id for d in loaded if d.parent_id is not None} - won
        if parents:
            session.execute(select(Delivery).where(Delivery.id.in_(sorted(parents)))).all()
    return won


def release(*, session: Session, delivery_ids: list[int]) -> None:
    """Give back claims that were never used (a stopping dispatcher), so others need not wait."""
    if delivery_ids:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(delivery_ids), Delivery.status == "pending")
            .values(claimed_until=None)
            .execution_options(synchronize_session=False)
        )
