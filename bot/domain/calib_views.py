"""Plain data for the calibration Home sections: one engineer's own, a mentor's mentees'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.domain.calibration import Summary, person_summary, summaries_by_person
from bot.domain.overturn_reasons import Pattern, pattern_of
from bot.domain.people import mentees_of
from bot.domain.retests import Retest, retests
from bot.program_calib import Calibration as Settings


@dataclass(frozen=True)
class OwnCalibration:
    """What an engineer's Home shows about their own calibration, re-tests and overturn pattern."""

    summary: Summary
    pattern: Pattern
    retests: tuple[Retest, ...]
    today: date

    @property
    def due(self) -> tuple[Retest, ...]:
        return tuple(r for r in self.retests if r.due(self.today))


def own_calibration(
    *, session: Session, person_id: int, now: datetime, tz: ZoneInfo, settings: Settings
) -> OwnCalibration:
    return OwnCalibration(
        summary=person_summary(session=session, person_id=person_id, settings=settings),
        pattern=pattern_of(session=session, person_id=person_id, settings=settings),
        retests=tuple(retests(session=session, person_id=person_id, now=now, tz=tz, settings=settings)),
        today=now.astimezone(tz).date(),
    )


@dataclass(frozen=True)
class MenteeCalibration:
    name: str
    slack_user_id: str
    summary: Summary
    pattern: Pattern
    overdue_retests: int


def mentee_calibration(
    *, session: Session, mentor_id: int, now: datetime, tz: ZoneInfo, settings: Settings
) -> list[MenteeCalibration]:
    """One row per active mentee of ``mentor_id``, by name."""
    mentees = [m for m in mentees_of(session=session, mentor_id=mentor_id) if m.status == "active"]
    summaries = summaries_by_person(session=session, person_ids=[m.id for m in mentees], settings=settings)
    rows = []
    for m in sorted(mentees, key=lambda p: p.name):
        late = [
            r
            for r in retests(session=session, person_id=m.id, now=now, tz=tz, settings=settings)
            if r.overdue
        ]
        pattern = pattern_of(session=session, person_id=m.id, settings=settings)
        rows.append(MenteeCalibration(m.name, m.slack_user_id, summaries[m.id], pattern, len(late)))
    return rows
