"""Incidents: recording P1/P2 response times, importing them from CSV, and the SLO baseline.

The baseline for each priority is the median response time of the incidents opened
before the program's start date when there are at least ``incidents.min_history`` of
that priority; otherwise it is the historical median from the program config. A
``ref`` identifies an incident: recording or importing the same ref again changes
nothing, and an import with corrected times for a known ref updates it (audited).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Incident
from bot.domain.errors import Conflict, DomainError
from bot.domain.sqlstats import median
from bot.domain.weeks import Week, local_midnight
from bot.program import Program

PRIORITIES = ("P1", "P2")
CSV_COLUMNS = ("ref", "priority", "opened_at", "responded_at")
MAX_MINUTES = 7 * 24 * 60
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,99}$")


@dataclass(frozen=True)
class IncidentRow:
    """One validated incident (from the slash command or a CSV line)."""

    ref: str | None
    priority: str
    opened_at: datetime
    responded_at: datetime

    @property
    def minutes(self) -> float:
        return round((self.responded_at - self.opened_at).total_seconds() / 60, 3)


@dataclass(frozen=True)
class Recorded:
    incident: Incident
    outcome: str  # created | updated | unchanged


class IncidentCsvError(DomainError):
    """Bad incident CSV rows; each message names its line. Nothing was imported."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_priority(text: str) -> str:
    value = text.strip().upper()
    if value not in PRIORITIES:
        raise DomainError(f"priority: {text.strip()!r} is not P1 or P2")
    return value


def parse_minutes(text: str) -> float:
    raw = text.strip().lower().removesuffix("min").removesuffix("m").strip()
    try:
        minutes = float(raw)
    except ValueError:
        raise DomainError(f"minutes: {text.strip()!r} is not a number of minutes (e.g. 12)") from None
    if not 0 <= minutes <= MAX_MINUTES:
        raise DomainError(f"minutes: must be between 0 and {MAX_MINUTES} (one week)")
    return minutes


def parse_ref(text: str) -> str:
    ref = text.strip()
    if not _REF.match(ref):
        raise DomainError(f"ref: {ref!r} is not an incident reference (one word, e.g. INC-1234)")
    return ref


def parse_command(args: str, *, now: datetime) -> IncidentRow:
    """``P1|P2 <minutes> [ref]`` → an incident that was responded to just now."""
    parts = args.split()
    if len(parts) < 2 or len(parts) > 3:
        raise DomainError("Usage: `/casebook incident P1|P2 <minutes> [ref]`, e.g. `incident P1 12 INC-42`.")
    priority = parse_priority(parts[0])
    minutes = parse_minutes(parts[1])
    ref = parse_ref(parts[2]) if len(parts) == 3 else None
    # Recorded right after responding: the response is now, the incident opened `minutes` ago.
    return IncidentRow(ref, priority, now - timedelta(minutes=minutes), now)


