"""Roster commands in Slack: `/casebook role @user <role>[,role…]` and `/casebook mentor @mentee @mentor`.

`role` (admins) replaces someone's roles; a person Slack knows but the roster
doesn't is added with their Slack name and timezone, so an admin can onboard
someone without a CSV. An admin cannot remove their own admin role (someone must
be left who can fix the roster). `mentor` (admins and leads) pairs a mentee with a
mentor, who must be a mentor or lead; `none` instead of a mentor unpairs them.
"""

from __future__ import annotations

import re

from slack_bolt import App

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.vocab import ADMINS, ROLES, Role
from bot.flows.roster import ROLE_USAGE, change_roles, pair_mentor
from bot.slack.blocks.common import section
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import parse_user, reply

MENTOR_USAGE = "mentor @mentee @mentor"
UNPAIR = ("none", "-")


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


def role_command(ctx: CommandContext) -> None:
    """`/casebook role @user <role>[,role…]`: replace someone's roles."""
    target_token, _, rest = ctx.args.partition(" ")
    target = _user_arg(target_token, ROLE_USAGE)
    changed = change_roles(
        deps=ctx.deps, actor=ctx.person.slack_user_id, target=target, roles=parse_roles(rest)
    )
    was = ", ".join(changed.before) or "not on the roster"
    text = f"Done: <@{target}> now has the role(s) {', '.join(changed.roles)} (was: {was})."
    reply(ctx.respond, [section(text)], text)


def mentor_command(ctx: CommandContext) -> None:
    """`/casebook mentor @mentee @mentor|none`: pair or unpair a mentee."""
    parts = ctx.args.split()
    if len(parts) != 2:
        raise DomainError(f"Usage: /casebook {MENTOR_USAGE} (or `none` to unpair)")
    mentee_id = _user_arg(parts[0], MENTOR_USAGE)
    mentor_id = None if parts[1].lower() in UNPAIR else _user_arg(parts[1], MENTOR_USAGE)
    pair_mentor(deps=ctx.deps, actor=ctx.person.slack_user_id, mentee_id=mentee_id, mentor_id=mentor_id)
    text = (
        f"Done: <@{mentee_id}>'s mentor is now <@{mentor_id}>."
        if mentor_id
        else f"Done: <@{mentee_id}> no longer has a mentor."
    )
    reply(ctx.respond, [section(text)], text)


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "role",
            ROLE_USAGE,
            f"set someone's roles ({', '.join(ROLES)})",
            handler=role_command,
            roles=ADMINS,
        )
    )
    deps.router.add(
        Subcommand(
            "mentor",
            MENTOR_USAGE,
            "pair a mentee with their mentor (`none` unpairs)",
            handler=mentor_command,
            roles=frozenset({Role.ADMIN, Role.LEAD}),
        )
    )
