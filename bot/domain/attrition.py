"""Attrition: marking someone as having left the program (and back), with date and reason.

``/casebook left @user <reason>`` and the roster's optional ``status`` column both land
here. A leaver keeps their history (decisions, reviews, surveys still count for the
weeks they were active); retention counts them from ``left_at`` on. Every change is
audited with its before and after.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Person, PersonRole
from bot.domain.errors import Conflict, DomainError
from bot.domain.vocab import Role

LAST_ADMIN = "{name} is the last admin on the roster: make someone else admin first."


def ensure_another_admin(*, session: Session, person: Person) -> None:
    """Refuse a change that would leave the roster with no active admin (nobody could fix it)."""
    if person.status != "active" or Role.ADMIN not in person.role_names:
        return
    other = session.execute(
        select(Person.id)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == Role.ADMIN, Person.status == "active", Person.id != person.id)
        .limit(1)
    ).first()
    if other is None:
        raise DomainError(LAST_ADMIN.format(name=person.name))


MAX_REASON = 500


def _state(person: Person) -> dict[str, str | None]:
    return {
        "status": person.status,
        "left_at": person.left_at.isoformat() if person.left_at else None,
        "left_reason": person.left_reason,
    }


def check_reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise DomainError("reason: say why they left (e.g. `transferred to the SRE team`).")
    if len(text) > MAX_REASON:
        raise DomainError(f"reason: keep it under {MAX_REASON} characters (it has {len(text)}).")
    return text


def mark_left(
    *,
    session: Session,
    now: datetime,
    actor: str,
    person: Person,
    left_at: datetime,
    reason: str,
    correct: bool = False,
) -> bool:
    """Record that ``person`` left at ``left_at``; False when exactly that is already recorded.

    A second, different record for someone who already left is refused unless ``correct``
    (the roster import, whose file is the source of truth for dates and reasons).
    """
    reason = check_reason(reason)
    if person.status == "left":
        if person.left_at == left_at and person.left_reason == reason:
            return False
        if not correct:
            raise Conflict(f"{person.name} is already recorded as having left on {person.left_at:%Y-%m-%d}.")
    if not correct:  # the roster file may say so; a command may not leave nobody in charge
        ensure_another_admin(session=session, person=person)
    _set_status(session=session, now=now, actor=actor, person=person, left=(left_at, reason))
    return True


def mark_active(*, session: Session, now: datetime, actor: str, person: Person) -> bool:
    """Bring a leaver back (a roster row saying ``active``); False when they were active."""
    if person.status == "active":
        return False
    _set_status(session=session, now=now, actor=actor, person=person, left=None)
    return True


def _set_status(
    *, session: Session, now: datetime, actor: str, person: Person, left: tuple[datetime, str | None] | None
) -> None:
    """Mark ``person`` as left (on a date, for a reason) or active again, with its audit event."""
    before = _state(person)
    left_at, reason = left if left is not None else (None, None)
    person.status = "left" if left is not None else "active"
    person.left_at, person.left_reason, person.updated_at = left_at, reason, now
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=actor,
        action="person.left" if left is not None else "person.rejoined",
        subject_type="person",
        subject_id=person.slack_user_id,
        reason=reason,
        payload={"before": before, "after": _state(person)},
    )
