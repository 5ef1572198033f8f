"""Scenario versions as immutable snapshots, read and validated once per process."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.db.models import ScenarioVersion
from bot.domain.errors import NotFound
from bot.domain.scenario_spec import ScenarioSpec


@dataclass(frozen=True)
class VersionSnapshot:
    """A scenario version as read once: versions never change, so a process keeps them."""

    id: int
    scenario_id: int
    version: int
    expected_verdict: str
    content: Mapping[str, Any]
    spec: ScenarioSpec


VersionKey = tuple[int, int, int, str]  # id, scenario id, version, content hash: the row's identity
VERSIONS_KEPT = 4096  # far more than a library holds; a full cache starts over
_VERSIONS: dict[VersionKey, VersionSnapshot] = {}
_VERSIONS_GUARD = threading.Lock()
# The key's columns: cheap to read with the card (no content), and enough to tell one database's
# version 3 from another's (tests and the sandbox run several databases in one process).
KEY_COLUMNS = (
    ScenarioVersion.id,
    ScenarioVersion.scenario_id,
    ScenarioVersion.version,
    ScenarioVersion.content_hash,
)
_KEY_OF = select(*KEY_COLUMNS).where(ScenarioVersion.id == bindparam("version_id"))
_CONTENT_OF = select(ScenarioVersion.expected_verdict, ScenarioVersion.content).where(
    ScenarioVersion.id == bindparam("version_id")
)


def version_snapshot(*, session: Session, version_id: int) -> VersionSnapshot:
    """The version with its parsed spec, its content read and validated once per process."""
    row = session.execute(_KEY_OF, {"version_id": version_id}).one_or_none()
    if row is None:
        raise NotFound("This card's scenario no longer exists.")
    return snapshot_of(session=session, key=(row[0], row[1], row[2], row[3]))


def snapshot_of(*, session: Session, key: VersionKey) -> VersionSnapshot:
    """The snapshot of the version row with this identity (``KEY_COLUMNS``), read on first use.

    Every click, deal and submission loads its card's version: reading its content and
    validating it into a ScenarioSpec each time was a measurable share of the worker's CPU
    (benchmarks/NOTES.md, sixth round). A version row is immutable (a changed scenario gets
    a new version) and the key includes its content hash, so a snapshot cannot go stale."""
    found = _VERSIONS.get(key)
    if found is not None:
        return found
    row = session.execute(_CONTENT_OF, {"version_id": key[0]}).one_or_none()
    if row is None:
        raise NotFound("This card's scenario no longer exists.")
    expected_verdict, content = row
    snapshot = VersionSnapshot(
        id=key[0],
        scenario_id=key[1],
        version=key[2],
        expected_verdict=expected_verdict,
        content=MappingProxyType(dict(content)),
        spec=ScenarioSpec.model_validate(content),
    )
    with _VERSIONS_GUARD:
        if len(_VERSIONS) >= VERSIONS_KEPT:
            _VERSIONS.clear()
        _VERSIONS[key] = snapshot
    return snapshot
