"""Who is around: out-of-office dates and leavers, which scheduled sends skip.

``Person.ooo_until`` is the last day (in the person's own timezone) they are
away; it comes from the roster's optional ``ooo_until`` column or from
``/casebook ooo until YYYY-MM-DD`` and is cleared by ``/casebook ooo off``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Person
from bot.domain.errors import DomainError

MAX_OOO_DAYS = 366


def skip_reason(*, status: str, ooo_until: date | None, local_day: date) -> str | None:
    """Why a send for ``local_day`` must not go to this person, or None when it should."""
    if status == "left":
        return "left the program"
    if ooo_until is not None and local_day <= ooo_until:
        return f"out of office until {ooo_until.isoformat()}"
    return None


def parse_ooo(args: str, *, today: date) -> date | None:
    """``until YYYY-MM-DD`` → that date; ``off`` → None; anything else raises a clear error."""
    words = args.split()
    if words == ["off"]:
        return None
    if len(words) == 2 and words[0] == "until":
        try:
            until = date.fromisoformat(words[1])
        except ValueError:
            raise DomainError(f"`{words[1]}` is not a date. Use YYYY-MM-DD, e.g. 2026-11-20.") from None
        if until < today:
            raise DomainError(f"{until.isoformat()} is in the past. Give your last day away.")
        if until > today + timedelta(days=MAX_OOO_DAYS):
            raise DomainError("That is more than a year away; ask your admin to update the roster instead.")
        return until
    raise DomainError("Use `/casebook ooo until YYYY-MM-DD` or `/casebook ooo off`.")


def set_ooo(*, session: Session, now: datetime, actor: str, person: Person, until: date | None) -> bool:
    """Set or clear someone's out-of-office date, auditing the change; False if nothing changed."""
    if person.ooo_until == until:
        return False
    before = person.ooo_until.isoformat() if person.ooo_until else None
    person.ooo_until = until
    person.updated_at = now
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=actor,
        action="person.ooo_changed",
        subject_type="person",
        subject_id=person.slack_user_id,
        payload={"before": before, "after": until.isoformat() if until else None},
    )
    return True
