"""Calibration, overturn patterns and re-tests on App Home (issue 18): read-only Home sections."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.domain.calib_views import mentee_calibration, own_calibration
from bot.domain.people import PersonView
from bot.domain.vocab import ENGINEERS, REVIEWERS
from bot.slack.blocks.calib import mentee_blocks, own_blocks


def own_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """An engineer's own calibration line, flag, overturn pattern and re-tests due."""
    if not person.has_any(ENGINEERS):
        return []
    own = own_calibration(
        session=session, person_id=person.id, now=now, tz=deps.program.tz, settings=deps.program.calibration
    )
    return own_blocks(own)


def mentor_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """A mentor's mentees: calibration, overconfidence flags, overturn patterns, overdue re-tests."""
    if not person.has_any(REVIEWERS):
        return []
    rows = mentee_calibration(
        session=session, mentor_id=person.id, now=now, tz=deps.program.tz, settings=deps.program.calibration
    )
    return mentee_blocks(rows)
