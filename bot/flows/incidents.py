"""Recording an incident's response time from Slack (`/casebook incident`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.incidents import IncidentRow, baselines, record_incident
from bot.domain.people import PersonView


@dataclass(frozen=True)
class IncidentRecorded:
    """The report as stored, whether it changed anything, and what to compare it with."""

    row: IncidentRow
    unchanged: bool
    baseline_minutes: float
    limit_minutes: float


def record_incident_report(*, deps: Deps, recorder: PersonView, row: IncidentRow) -> IncidentRecorded:
    """Store one incident's response time (a repeat of the same report changes nothing)."""
    with transaction(deps.sessions) as session:
        result = record_incident(
            session=session,
            now=deps.clock.now(),
            actor=recorder.slack_user_id,
            row=row,
            source="slack",
            recorded_by=recorder.id,
        )
        base = baselines(session=session, program=deps.program)[row.priority]
    thresholds = deps.program.thresholds
    limit = thresholds.p1_minutes if row.priority == "P1" else thresholds.p2_minutes
    return IncidentRecorded(row, result.outcome == "unchanged", base.median_minutes, limit)
