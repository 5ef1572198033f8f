"""Sync the library into ``scenarios`` / ``scenario_versions`` by content hash, at start-up.

A new file makes a scenario and its version 1; an edit makes the next version (a
revert to earlier content points back at that earlier version, since a hash is
unique per scenario); a removed file retires its scenario, so it is no longer
dealt, while every decision keeps pointing at the exact version it answered.

Sync is idempotent, and safe when two processes start at once: on PostgreSQL a
transaction-level advisory lock serialises it (the second run then finds the work
done); SQLite serialises writers already (``BEGIN IMMEDIATE``). The unique
constraints on ``scenario_versions`` are the last line of defence either way.

No audit events: versions are themselves immutable, timestamped rows and their
source is in version control; the audit trail records people's decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.db.models import Scenario, ScenarioVersion
from bot.domain.library import Library, ScenarioSpec

_PG_SYNC_LOCK = 0x0CA5EB5C1


@dataclass
class SyncReport:
    """What one sync changed (slugs), for logs and tests."""

    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    reverted: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    revived: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.new_versions or self.reverted or self.retired or self.revived)


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_SYNC_LOCK})


def _add_version(
    *, session: Session, now: datetime, scenario: Scenario, spec: ScenarioSpec, digest: str, number: int
) -> ScenarioVersion:
    version = ScenarioVersion(
        scenario_id=scenario.id,
        version=number,
        content_hash=digest,
        content=spec.model_dump(mode="json"),
        expected_verdict=spec.expected.decision,
        created_at=now,
    )
    session.add(version)
    session.flush()
    scenario.current_version_id = version.id
    return version


def sync_library(*, session: Session, now: datetime, library: Library) -> SyncReport:
    """Bring the database in line with ``library``; flushes, the caller commits."""
    _lock(session)
    report = SyncReport()
    existing = {s.slug: s for s in session.execute(select(Scenario)).scalars()}
    hashes: dict[tuple[int, str], int] = {
        (scenario_id, digest): version_id
        for version_id, scenario_id, digest in session.execute(
            select(ScenarioVersion.id, ScenarioVersion.scenario_id, ScenarioVersion.content_hash)
        ).all()
    }
    latest = dict(
        session.execute(
            select(ScenarioVersion.scenario_id, func.max(ScenarioVersion.version)).group_by(
                ScenarioVersion.scenario_id
            )
        ).all()
    )
    for spec in library.scenarios:
        digest = spec.content_hash()
        scenario = existing.get(spec.id)
        if scenario is None:
            scenario = Scenario(slug=spec.id, category=spec.category, complexity=spec.complexity)
            session.add(scenario)
            session.flush()
            _add_version(session=session, now=now, scenario=scenario, spec=spec, digest=digest, number=1)
            report.created.append(spec.id)
            continue
        scenario.category, scenario.complexity = spec.category, spec.complexity
        if scenario.retired_at is not None:
            scenario.retired_at = None
            report.revived.append(spec.id)
        known = hashes.get((scenario.id, digest))
        if known is None:
            number = int(latest.get(scenario.id) or 0) + 1
            _add_version(session=session, now=now, scenario=scenario, spec=spec, digest=digest, number=number)
            report.new_versions.append(spec.id)
        elif scenario.current_version_id != known:
            scenario.current_version_id = known
            report.reverted.append(spec.id)
        else:
            report.unchanged += 1
    wanted = {s.id for s in library.scenarios}
    for slug, scenario in existing.items():
        if slug not in wanted and scenario.retired_at is None:
            scenario.retired_at = now
            report.retired.append(slug)
    session.flush()
    return report
