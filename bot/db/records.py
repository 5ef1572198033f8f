"""The bot's own records: the delivery ledger, scheduled job runs, the audit chain, the inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class Delivery(Base):
    """The ledger row for one outbound Slack message: written before it is sent.

    ``(job, recipient, period)`` is unique, so a restart, a second replica or a
    repeated run can never send the same thing twice.
    """

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    due_at: Mapped[datetime]
    grace_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("job", "recipient", "period", name="uq_deliveries_job_recipient_period"),
        CheckConstraint("status IN ('pending', 'sent', 'failed', 'missed', 'skipped')", name="status"),
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_deliveries_job_period", "job", "period"),
    )


class AuditEvent(Base):
    """Append-only, hash-chained record of every write of consequence."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly as hashed
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)


class AuditHead(Base):
    """The chain's tip, so that deleting the newest events is detectable too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))


class JobRun(Base):
    """One firing of a program-level job (digest, review reminder) claimed by the scheduler.

    ``(job, period)`` is unique, so across restarts and replicas each occurrence of a
    job whose sends are keyed by its own module is started once (retried only if it failed).
    """

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="running")
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime]
    started_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    result: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        UniqueConstraint("job", "period", name="uq_job_runs_job_period"),
        CheckConstraint("status IN ('running', 'done', 'failed', 'missed')", name="status"),
    )


class InboxItem(Base):
    """A Slack request's deferred work, stored before the request is acknowledged (the durable receipt).

    ``key`` (a digest of the work's name and the signed body) is unique, so a replayed or
    retried request stores nothing twice; workers claim rows and run the work they name.
    """

    __tablename__ = "inbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    function: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'done', 'failed')", name="status"),
        Index("ix_inbox_status_next_attempt_at", "status", "next_attempt_at"),
    )
