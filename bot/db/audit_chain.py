"""The audit chain's cryptography: a keyed MAC per event, the keyring, and key rotation.

Each event's ``hash`` column holds HMAC-SHA256(key, its canonical fields and its
predecessor's MAC). The key comes from the environment (``CASEBOOK_AUDIT_KEY``), never
from the database, so someone who can write the database can neither forge an event,
nor re-hash an edited one, nor rewrite the chain's head. Rotation: the new key goes in
``CASEBOOK_AUDIT_KEY`` and the old ones stay in ``CASEBOOK_AUDIT_PREVIOUS_KEYS``
(comma-separated; the word ``development`` stands for the development key) for as long
as their events must verify; the chain simply continues
under the new key. Without a key the development key is used, and verification says so:
such a chain proves only that nobody edited it by accident.

Events written before keyed MACs existed carry a plain SHA-256; they verify as
"legacy" only as an unbroken prefix of the chain (never after a keyed event).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

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
_DEV_KEY = b"casebook-development-audit-key (not a secret: set CASEBOOK_AUDIT_KEY)"
_SESSION_KEY = "casebook_audit_keyring"


@dataclass(frozen=True)
class Keyring:
    """The current signing key and the previous ones still accepted when verifying."""

    current: bytes
    previous: tuple[bytes, ...] = ()
    development: bool = False

    @classmethod
    def from_secrets(cls, current: str | None, previous: str | None = None) -> Keyring:
        """Build from the environment's values; no current key means the development key."""
        # "development" among the previous keys accepts events a deployment signed before it had a key.
        names = [k.strip() for k in (previous or "").split(",") if k.strip()]
        old = tuple(_DEV_KEY if k == "development" else k.encode("utf-8") for k in names)
        if not current:
            return cls(_DEV_KEY, old, development=True)
        return cls(current.encode("utf-8"), old)

    def all_keys(self) -> tuple[bytes, ...]:
        """Every key that verifies, the current one first."""
        return (self.current, *self.previous)


DEVELOPMENT = Keyring(_DEV_KEY, development=True)


def attach(info: dict[str, Any], keyring: Keyring) -> None:
    """Put ``keyring`` into a session factory's ``info`` so every append in its sessions signs with it."""
    info[_SESSION_KEY] = keyring


def keyring_of(session: Session) -> Keyring:
    """The keyring the session's factory carries (the development key when none)."""
    found = session.info.get(_SESSION_KEY)
    return found if isinstance(found, Keyring) else DEVELOPMENT


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 kept, datetimes as ISO strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def iso(moment: datetime) -> str:
    """A moment as the chain stores it: UTC, microseconds, a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _body(row: Mapping[str, Any]) -> str:
    return canonical_json({key: row[key] for key in EXPORT_COLUMNS if key != "hash"})


def mac(key: bytes, message: str) -> str:
    """HMAC-SHA256 of ``message`` as hex."""
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def event_mac(key: bytes, row: Mapping[str, Any]) -> str:
    """The MAC an event row carries in its ``hash`` column."""
    return mac(key, "event|" + _body(row))


def legacy_hash(row: Mapping[str, Any]) -> str:
    """The unkeyed SHA-256 that events written before keyed MACs carry."""
    return hashlib.sha256(_body(row).encode("utf-8")).hexdigest()


def head_mac(key: bytes, seq: int, last: str) -> str:
    """What ``audit_head.hash`` holds: a MAC over the tip's position and its event's MAC."""
    return mac(key, f"head|{seq}|{last}")


def key_for(row: Mapping[str, Any], keyring: Keyring) -> bytes | None:
    """The key whose MAC the row carries, or None (edited, forged, or signed with an unknown key)."""
    for key in keyring.all_keys():
        if hmac.compare_digest(event_mac(key, row), str(row["hash"])):
            return key
    return None


def row_ok(row: Mapping[str, Any], keyring: Keyring) -> bool:
    """True when the row's MAC (or, for a legacy row, its SHA-256) matches its content."""
    return key_for(row, keyring) is not None or legacy_hash(row) == row["hash"]
