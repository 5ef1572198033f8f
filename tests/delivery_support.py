"""Delivery-ledger helpers for the dispatcher and fault tests: rows added and read through the domain,
and a Web API client that gives up quickly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.domain import deliveries as ledger


def enqueue_send(
    session: Session,
    *,
    now: datetime,
    recipient: str,
    text: str,
    job: str = "t",
    period: str = "p",
    method: str = "chat.postMessage",
    channel: str | None = None,
    parent: Delivery | None = None,
    due_at: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> Delivery:
    """Add one send to the ledger: ``text`` to ``channel`` (the recipient unless given), plus ``extra``."""
    return ledger.enqueue(
        session=session,
        now=now,
        job=job,
        recipient=recipient,
        period=period,
        method=method,
        payload={"channel": channel or recipient, "text": text, **(extra or {})},
        due_at=due_at,
        parent=parent,
    ).delivery


def delivery_rows(sessions: sessionmaker[Session]) -> list[Delivery]:
    """Every ledger row, oldest first."""
    with transaction(sessions) as session:
        return list(session.execute(select(Delivery).order_by(Delivery.id)).scalars())


def impatient_client(settings: Settings) -> WebClient:
    """A Web API client that gives up after one second and never retries (a send left ambiguous)."""
    client = WebClient(token=settings.slack_bot_token, base_url=settings.api_url, timeout=1)
    client.retry_handlers = []
    return client
