"""The inbox repository: store a request's deferred work before the ack, claim it, finish it.

One small insert is all the request path does; a replay of the same signed body finds its
key taken and stores nothing. Workers claim due rows under a lease (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so replicas never take the same row; on SQLite the single writer
makes the claim atomic), run them, and mark them done, or back off and retry on failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, Select, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.db.models import InboxItem

MAX_ATTEMPTS = 5  # work that fails five times is a bug, not an outage: kept as 'failed' for a look


@dataclass(frozen=True)
class Work:
    """A claimed row, detached: what a worker needs to run it."""

    id: int
    function: str
    body: str
    content_type: str
    attempts: int


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_seconds: float  # age of the oldest pending row; 0 when none
    failed: int


def receive(
    *, session: Session, now: datetime, key: str, function: str, body: str, content_type: str
) -> bool:
    """Store deferred work; False when this exact work was already received (a replay)."""
    values = {
        "key": key,
        "function": function,
        "body": body,
        "content_type": content_type,
        "status": "pending",
        "attempts": 0,
        "received_at": now,
        "next_attempt_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(InboxItem).values(**values).on_conflict_do_nothing(index_elements=["key"])
    return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def _due_statement(*, skip_locked: bool) -> Select[int, str, str, str, int]:
    when = InboxItem.__table__.c.next_attempt_at.type
    now = bindparam("now", type_=when)
    due = (
        select(InboxItem.id, InboxItem.function, InboxItem.body, InboxItem.content_type, InboxItem.attempts)
        .where(
            InboxItem.status == "pending",
            InboxItem.next_attempt_at <= now,
            (InboxItem.claimed_until.is_(None)) | (InboxItem.claimed_until < now),
        )
        .order_by(InboxItem.id)
        .limit(bindparam("limit", type_=Integer))
    )
    return due.with_for_update(skip_locked=True) if skip_locked else due


# Built once: the first worker loop claims every poll, and building them cost more than running them.
DUE = {False: _due_statement(skip_locked=False), True: _due_statement(skip_locked=True)}
TAKE = (
    update(InboxItem)
    .where(InboxItem.id.in_(bindparam("ids", expanding=True)))
    .values(
        claimed_until=bindparam("until", type_=InboxItem.__table__.c.claimed_until.type),
        attempts=InboxItem.attempts + 1,
    )
    .execution_options(synchronize_session=False)
)


ANY_DUE = (
    select(InboxItem.id)
    .where(
        InboxItem.status == "pending",
        InboxItem.next_attempt_at <= bindparam("now", type_=InboxItem.__table__.c.next_attempt_at.type),
        (InboxItem.claimed_until.is_(None))
        | (InboxItem.claimed_until < bindparam("now", type_=InboxItem.__table__.c.claimed_until.type)),
    )
    .limit(1)
)


def any_due(*, session: Session, now: datetime) -> bool:
    """Whether a claim would find work: a read, so an idle worker's polls take no write lock."""
    return session.execute(ANY_DUE, {"now": now}).first() is not None


def claim(*, session: Session, now: datetime, lease: timedelta, limit: int) -> list[Work]:
    """Take up to ``limit`` due rows for ``lease``; a crashed worker's rows come back when it ends."""
    postgres = session.get_bind().dialect.name == "postgresql"  # SKIP LOCKED: replicas never share a row
    rows = session.execute(DUE[postgres], {"now": now, "limit": limit}).all()
    if not rows:
        return []
    session.execute(TAKE, {"ids": [r.id for r in rows], "until": now + lease})
    return [Work(r.id, r.function, r.body, r.content_type, r.attempts + 1) for r in rows]


# What a row keeps once its work is over: its key (a digest of the signed body, which is how
# a replay is recognised) and its outcome, never the body. A body is the raw Slack payload:
# the person's id beside what they typed, e.g. an anonymous survey's answers, which must not
# be recoverable from the inbox once they are stored without a name.
SCRUBBED = ""


def finish(*, session: Session, now: datetime, item_id: int) -> None:
    """The work ran to the end: keep the key and outcome, forget the body."""
    session.execute(
        update(InboxItem)
        .where(InboxItem.id == item_id)
        .values(status="done", finished_at=now, claimed_until=None, last_error=None, body=SCRUBBED)
    )


FINISH_MANY = (
    update(InboxItem)
    .where(InboxItem.id.in_(bindparam("ids", expanding=True)))
    .values(
        status="done",
        finished_at=bindparam("now", type_=InboxItem.__table__.c.finished_at.type),
        claimed_until=None,
        last_error=None,
        body=SCRUBBED,
    )
    .execution_options(synchronize_session=False)
)


def finish_many(*, session: Session, now: datetime, item_ids: list[int]) -> None:
    """:func:`finish` for a worker's whole batch, in one statement."""
    if item_ids:
        session.execute(FINISH_MANY, {"ids": item_ids, "now": now})


def retry(*, session: Session, now: datetime, item_id: int, attempts: int, error: str) -> None:
    """The work raised: try again later (1 s, 4 s, 16 s, …), or keep it as failed after MAX_ATTEMPTS."""
    values: dict[str, object] = {"claimed_until": None, "last_error": error[:500]}
    if attempts >= MAX_ATTEMPTS:  # given up (the person was told): the error stays, the body goes
        values |= {"status": "failed", "finished_at": now, "body": SCRUBBED}
    else:
        values["next_attempt_at"] = now + timedelta(seconds=4 ** (attempts - 1))
    session.execute(update(InboxItem).where(InboxItem.id == item_id).values(**values))


def backlog(*, session: Session, now: datetime) -> Backlog:
    """How much received work is waiting, and for how long the oldest has."""
    pending, oldest = session.execute(
        select(func.count(), func.min(InboxItem.received_at)).where(InboxItem.status == "pending")
    ).one()
    failed = session.execute(select(func.count()).where(InboxItem.status == "failed")).scalar_one()
    age = (now - oldest).total_seconds() if oldest is not None else 0.0
    return Backlog(pending=int(pending), oldest_seconds=max(0.0, age), failed=int(failed))


# Slack's signatures are good for 5 minutes, so after that a replay is refused before it
# reaches the inbox and a finished row's key protects nothing; an hour leaves a wide margin.
KEEP_DONE = timedelta(hours=1)


def purge_done(*, session: Session, now: datetime, keep: timedelta = KEEP_DONE) -> int:
    """Forget work finished more than ``keep`` ago (its effects live in their own tables)."""
    result = session.execute(
        delete(InboxItem).where(InboxItem.status == "done", InboxItem.finished_at < now - keep)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
