"""What the fake workspace records: Web API calls, messages, ephemerals, users, injected faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    response: dict[str, Any]
    at: float


@dataclass
class Message:
    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    edited: int = 0
    metadata: dict[str, Any] | None = None  # chat.postMessage `metadata` (event_type, event_payload)


@dataclass
class Fault:
    method: str | None  # None: any method
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    count: int = 1
    delay: float = 0.0


@dataclass
class RandomFault:
    """Fail a share of calls (after any scripted faults): ``fraction`` in [0, 1]."""

    method: str | None
    fraction: float
    status: int = 500
    error: str | None = None
    retry_after: int | None = None


@dataclass
class FakeUser:
    id: str
    name: str
    tz: str = "America/New_York"
    deleted: bool = False
    is_bot: bool = False


@dataclass
class Ephemeral:
    """An ephemeral message as one user sees it (chat.postEphemeral or a response_url post)."""

    id: str
    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    source: str = "chat.postEphemeral"
