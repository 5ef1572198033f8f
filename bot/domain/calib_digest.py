"""The cohort's calibration and overturn pattern for the PM digest (one line, red flags).

Returned as plain (key, text) pairs so :mod:`bot.domain.digest` wraps them in its own
``RedFlag`` (no import cycle). Names appear only as the digest already shows them
(to the PM channel: mentors, leads and PMs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Person
from bot.domain.calibration import calls, flag_text, line_text, summarise
from bot.domain.overturn_reasons import cohort_pattern, pattern_text
from bot.program_calib import Calibration as Settings

MAX_NAMES = 5


@dataclass(frozen=True)
class CohortCalibration:
    line: str  # "Calibration (all decisions so far): Brier 0.21 over 40 calls. …"
    flags: tuple[tuple[str, str], ...]  # (red-flag key, plain text)


def _flagged_names(session: Session, settings: Settings, at: datetime) -> list[str]:
    """Engineers whose own overconfidence flag is up, by name."""
    found = calls(session=session, until=at)
    ids = sorted({c.person_id for c in found})
    flagged = [pid for pid in ids if summarise([c for c in found if c.person_id == pid], settings).flagged]
    if not flagged:
        return []
    return sorted(session.execute(select(Person.name).where(Person.id.in_(flagged))).scalars())


def cohort_calibration(*, session: Session, settings: Settings, at: datetime) -> CohortCalibration:
    """The cohort's calibration line and its red flags (overconfidence, an overturn pattern)."""
    summary = summarise(calls(session=session, until=at), settings)
    flags: list[tuple[str, str]] = []
    flag = flag_text(summary, whose="the cohort's")
    if flag:
        names = _flagged_names(session, settings, at)
        who = f" Flagged: {', '.join(names[:MAX_NAMES])}." if names else ""
        flags.append(("overconfidence", f"Overconfidence: {flag}{who}"))
    since = at - timedelta(days=settings.pattern_window_days)
    cohort = cohort_pattern(session=session, settings=settings, since=since, until=at)
    text = pattern_text(cohort.pattern, whose="the cohort's")
    if text:
        who = ", ".join(f"{name} {count}" for name, count in cohort.names[:MAX_NAMES])
        days = settings.pattern_window_days
        flags.append(("overturn_pattern", f"Overturn pattern (last {days} days): {text[:-1]} — {who}."))
    return CohortCalibration(f"Calibration (all decisions so far): {line_text(summary)}", tuple(flags))
