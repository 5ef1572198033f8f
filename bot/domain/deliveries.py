"""The delivery ledger: every outbound Slack message is a row before it is sent.

Interactive flows enqueue notifications in the same transaction as the record
they announce (an outbox), so a Slack outage delays them but never loses them;
scheduled jobs enqueue with a due time and a grace window. The unique key
``(job, recipient, period)`` makes a second enqueue of the same send a no-op.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from bot.db.models import Delivery
from bot.db.upsert import dialect_insert, insert_new

PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "account_inactive",
        "channel_not_found",
        "not_in_channel",
        "missing_scope",
        "is_archived",
        "invalid_blocks",
        "invalid_arguments",
        "msg_too_long",
        "no_text",
        "cant_update_message",
        "message_not_found",
        "invalid_auth",
        "not_authed",
        "user_disabled",
        "cannot_dm_bot",
    }
)
# How long transient failures (5xx, 429, timeouts) are retried before a row is given up:
# long enough to outlast any Slack outage; the dispatcher takes it from the settings.
RETRY_WINDOW = timedelta(hours=24)
BACKOFF_CAP = timedelta(minutes=5)


@dataclass(frozen=True)
class Enqueued:
    delivery: Delivery
    created: bool


# Built once: every interaction enqueues a message or two (building it was most of the lookup).
BY_KEY = select(Delivery).where(
    Delivery.job == bindparam("job"),
    Delivery.recipient == bindparam("recipient"),
    Delivery.period == bindparam("period"),
)


def enqueue(
    *,
    session: Session,
    now: datetime,
    job: str,
    recipient: str,
    period: str,
    method: str,
    payload: dict[str, Any],
    due_at: datetime | None = None,
    grace_until: datetime | None = None,
    parent: Delivery | None = None,
) -> Enqueued:
    """Add a send to the ledger unless the same (job, recipient, period) is already there.

    One INSERT … ON CONFLICT DO NOTHING RETURNING the row: the usual case (a new send) costs
    one statement, not a lookup, a savepoint, an insert and its release (every interaction
    enqueues one to three sends; BENCHMARKS.md). The existing row is read only on a conflict,
    which also covers a concurrent enqueue of the same key on PostgreSQL."""
    due = due_at or now
    values = {
        "job": job,
        "recipient": recipient,
        "period": period,
        "method": method,
        "payload": payload,
        "parent_id": parent.id if parent else None,
        "status": "pending",
        "due_at": due,
        "grace_until": grace_until,
        "attempts": 0,
        "next_attempt_at": due,
        "created_at": now,
    }
    created = insert_new(session=session, model=Delivery, values=values, conflict=KEY_COLUMNS)
    if created is not None:
        return Enqueued(created, True)
    key = {k: values[k] for k in KEY_COLUMNS}
    return Enqueued(session.execute(BY_KEY, key).scalar_one(), False)


KEY_COLUMNS = ("job", "recipient", "period")


def record_skipped(
    *, session: Session, now: datetime, job: str, recipient: str, period: str, reason: str
) -> Enqueued:
    """Record a send deliberately not made (out of office, left) so status reports explain it."""
    result = enqueue(
        session=session,
        now=now,
        job=job,
        recipient=recipient,
        period=period,
        method="none",
        payload={},
    )
    if result.created:
        result.delivery.status = "skipped"
        result.delivery.last_error = reason[:500]
        session.flush()
    return result


def claim(*, session: Session, now: datetime, delivery_id: int, lease: timedelta) -> bool:
    """Take a lease on one delivery; only one process can win it (compare-and-set)."""
    result = session.execute(
        update(Delivery)
        .where(
            and_(
                Delivery.id == delivery_id,
                Delivery.status == "pending",
                or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
            )
        )
        .values(claimed_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_sent(
    *, session: Session, now: datetime, delivery: Delivery, channel: str | None, ts: str | None
) -> None:
    delivery.status, delivery.sent_at = "sent", now
    delivery.channel, delivery.ts = channel, ts
    delivery.attempts += 1
    delivery.claimed_until = None
    delivery.last_error = None
    session.flush()


def mark_failed(*, session: Session, delivery: Delivery, reason: str) -> None:
    delivery.status = "failed"
    delivery.attempts += 1
    delivery.claimed_until = None
    delivery.last_error = reason[:500]
    session.flush()


def mark_missed(*, session: Session, delivery: Delivery, reason: str) -> None:
    delivery.status = "missed"
    delivery.claimed_until = None
    delivery.last_error = reason[:500]
    session.flush()


def mark_retry(
    *,
    session: Session,
    now: datetime,
    delivery: Delivery,
    reason: str,
    wait: timedelta,
    window: timedelta = RETRY_WINDOW,
) -> None:
    """Schedule another attempt, or give up once the next would fall past the retry window.

    The window runs from ``due_at`` (reset by ``casebook deliveries retry``), so an outage
    of any length shorter than the window delays a send without losing it.
    """
    delivery.attempts += 1
    delivery.claimed_until = None
    delivery.last_error = reason[:500]
    if now + wait > delivery.due_at + window:
        delivery.status = "failed"
        delivery.last_error = f"gave up after {_hours(window)}: {reason}"[:500]
    else:
        delivery.next_attempt_at = now + wait
    session.flush()


def _hours(window: timedelta) -> str:
    hours = window.total_seconds() / 3600
    return f"{hours:g} h" if hours >= 1 else f"{window.total_seconds() / 60:g} min"


def backoff(attempts: int) -> timedelta:
    """Exponential backoff: 2 s, 4 s, 8 s … capped at 5 minutes."""
    return min(BACKOFF_CAP, timedelta(seconds=2 ** min(max(1, attempts), 20)))


def existing_keys(*, session: Session, job: str, periods: list[str]) -> set[tuple[str, str]]:
    """(recipient, period) pairs already in the ledger for ``job``: lets a tick skip known sends."""
    found: set[tuple[str, str]] = set()
    for start in range(0, len(periods), 500):
        chunk = periods[start : start + 500]
        rows = session.execute(
            select(Delivery.recipient, Delivery.period).where(Delivery.job == job, Delivery.period.in_(chunk))
        ).all()
        found.update((r.recipient, r.period) for r in rows)
    return found


def statuses(*, session: Session, job: str, periods: list[str]) -> dict[tuple[str, str], str]:
    """The status of each of ``job``'s rows for ``periods``, keyed ``(recipient, period)``."""
    rows = session.execute(
        select(Delivery.recipient, Delivery.period, Delivery.status).where(
            Delivery.job == job, Delivery.period.in_(sorted(set(periods)))
        )
    ).all()
    return {(r.recipient, r.period): r.status for r in rows}


