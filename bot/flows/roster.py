"""Roster changes from Slack: set someone's roles, pair a mentee with a mentor, record a leaver.

Each function owns its transaction and returns what happened, for the listener to show.
Someone Slack knows but the roster doesn't is added when an admin gives them roles (their
Slack name and timezone, read with the app's own client), so onboarding needs no CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.db.engine import read_transaction, transaction
from bot.db.models import Person
from bot.deps import Deps
from bot.domain.attrition import check_reason, mark_left
from bot.domain.errors import Conflict, DomainError, NotFound
from bot.domain.people import find_by_slack_id, set_mentor, set_roles, upsert_person
from bot.domain.vocab import REVIEWERS, Role

ROLE_USAGE = "role @user <role>[,role…]"


@dataclass(frozen=True)
class RolesChanged:
    """Someone's roles after ``/casebook role``, and before (empty: they were not on the roster)."""

    slack_user_id: str
    roles: list[str]
    before: list[str]


def _slack_profile(client: WebClient, user_id: str) -> dict[str, Any]:
    """Name and timezone of someone Slack knows, to add them to the roster.

    Uses the app's own client: Bolt's per-request client adds a ``team_id`` that
    users.info does not take.
    """
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except Exception:
        raise DomainError(f"I couldn't find {user_id} in Slack, so I can't add them.") from None
    if user.get("deleted") or user.get("is_bot"):
        raise DomainError(f"{user_id} is a deactivated account or a bot, so I can't add them.")
    name = (user.get("profile") or {}).get("real_name") or user.get("real_name") or user.get("name")
    return {"slack_user_id": user_id, "name": str(name or user_id), "timezone": user.get("tz")}


@dataclass(frozen=True)
class RolesPreview:
    """What ``/casebook role`` would change, shown before anything is (``name`` None: not on the roster)."""

    slack_user_id: str
    name: str | None
    before: list[str]
    after: list[str]

    @property
    def dropped(self) -> list[str]:
        return [r for r in self.before if r not in self.after]


def _check_own_admin(actor: str, target: str, roles: list[str]) -> None:
    if target == actor and Role.ADMIN not in roles:
        # Someone must be left who can fix the roster.
        raise DomainError("You can't remove your own admin role; ask another admin.")


def preview_roles(*, deps: Deps, actor: str, target: str, roles: list[str]) -> RolesPreview:
    """Who ``target`` is and which roles they have now, to say what replacing them means."""
    _check_own_admin(actor, target, roles)
    with read_transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=target)
        if person is None:
            return RolesPreview(target, None, [], roles)
        return RolesPreview(target, person.name, sorted(person.role_names), roles)


def change_roles(*, deps: Deps, actor: str, target: str, roles: list[str]) -> RolesChanged:
    """Replace ``target``'s roles (adding them from their Slack profile if they are new)."""
    _check_own_admin(actor, target, roles)
    with transaction(deps.sessions) as session:
        exists = find_by_slack_id(session=session, slack_user_id=target) is not None
    # Slack is asked outside any transaction: a slow users.info must not hold a connection.
    profile = None if exists else _slack_profile(deps.client, target)
    with transaction(deps.sessions) as session:
        now = deps.clock.now()
        person = find_by_slack_id(session=session, slack_user_id=target)
        if person is None and profile is not None:
            upsert_person(session=session, now=now, actor=actor, roles=roles, email=None, **profile)
            return RolesChanged(target, roles, [])
        assert person is not None
        before = sorted(person.role_names)
        reason = f"/casebook role by {actor}"
        set_roles(session=session, now=now, actor=actor, person=person, roles=roles, reason=reason)
    return RolesChanged(target, roles, before)


def _on_roster(session: Session, slack_user_id: str) -> Person:
    person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
    if person is None:
        raise DomainError(f"{slack_user_id} isn't on the roster; add them with /casebook {ROLE_USAGE}.")
    return person


def pair_mentor(*, deps: Deps, actor: str, mentee_id: str, mentor_id: str | None) -> None:
    """Make ``mentor_id`` (a mentor or lead) ``mentee_id``'s mentor; None unpairs them."""
    with transaction(deps.sessions) as session:
        mentee = _on_roster(session, mentee_id)
        mentor = _on_roster(session, mentor_id) if mentor_id else None
        if mentor is not None and not mentor.role_names & REVIEWERS:
            raise DomainError(f"{mentor.name} isn't a mentor or lead; give them the role first.")
        set_mentor(session=session, now=deps.clock.now(), actor=actor, mentee=mentee, mentor=mentor)


@dataclass(frozen=True)
class LeaverRecorded:
    """Who was recorded as having left, and the reason as stored."""

    name: str
    reason: str


def preview_leaver(*, deps: Deps, slack_user_id: str, reason: str) -> LeaverRecorded:
    """Check that ``slack_user_id`` can be recorded as a leaver with ``reason``; nothing is written."""
    reason = check_reason(reason)
    with read_transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
        if person is None:
            raise NotFound(f"{slack_user_id} is not on the roster, so there is nothing to record.")
        if person.status == "left" and person.left_at is not None:
            raise Conflict(f"{person.name} is already recorded as having left on {person.left_at:%Y-%m-%d}.")
        return LeaverRecorded(person.name, reason)


def record_leaver(*, deps: Deps, actor: str, slack_user_id: str, reason: str) -> LeaverRecorded:
    """Record that someone left the program today (it counts against retention from this week)."""
    reason = check_reason(reason)
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
        if person is None:
            raise NotFound(f"{slack_user_id} is not on the roster, so there is nothing to record.")
        mark_left(session=session, now=now, actor=actor, person=person, left_at=now, reason=reason)
        return LeaverRecorded(person.name, reason)
