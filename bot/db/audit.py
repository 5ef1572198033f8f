"""The audit trail: append-only events chained by a keyed MAC, and their verification.

Each event's MAC covers a canonical JSON serialisation of its fields and the previous
event's MAC (:mod:`bot.db.audit_chain` says where the key comes from), so altering,
deleting, inserting or forging any row breaks the chain; the ``audit_head`` row pins the
tip with a MAC of its own, so deleting the newest rows is caught too. The database refuses
UPDATE and DELETE on events and any rewind of the head (triggers in the migrations).
Exports and their offline verification live in :mod:`bot.db.audit_export`.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from bot.db.audit_chain import (
    DEVELOPMENT,
    EXPORT_COLUMNS,
    GENESIS,
    Keyring,
    canonical_json,
    event_mac,
    head_mac,
    iso,
    key_for,
    keyring_of,
    legacy_hash,
)
from bot.db.models import AuditEvent, AuditHead

__all__ = ["EXPORT_COLUMNS", "GENESIS", "VerifyResult", "append_event", "canonical_json", "event_row"]
_PG_AUDIT_LOCK = 0x0CA5EB00C


# Built once: every write of consequence appends, and building the statement cost more than running it.
HEAD_AND_TIP = (
    select(AuditHead, AuditEvent.hash)
    .outerjoin(AuditEvent, AuditEvent.seq == AuditHead.seq)
    .where(AuditHead.id == 1)
)


def append_event(
    *,
    session: Session,
    now: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str | int,
    payload: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Add one event to the chain inside the caller's transaction (flushes, never commits)."""
    if session.get_bind().dialect.name == "postgresql":
        # Appends are serialised so two transactions can never fork the chain.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    # The head and its tip event's MAC (the next link) in one round trip.
    tip = session.execute(HEAD_AND_TIP).one_or_none()
    head, prev = (tip[0], tip[1]) if tip is not None else (None, GENESIS)
    if prev is None:
        raise NoResultFound(f"the audit head names event {head.seq if head else '?'}, which is missing")
    seq = head.seq + 1 if head else 1
    moment = now.astimezone(UTC)
    reason = reason or None  # CSV exports cannot tell '' from no reason
    row: dict[str, Any] = {
        "seq": seq,
        "occurred_at": iso(moment),
        "actor": actor,
        "action": action,
        "subject_type": subject_type,
        "subject_id": str(subject_id),
        "reason": reason,
        "payload": canonical_json(dict(payload or {})),
        "prev_hash": prev,
    }
    key = keyring_of(session).current
    digest = event_mac(key, row)
    event = AuditEvent(
        seq=seq,
        occurred_at=moment,
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        reason=reason,
        payload=row["payload"],
        prev_hash=prev,
        hash=digest,
    )
    session.add(event)
    session.flush()  # the event first: the head's trigger checks that its tip exists
    if head is None:
        session.add(AuditHead(id=1, seq=seq, hash=head_mac(key, seq, digest)))
    else:
        head.seq, head.hash = seq, head_mac(key, seq, digest)
    session.flush()
    return event