def count_prefixed(*, session: Session, job: str, recipient: str, prefix: str) -> int:
    """How many of ``job``'s rows for ``recipient`` have a period starting with ``prefix``."""
    return int(
        session.execute(
            select(func.count()).where(
                Delivery.job == job, Delivery.recipient == recipient, Delivery.period.startswith(prefix)
            )
        ).scalar_one()
    )


def renew_claim(*, session: Session, delivery_id: int, token: datetime, until: datetime) -> bool:
    """Extend our own lease right before sending; False if it lapsed and someone else holds it.

    ``token`` is the ``claimed_until`` we set when claiming. Checking it immediately before
    each Slack call fences off a sender that stalled past its lease (a pause, a long
    Retry-After) from sending a row another process has meanwhile claimed and sent.
    """
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == "pending", Delivery.claimed_until == token)
        .values(claimed_until=until)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


_LEDGER = cast(Table, Delivery.__table__)
_MARK_SENT = (
    update(_LEDGER)
    .where(_LEDGER.c.id == bindparam("m_id"))
    .values(
        status="sent",
        sent_at=bindparam("m_now"),
        channel=bindparam("m_channel"),
        ts=bindparam("m_ts"),
        attempts=_LEDGER.c.attempts + 1,
        claimed_until=None,
        last_error=None,
    )
)


def mark_sent_many(
    *, session: Session, now: datetime, sent: list[tuple[int, str | None, str | None]]
) -> None:
    """:func:`mark_sent` for many rows in one executemany, loading none: (delivery id, channel, ts) each.

    The dispatcher's hot path: senders finishing together share it (bot.slack.sent_marks)."""
    if sent:
        session.connection().execute(
            _MARK_SENT,
            [{"m_id": i, "m_now": now, "m_channel": channel, "m_ts": ts} for i, channel, ts in sent],
        )


def enqueue_many(*, session: Session, now: datetime, rows: list[dict[str, Any]]) -> Counter[str]:
    """Insert many ledger rows in one statement; keys already present are left alone.

    Each row gives ``job, recipient, period, method, payload, due_at`` and optionally
    ``grace_until``, ``status`` ('pending', or 'skipped'/'missed' with ``last_error``).
    Returns how many rows were created, by status. Used by scheduled fan-outs, where a
    per-row insert would hold SQLite's single writer far longer.
    """
    if not rows:
        return Counter()
    values = [
        {
            "job": r["job"],
            "recipient": r["recipient"],
            "period": r["period"],
            "method": r["method"],
            "payload": r["payload"],
            "parent_id": None,
            "status": r.get("status", "pending"),
            "due_at": r["due_at"],
            "grace_until": r.get("grace_until"),
            "attempts": 0,
            "next_attempt_at": r["due_at"],
            "last_error": (r.get("last_error") or None) and str(r["last_error"])[:500],
            "created_at": now,
        }
        for r in rows
    ]
    stmt: Any = dialect_insert(session)(Delivery)  # SQLite or PostgreSQL: both have ON CONFLICT
    stmt = (
        stmt.values(values)
        .on_conflict_do_nothing(index_elements=list(KEY_COLUMNS))
        .returning(Delivery.status)
    )
    return Counter(status for (status,) in session.execute(stmt).all())


def find_delivery(
    *, session: Session, job: str, period: str, recipient: str | None = None
) -> Delivery | None:
    """The first ledger row of ``job`` for ``period`` (and ``recipient`` when given), or None."""
    query = select(Delivery).where(Delivery.job == job, Delivery.period == period)
    if recipient is not None:
        query = query.where(Delivery.recipient == recipient)
    return session.execute(query.order_by(Delivery.id).limit(1)).scalar_one_or_none()
