"""Roster commands in Slack: `/casebook role @user <role>[,role…]` and `/casebook mentor @mentee @mentor`.

`role` (admins) replaces someone's roles; a person Slack knows but the roster
doesn't is added with their Slack name and timezone, so an admin can onboard
someone without a CSV. An admin cannot remove their own admin role (someone must
be left who can fix the roster). `mentor` (admins and leads) pairs a mentee with a
mentor, who must be a mentor or lead; `none` instead of a mentor unpairs them.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.db.engine import transaction
from bot.db.models import Person
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.people import find_by_slack_id, set_mentor, set_roles, upsert_person
from bot.domain.vocab import ADMINS, REVIEWERS, ROLES
from bot.slack.blocks.common import section
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import parse_user, reply

ROLE_USAGE = "role @user <role>[,role…]"
MENTOR_USAGE = "mentor @mentee @mentor"
UNPAIR = ("none", "-")


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "role",
            ROLE_USAGE,
            f"set someone's roles ({', '.join(ROLES)})",
            handler=lambda ctx: _role(deps, ctx),
            roles=ADMINS,
        )
    )
    deps.router.add(
        Subcommand(
            "mentor",
            MENTOR_USAGE,
            "pair a mentee with their mentor (`none` unpairs)",
            handler=lambda ctx: _mentor(deps, ctx),
            roles=frozenset({"admin", "lead"}),
        )
    )


def _user_arg(token: str, usage: str) -> str:
    user = parse_user(token)
    if user is None:
        raise DomainError(f"`{token}` is not a person; mention them like @name. Usage: /casebook {usage}")
    return user


def parse_roles(text: str) -> list[str]:
    roles = [r.strip().lower() for r in re.split(r"[,;\s]+", text) if r.strip()]
    if not roles:
        raise DomainError(f"Name at least one role ({', '.join(ROLES)}). Usage: /casebook {ROLE_USAGE}")
    bad = [r for r in roles if r not in ROLES]
    if bad:
        raise DomainError(f"Unknown role `{bad[0]}`. Roles are: {', '.join(ROLES)}.")
    return sorted(set(roles))


def _role(deps: Deps, ctx: CommandContext) -> None:
    target_token, _, rest = ctx.args.partition(" ")
    target = _user_arg(target_token, ROLE_USAGE)
    roles = parse_roles(rest)
    actor = ctx.person.slack_user_id
    if target == actor and "admin" not in roles:
        raise DomainError("You can't remove your own admin role; ask another admin.")
    profile = None
    with transaction(deps.sessions) as session:
        exists = find_by_slack_id(session=session, slack_user_id=target) is not None
    if not exists:
        profile = _slack_profile(deps.client, target)
    with transaction(deps.sessions) as session:
        now = deps.clock.now()
        person = find_by_slack_id(session=session, slack_user_id=target)
        if person is None and profile is not None:
            upsert_person(session=session, now=now, actor=actor, roles=roles, email=None, **profile)
            before: list[str] = []
        else:
            assert person is not None
            before = sorted(person.role_names)
            set_roles(
                session=session,
                now=now,
                actor=actor,
                person=person,
                roles=roles,
                reason=f"/casebook role by {actor}",
            )
    was = ", ".join(before) or "not on the roster"
    text = f"Done: <@{target}> now has the role(s) {', '.join(roles)} (was: {was})."
    reply(ctx.respond, [section(text)], text)


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


def _mentor(deps: Deps, ctx: CommandContext) -> None:
    parts = ctx.args.split()
    if len(parts) != 2:
        raise DomainError(f"Usage: /casebook {MENTOR_USAGE} (or `none` to unpair)")
    mentee_id = _user_arg(parts[0], MENTOR_USAGE)
    mentor_id = None if parts[1].lower() in UNPAIR else _user_arg(parts[1], MENTOR_USAGE)
    with transaction(deps.sessions) as session:
        mentee = _on_roster(session, mentee_id)
        mentor = _on_roster(session, mentor_id) if mentor_id else None
        if mentor is not None and not mentor.role_names & REVIEWERS:
            raise DomainError(f"{mentor.name} isn't a mentor or lead; give them the role first.")
        set_mentor(
            session=session,
            now=deps.clock.now(),
            actor=ctx.person.slack_user_id,
            mentee=mentee,
            mentor=mentor,
        )
    text = (
        f"Done: <@{mentee_id}>'s mentor is now <@{mentor_id}>."
        if mentor_id
        else f"Done: <@{mentee_id}> no longer has a mentor."
    )
    reply(ctx.respond, [section(text)], text)


def _on_roster(session: Any, slack_user_id: str) -> Person:
    person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
    if person is None:
        raise DomainError(f"{slack_user_id} isn't on the roster; add them with /casebook {ROLE_USAGE}.")
    return person
