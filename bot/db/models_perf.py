"""Effects keyed by the stored request that caused them, so a replay from the inbox finds its own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class RequestDeal(Base):
    """The card a stored request dealt (``/casebook practice``), keyed by its inbox row.

    Dealing commits before the inbox row is marked done; a worker that dies in between
    leaves the row to be run again, and that run must find this card instead of dealing
    a second one (the slash command carries no card id to key on, unlike *Next*).
    """

    __tablename__ = "request_deals"

    request: Mapped[str] = mapped_column(String(64), primary_key=True)  # "inbox-<row id>"
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    created_at: Mapped[datetime]
