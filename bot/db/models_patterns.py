"""Tables for exception patterns (issue 18 items 6 and 8): policy proposals and process improvements.

Also the full-text search objects over live decisions, which live outside the ORM metadata:
PostgreSQL's generated ``search_vector`` column with its GIN index, and SQLite's FTS5 table
with its triggers, are created by
migration 0013; :func:`include_object` keeps Alembic's model/migration comparison from
reporting them (they have no model on purpose: the database maintains them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base

PROPOSAL_KINDS = ("standing", "clarify")
PROPOSAL_STATUSES = ("open", "accepted", "dismissed")
FTS_TABLE = "decisions_fts"  # SQLite FTS5 (rowid = decisions.id; live decisions only)
FTS_INDEX = "ix_decisions_fts"  # PostgreSQL GIN over FTS_COLUMN (live decisions)
# PostgreSQL: decisions.search_vector, generated (STORED) from the title, the alert text and the
# justification's policy, evidence and conditions; the database keeps it, no model maps it.
FTS_COLUMN = "search_vector"


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic compare hook: skip the full-text objects (FTS5 shadow tables, the GIN index)."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == FTS_COLUMN:
        return False
    return not (type_ == "index" and name == FTS_INDEX)


class PatternProposal(Base):
    """A suggestion to leads drawn from live decisions under one policy rule."""

    __tablename__ = "pattern_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_rule: Mapped[str] = mapped_column(String(161))
    kind: Mapped[str] = mapped_column(String(16))  # standing | clarify
    period: Mapped[str] = mapped_column(String(8))  # ISO week it was raised in
    status: Mapped[str] = mapped_column(String(16), default="open")
    approvals: Mapped[int]
    overturns: Mapped[int]
    reviewed: Mapped[int]
    window_weeks: Mapped[int]
    conditions: Mapped[str | None] = mapped_column(Text)  # the shared conditions (standing)
    evidence: Mapped[list[Any]]  # decision ids
    raised_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    __table_args__ = (
        UniqueConstraint("policy_rule", "kind", "period", name="uq_pattern_proposals_rule_kind_period"),
        CheckConstraint(f"kind IN {PROPOSAL_KINDS!r}", name="kind"),
        CheckConstraint(f"status IN {PROPOSAL_STATUSES!r}", name="status"),
        Index("ix_pattern_proposals_status_raised_at", "status", "raised_at"),
    )


class ProcessImprovement(Base):
    """A documented process improvement: an accepted proposal (the role-design seed's metric)."""

    __tablename__ = "process_improvements"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("pattern_proposals.id"), unique=True)
    policy_rule: Mapped[str] = mapped_column(String(161))
    summary: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(index=True)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