def _parse_time(value: str, *, tz: tzinfo) -> datetime:
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    # A time without an offset is read in the program timezone (what an ops export means).
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def parse_csv(text: str, *, tz: tzinfo, source: str = "incidents") -> list[IncidentRow]:
    """Validate incident CSV; every problem is reported with its line number."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise IncidentCsvError([f"{source}:1: header: missing column(s) {', '.join(missing)}"])
    rows: list[IncidentRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        data = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        where = f"{source}:{line}"
        try:
            ref = parse_ref(data["ref"])
            priority = parse_priority(data["priority"])
        except DomainError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if ref in seen:
            problems.append(f"{where}: ref: {ref} already appears on line {seen[ref]}")
            continue
        seen[ref] = line
        times: dict[str, datetime] = {}
        for name in ("opened_at", "responded_at"):
            try:
                times[name] = _parse_time(data[name], tz=tz)
            except ValueError:
                problems.append(f"{where}: {name}: {data[name]!r} is not an ISO-8601 time")
        if len(times) < 2:
            continue
        row = IncidentRow(ref, priority, times["opened_at"], times["responded_at"])
        if row.responded_at < row.opened_at:
            problems.append(f"{where}: responded_at: is earlier than opened_at")
        elif row.minutes > MAX_MINUTES:
            problems.append(f"{where}: responded_at: more than a week after opened_at")
        else:
            rows.append(row)
    if problems:
        raise IncidentCsvError(problems)
    return rows


def _snapshot(incident: Incident) -> dict[str, object]:
    return {
        "priority": incident.priority,
        "opened_at": incident.opened_at.isoformat(),
        "responded_at": incident.responded_at.isoformat() if incident.responded_at else None,
        "response_minutes": incident.response_minutes,
    }


def _update(
    *,
    session: Session,
    now: datetime,
    actor: str,
    existing: Incident,
    row: IncidentRow,
    source: str,
    allowed: bool,
) -> Recorded:
    """A known ref again: unchanged, refused, or (when ``allowed``) corrected and audited."""
    same = (
        existing.priority == row.priority
        and existing.opened_at == row.opened_at
        and abs(existing.response_minutes - row.minutes) < 1e-6
    )
    if same or (not allowed and _same_report(existing, row)):
        return Recorded(existing, "unchanged")
    if not allowed:
        raise Conflict(
            f"{row.ref} is already recorded ({existing.priority}, "
            f"{existing.response_minutes:g} min). Correct it with `casebook incidents import`."
        )
    before = _snapshot(existing)
    existing.priority, existing.opened_at = row.priority, row.opened_at
    existing.responded_at, existing.response_minutes = row.responded_at, row.minutes
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=actor,
        action="incident.updated",
        subject_type="incident",
        subject_id=row.ref or existing.id,
        payload={"before": before, "after": _snapshot(existing), "source": source},
    )
    return Recorded(existing, "updated")


def record_incident(
    *,
    session: Session,
    now: datetime,
    actor: str,
    row: IncidentRow,
    source: str,
    recorded_by: int | None = None,
    update_existing: bool = False,
) -> Recorded:
    """Write one incident and its audit event; a known ref is a no-op, or an update when asked."""
    existing = None
    if row.ref is not None:
        existing = session.execute(select(Incident).where(Incident.ref == row.ref)).scalar_one_or_none()
    if existing is not None:
        return _update(
            session=session,
            now=now,
            actor=actor,
            existing=existing,
            row=row,
            source=source,
            allowed=update_existing,
        )
    incident = Incident(
        ref=row.ref,
        priority=row.priority,
        opened_at=row.opened_at,
        responded_at=row.responded_at,
        response_minutes=row.minutes,
        recorded_by=recorded_by,
        source=source,
    )
    session.add(incident)
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=actor,
        action="incident.recorded",
        subject_type="incident",
        subject_id=row.ref or incident.id,
        payload={"ref": row.ref, "source": source, **_snapshot(incident)},
    )
    return Recorded(incident, "created")


def _same_report(existing: Incident, row: IncidentRow) -> bool:
    """A repeated slash command: same ref, priority and minutes (its times shift with the clock)."""
    return existing.priority == row.priority and abs(existing.response_minutes - row.minutes) < 1e-6


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def import_incidents(*, session: Session, now: datetime, actor: str, rows: list[IncidentRow]) -> ImportResult:
    """Upsert validated rows by ref; the caller's transaction makes it all-or-nothing."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        result = record_incident(
            session=session, now=now, actor=actor, row=row, source="import", update_existing=True
        )
        counts[result.outcome] += 1
    return ImportResult(**counts)


@dataclass(frozen=True)
class Baseline:
    priority: str
    median_minutes: float
    source: str  # "history" (incidents before the start date) | "config"
    history_count: int


def baselines(*, session: Session, program: Program) -> dict[str, Baseline]:
    """Each priority's baseline median: pre-program history when there is enough, else config."""
    start = local_midnight(program.start_date, program.tz)
    configured = {
        "P1": program.incidents.p1_median_minutes,
        "P2": program.incidents.p2_median_minutes,
    }
    out: dict[str, Baseline] = {}
    for priority in PRIORITIES:
        count, value = median(
            session=session,
            column=Incident.response_minutes,
            where=[Incident.priority == priority, Incident.opened_at < start],
        )
        if value is not None and count >= program.incidents.min_history:
            out[priority] = Baseline(priority, value, "history", count)
        else:
            out[priority] = Baseline(priority, configured[priority], "config", count)
    return out


def week_medians(*, session: Session, week: Week) -> dict[str, tuple[int, float | None]]:
    """(count, median response minutes) per priority for incidents opened in ``week``."""
    return {
        priority: median(
            session=session,
            column=Incident.response_minutes,
            where=[
                Incident.priority == priority,
                Incident.opened_at >= week.start,
                Incident.opened_at < week.end,
            ],
        )
        for priority in PRIORITIES
    }


@dataclass(frozen=True)
class Breach:
    """An incident whose response took longer than its priority's absolute limit."""

    ref: str
    priority: str
    minutes: float
    limit: float


MAX_BREACHES_LISTED = 20


def week_breaches(*, session: Session, week: Week, limits: dict[str, float]) -> tuple[int, list[Breach]]:
    """How many incidents opened in ``week`` breached their limit, and the first few (slowest first)."""
    over = [(Incident.priority == p) & (Incident.response_minutes > limit) for p, limit in limits.items()]
    query = select(Incident.id, Incident.ref, Incident.priority, Incident.response_minutes).where(
        Incident.opened_at >= week.start, Incident.opened_at < week.end, or_(*over)
    )
    rows = session.execute(query.order_by(Incident.response_minutes.desc(), Incident.id)).all()
    listed = [
        Breach(ref or f"incident #{row_id}", priority, float(minutes), limits[priority])
        for row_id, ref, priority, minutes in rows[:MAX_BREACHES_LISTED]
    ]
    return len(rows), listed
