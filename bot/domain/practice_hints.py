"""What adaptive practice needs from issue 18: due re-tests first, then the weakest part's scenarios."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Scenario, ScenarioVersion
from bot.domain.overturn_reasons import parts_of_point, weakest_part
from bot.domain.retests import due_scenarios
from bot.domain.vocab import JustificationPart
from bot.program_calib import Calibration as Settings


@dataclass(frozen=True)
class Hints:
    retests: list[int] = field(default_factory=list)  # scenario ids due for a re-test, most urgent first
    prefer: frozenset[int] = frozenset()  # scenario ids that train the weakest part
    weakest: JustificationPart | None = None


def training(*, session: Session, part: JustificationPart) -> frozenset[int]:
    """Scenarios (current version) with a key point that trains ``part``."""
    rows = session.execute(
        select(Scenario.id, ScenarioVersion.content)
        .join(ScenarioVersion, ScenarioVersion.id == Scenario.current_version_id)
        .where(Scenario.retired_at.is_(None))
    ).all()
    return frozenset(
        sid
        for sid, content in rows
        if any(part in parts_of_point(str(k.get("point", ""))) for k in content.get("key_points", []))
    )


def hints(*, session: Session, person_id: int, now: datetime, tz: ZoneInfo, settings: Settings) -> Hints:
    """Due re-tests and the scenarios that train this person's weakest part."""
    due = due_scenarios(session=session, person_id=person_id, now=now, tz=tz, settings=settings)
    weakest = weakest_part(session=session, person_id=person_id, settings=settings)
    prefer = training(session=session, part=weakest) if weakest else frozenset()
    return Hints(due, prefer, weakest)
