"""Out of office (`/casebook ooo`): see it, set it, clear it. Dates are the person's local dates."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.db.models import Person
from bot.deps import Deps
from bot.domain.availability import parse_ooo, set_ooo
from bot.domain.errors import NotFound
from bot.domain.people import find_by_slack_id
from bot.domain.timezones import local_today


def _person(session: Session, slack_user_id: str) -> Person:
    person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
    if person is None:
        raise NotFound(f"{slack_user_id} is not on the roster.")
    return person


def ooo_until(*, deps: Deps, slack_user_id: str) -> date | None:
    """The last day someone is away, when that is today or later; None when they are not away."""
    with transaction(deps.sessions) as session:
        person = _person(session, slack_user_id)
        today = local_today(person, deps.program.timezone, deps.clock.now())
        return person.ooo_until if person.ooo_until and person.ooo_until >= today else None


def set_out_of_office(*, deps: Deps, slack_user_id: str, args: str) -> date | None:
    """Apply ``until YYYY-MM-DD`` or ``off``; returns the new last day away (None: back)."""
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        person = _person(session, slack_user_id)
        until = parse_ooo(args, today=local_today(person, deps.program.timezone, now))
        set_ooo(session=session, now=now, actor=person.slack_user_id, person=person, until=until)
    return until
