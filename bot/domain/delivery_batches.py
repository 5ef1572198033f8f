"""The dispatcher's ledger passes: the rows due (one statement, built once), one claim for a
pass's rows, and who was left out of it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Select, bindparam, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.db.models import Delivery


@dataclass(frozen=True)
class DueRow:
    """What the dispatcher needs to pace a due delivery before claiming it."""

    id: int
    key: str  # the recipient (channel or person): the unit Slack rate-limits and we keep in order
    grace_until: datetime | None
    method: str
    lapsed: bool = False  # an earlier claim ran out unfinished: its worker may have died mid-send


def due_now(now: Any) -> tuple[Any, ...]:
    """The conditions of a row a sender may take ``now`` (a time, or a bound parameter): pending,
    its time come, not claimed."""
    return (
        Delivery.status == "pending",
        Delivery.next_attempt_at <= now,
        or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
    )


def _due_rows_statement() -> Select[int, str, datetime | None, str, datetime | None]:
    """Built once: a dispatcher pass runs it many times a second, and building the statement
    cost more CPU than running it (py-spy: two thirds of due_rows was SQLAlchemy's Select())."""
    parent = aliased(Delivery)
    parent_pending = (
        select(parent.id).where(parent.id == Delivery.parent_id, parent.status == "pending").exists()
    )
    return (
        select(Delivery.id, Delivery.recipient, Delivery.grace_until, Delivery.method, Delivery.claimed_until)
        .where(
            *due_now(bindparam("now", type_=Delivery.__table__.c.next_attempt_at.type)),
            or_(Delivery.parent_id.is_(None), ~parent_pending),
            Delivery.recipient.not_in(bindparam("skip", expanding=True)),
            or_(
                Delivery.recipient.not_in(bindparam("gapped", expanding=True)),
                Delivery.method.not_in(bindparam("posting", expanding=True)),
            ),
        )
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(bindparam("limit", type_=Integer))
    )


DUE_ROWS = _due_rows_statement()


def due_rows(
    *,
    session: Session,
    now: datetime,
    limit: int,
    skip: Collection[str] = (),
    skip_posts_to: Collection[str] = (),
    posting: Collection[str] = (),
) -> list[DueRow]:
    """Pending rows whose time has come, unclaimed, with what pacing needs (no payloads: runs often).

    A row with a parent (a thread reply, an edit) is not due while its parent is still
    pending, so concurrent senders never pick a reply before the message it answers.
    Rows to ``skip`` recipients, and rows of ``posting`` methods to ``skip_posts_to``
    recipients, are left out: the sender cannot take them now (a send in flight, a paced
    channel), so reading them on every pass would only cost time.
    """
    params = {
        "now": now,
        "limit": limit,
        "skip": sorted(skip),
        "gapped": sorted(skip_posts_to) if posting else [],
        "posting": sorted(posting),
    }
    return [
        DueRow(row.id, row.recipient, row.grace_until, row.method, row.claimed_until is not None)
        for row in session.execute(DUE_ROWS, params)
    ]


_WHEN = Delivery.__table__.c.next_attempt_at.type
WAITING = (
    select(Delivery.recipient)
    .where(
        *due_now(bindparam("now", type_=_WHEN)), Delivery.recipient.in_(bindparam("among", expanding=True))
    )
    .distinct()
)
CLAIM = (
    update(Delivery)
    .where(
        Delivery.id.in_(bindparam("ids", expanding=True)),
        Delivery.status == "pending",
        or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < bindparam("now", type_=_WHEN)),
    )
    .values(claimed_until=bindparam("until", type_=_WHEN))
    .returning(Delivery.id)
    .execution_options(synchronize_session=False)
)
LOAD = select(Delivery).where(Delivery.id.in_(bindparam("ids", expanding=True)))


def waiting_recipients(*, session: Session, now: datetime, among: Collection[str]) -> set[str]:
    """Which of ``among`` have a row due (the recipients a pass left out): when to look again."""
    if not among:
        return set()
    return set(session.execute(WAITING, {"now": now, "among": sorted(among)}).scalars())


@dataclass(frozen=True)
class Claimed:
    """The rows a claim won, loaded, and the parents they need (a thread reply's post).

    Holding them matters: the session's identity map keeps rows only while something
    refers to them, and every send is prepared from these objects without another read."""

    rows: dict[int, Delivery]
    parents: dict[int, Delivery]

    def __contains__(self, delivery_id: object) -> bool:
        return delivery_id in self.rows


def claim_many(*, session: Session, now: datetime, delivery_ids: list[int], lease: timedelta) -> Claimed:
    """Take a lease on each of ``delivery_ids`` in one statement; the rows this process won.

    The same compare-and-set as :func:`claim`: a row another process holds is not won. The
    won rows (and their parents) are then loaded in one query each, so preparing each send
    reads no more rows. The statements are built once (a pass runs them many times a second)."""
    if not delivery_ids:
        return Claimed({}, {})
    won = sorted(session.execute(CLAIM, {"ids": delivery_ids, "now": now, "until": now + lease}).scalars())
    if not won:
        return Claimed({}, {})
    rows = {d.id: d for d in session.execute(LOAD, {"ids": won}).scalars()}
    wanted = {d.parent_id for d in rows.values() if d.parent_id is not None} - rows.keys()
    parents = {d.id: d for d in session.execute(LOAD, {"ids": sorted(wanted)}).scalars()} if wanted else {}
    return Claimed(rows, parents)


def release(*, session: Session, delivery_ids: list[int]) -> None:
    """Give back claims that were never used (a stopping dispatcher), so others need not wait."""
    if delivery_ids:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(delivery_ids), Delivery.status == "pending")
            .values(claimed_until=None)
            .execution_options(synchronize_session=False)
        )