def event_row(event: AuditEvent) -> dict[str, Any]:
    """An event as the flat mapping that is signed and exported."""
    return {
        "seq": event.seq,
        "occurred_at": iso(event.occurred_at),
        "actor": event.actor,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "reason": event.reason,
        "payload": event.payload,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    problem: str | None = None
    legacy: int = 0  # events from before keyed MACs (plain SHA-256), accepted only as a prefix
    development_key: bool = False  # the chain is signed with the public development key


class Chain:
    """Walks rows in chain order checking position, link and MAC."""

    def __init__(self, keyring: Keyring, *, anchored: bool) -> None:
        self.keyring = keyring
        self.prev: str | None = GENESIS if anchored else None
        self.seq: int | None = 1 if anchored else None
        self.checked = self.legacy = 0
        self.keyed = False

    def check(self, row: Mapping[str, Any]) -> str | None:
        """Accept the next row, or say what is wrong with it."""
        seq = int(row["seq"])
        if self.seq is not None and seq != self.seq:
            missing = self.seq if seq > self.seq else seq
            return f"row seq {missing} is missing (found seq {seq})"
        if self.prev is not None and row["prev_hash"] != self.prev:
            return f"row seq {seq}: prev_hash does not match row seq {seq - 1}"
        if key_for(row, self.keyring) is not None:
            self.keyed = True
        elif not self.keyed and hmac.compare_digest(legacy_hash(row), str(row["hash"])):
            self.legacy += 1
        else:
            return (
                f"row seq {seq}: content does not match its MAC "
                "(edited, forged, or signed with a key this process does not hold)"
            )
        self.prev, self.seq = str(row["hash"]), seq + 1
        self.checked += 1
        return None

    def result(self, problem: str | None = None) -> VerifyResult:
        """The verdict so far."""
        dev = self.keyed and self.keyring.development
        return VerifyResult(problem is None, self.checked, problem, self.legacy, dev)


def verify_rows(
    rows: Iterable[Mapping[str, Any]], *, anchored: bool = True, keyring: Keyring = DEVELOPMENT
) -> VerifyResult:
    """Check a sequence of event rows; ``anchored`` demands the chain start at seq 1."""
    chain = Chain(keyring, anchored=anchored)
    for row in rows:
        problem = chain.check(row)
        if problem:
            return chain.result(problem)
    return chain.result()


def _head_problem(session: Session, chain: Chain) -> str | None:
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one_or_none()
    if head is None:
        return "audit_head is missing" if chain.checked else None
    if head.seq > chain.checked:
        return f"row seq {chain.checked + 1} is missing (chain tip is seq {head.seq})"
    if head.seq < chain.checked:
        return f"audit_head says the chain ends at seq {head.seq}, but seq {head.seq + 1} follows"
    if not chain.keyed:
        return None if head.hash == chain.prev else f"row seq {head.seq}: hash differs from the recorded tip"
    tip = chain.prev or ""
    if any(hmac.compare_digest(head_mac(k, head.seq, tip), head.hash) for k in chain.keyring.all_keys()):
        return None
    return f"audit_head (seq {head.seq}) does not carry a valid MAC: the head was rewritten"


def verify_database(session: Session, *, batch: int = 5000, keyring: Keyring | None = None) -> VerifyResult:
    """Verify the whole stored chain, streaming in batches, and the recorded tip."""
    chain = Chain(keyring or keyring_of(session), anchored=True)
    for row in export_rows(session, batch=batch):
        problem = chain.check(row)
        if problem:
            return chain.result(problem)
    return chain.result(_head_problem(session, chain))


def head_of(session: Session) -> tuple[int, str]:
    """The chain's tip as stored: (seq, head MAC); (0, GENESIS) for an empty chain."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one_or_none()
    return (head.seq, head.hash) if head else (0, GENESIS)


def export_rows(
    session: Session, *, since: datetime | None = None, batch: int = 5000
) -> Iterator[dict[str, Any]]:
    """Stream events in chain order, optionally from a moment on."""
    last = 0
    while True:
        query = select(AuditEvent).where(AuditEvent.seq > last)
        if since is not None:
            query = query.where(AuditEvent.occurred_at >= since)
        events = session.execute(query.order_by(AuditEvent.seq).limit(batch)).scalars().all()
        if not events:
            return
        for event in events:
            yield event_row(event)
        last = events[-1].seq
        session.expunge_all()


def anchor_problem(session: Session, *, seq: int, mac: str, keyring: Keyring | None = None) -> str | None:
    """Check a head recorded outside the database (``audit head``) against the stored chain.

    A head MAC posted elsewhere earlier pins everything up to its seq: the chain must still
    reach that seq, and the event there must be the one the anchor was made from.
    """
    ring = keyring or keyring_of(session)
    tip = session.execute(select(AuditEvent.hash).where(AuditEvent.seq == seq)).scalar_one_or_none()
    if tip is None:
        return f"the anchor pins seq {seq}, but the chain no longer reaches it: events were removed"
    if any(hmac.compare_digest(head_mac(k, seq, tip), mac) for k in ring.all_keys()):
        return None
    return f"row seq {seq} is not the event the anchor was made from: the chain was rewritten"
