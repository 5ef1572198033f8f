"""The audit trail: append-only events chained by SHA-256, and their verification.

Each event's hash covers a canonical JSON serialisation of its fields and the
previous event's hash, so altering or deleting any row breaks the chain; the
``audit_head`` row pins the tip so that deleting the newest rows is caught too.
The database refuses UPDATE and DELETE on the table (triggers in the migration).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.db.models import AuditEvent, AuditHead

GENESIS = "0" * 64
EXPORT_COLUMNS = (
    "seq",
    "occurred_at",
    "actor",
    "action",
    "subject_type",
    "subject_id",
    "reason",
    "payload",
    "prev_hash",
    "hash",
)
_PG_AUDIT_LOCK = 0x0CA5EB00C


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 kept, datetimes as ISO strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical serialisation of an event's fields and its predecessor."""
    body = {key: row[key] for key in EXPORT_COLUMNS if key != "hash"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


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
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one_or_none()
    seq = head.seq + 1 if head else 1
    prev = head.hash if head else GENESIS
    moment = now.astimezone(UTC)
    reason = reason or None  # CSV exports cannot tell '' from no reason
    row: dict[str, Any] = {
        "seq": seq,
        "occurred_at": _iso(moment),
        "actor": actor,
        "action": action,
        "subject_type": subject_type,
        "subject_id": str(subject_id),
        "reason": reason,
        "payload": canonical_json(dict(payload or {})),
        "prev_hash": prev,
    }
    digest = compute_hash(row)
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
    if head is None:
        session.add(AuditHead(id=1, seq=seq, hash=digest))
    else:
        head.seq, head.hash = seq, digest
    session.flush()
    return event


def event_row(event: AuditEvent) -> dict[str, Any]:
    """An event as the flat mapping that is hashed and exported."""
    return {
        "seq": event.seq,
        "occurred_at": _iso(event.occurred_at),
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


def verify_rows(rows: Iterable[Mapping[str, Any]], *, anchored: bool = True) -> VerifyResult:
    """Check a sequence of event rows; ``anchored`` demands the chain start at seq 1."""
    checked = 0
    prev_hash: str | None = GENESIS if anchored else None
    expected_seq: int | None = 1 if anchored else None
    for row in rows:
        seq = int(row["seq"])
        if expected_seq is not None and seq != expected_seq:
            missing = expected_seq if seq > expected_seq else seq
            return VerifyResult(False, checked, f"row seq {missing} is missing (found seq {seq})")
        if prev_hash is not None and row["prev_hash"] != prev_hash:
            return VerifyResult(False, checked, f"row seq {seq}: prev_hash does not match row seq {seq - 1}")
        if compute_hash(row) != row["hash"]:
            return VerifyResult(False, checked, f"row seq {seq}: content does not match its hash")
        prev_hash, expected_seq = str(row["hash"]), seq + 1
        checked += 1
    return VerifyResult(True, checked)


def verify_database(session: Session, *, batch: int = 5000) -> VerifyResult:
    """Verify the whole stored chain, streaming in batches, and the recorded tip."""

    def rows() -> Iterator[dict[str, Any]]:
        last = 0
        while True:
            events = (
                session.execute(
                    select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
                )
                .scalars()
                .all()
            )
            if not events:
                return
            for event in events:
                yield event_row(event)
            last = events[-1].seq
            session.expunge_all()

    result = verify_rows(rows())
    if not result.ok:
        return result
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one_or_none()
    if head is None:
        if result.checked:
            return VerifyResult(False, result.checked, "audit_head is missing")
        return result
    if head.seq != result.checked:
        return VerifyResult(
            False, result.checked, f"row seq {result.checked + 1} is missing (chain tip is seq {head.seq})"
        )
    last = session.execute(select(AuditEvent.hash).where(AuditEvent.seq == head.seq)).scalar_one()
    if last != head.hash:
        return VerifyResult(False, result.checked, f"row seq {head.seq}: hash differs from the recorded tip")
    return result


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


def write_export(rows: Iterable[Mapping[str, Any]], out: io.TextIOBase | Any, *, fmt: str) -> int:
    """Write rows as CSV or JSONL with every chain column; return the count."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row[k] is None else row[k] for k in EXPORT_COLUMNS})
            count += 1
    elif fmt == "jsonl":
        for row in rows:
            out.write(canonical_json({k: row[k] for k in EXPORT_COLUMNS}) + "\n")
            count += 1
    else:
        raise ValueError(f"unknown export format {fmt!r} (use csv or jsonl)")
    return count


def read_export(data: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse an exported file (format detected from its first line) back into rows.

    Lines are split on ``\n`` only (``str.splitlines`` would also split on form feeds
    and other separators, hiding a changed byte); anything malformed raises ValueError.
    """
    stripped = data.lstrip()
    if stripped.startswith("{"):
        rows = [json.loads(line) for line in data.split("\n") if line.strip()]
        if not all(isinstance(row, dict) for row in rows):
            raise ValueError("every line must be one JSON object")
        return "jsonl", rows
    reader = csv.DictReader(io.StringIO(data))
    if list(reader.fieldnames or []) != list(EXPORT_COLUMNS):
        raise ValueError(f"the header must be {','.join(EXPORT_COLUMNS)}")
    rows = []
    for raw in reader:
        row: dict[str, Any] = dict(raw)
        if None in row or None in row.values() or not str(row["seq"]).isdigit():
            raise ValueError(f"line {reader.line_num}: malformed row")
        row["seq"] = int(row["seq"])
        row["reason"] = row["reason"] or None
        rows.append(row)
    return "csv", rows


def verify_export(data: str) -> VerifyResult:
    """Verify an exported file on its own (no database): anchored when it starts at seq 1."""
    try:
        _, rows = read_export(data)
        anchored = bool(rows) and int(rows[0]["seq"]) == 1
        return verify_rows(rows, anchored=anchored)
    except (ValueError, KeyError, TypeError) as exc:
        return VerifyResult(False, 0, f"not a readable audit export ({type(exc).__name__}: {exc})")
