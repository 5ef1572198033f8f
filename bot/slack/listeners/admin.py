"""Roster commands in Slack: `/casebook role @user <role>[,role…]` and `/casebook mentor @mentee @mentor`.

`role` (admins) replaces someone's roles. Adding roles happens at once; when a role would be
dropped the admin sees what changes and what it means (dropping `engineer` takes someone out
of the engineer metrics) and confirms first. A person Slack knows but the roster doesn't is
added with their Slack name and timezone, so an admin can onboard someone without a CSV. An
admin cannot remove their own admin role (someone must be left who can fix the roster).
`mentor` (admins and leads) pairs a mentee with a mentor, who must be a mentor or lead;
`none` instead of a mentor unpairs them.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.vocab import ADMINS, ROLES, Role
from bot.flows.roster import ROLE_USAGE, RolesChanged, change_roles, pair_mentor, preview_roles
from bot.slack.blocks.common import section
from bot.slack.blocks.confirm import cancelled_blocks
from bot.slack.blocks.roster import role_change_blocks
from bot.slack.ids import Action
from bot.slack.metadata import RolesValue
from bot.slack.middleware import ack_now, caller_of, deps_of, replies_on_error
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import parse_user, replace, reply

MENTOR_USAGE = "mentor @mentee @mentor"
UNPAIR = ("none", "-")
ROLE_HELP = (
    f"Usage: `/casebook {ROLE_USAGE}`, e.g. `/casebook role @ada engineer,pilot`. "
    f"It replaces their roles ({', '.join(ROLES)}); you confirm first when one is dropped."
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


def _done_text(changed: RolesChanged) -> str:
    was = ", ".join(changed.before) or "not on the roster"
    return f"Done: <@{changed.slack_user_id}> now has the role(s) {', '.join(changed.roles)} (was: {was})."


def role_command(ctx: CommandContext) -> None:
    """`/casebook role @user <role>[,role…]`: replace someone's roles (confirm first if one is dropped)."""
    if not ctx.args.strip():
        raise DomainError(ROLE_HELP)
    target_token, _, rest = ctx.args.partition(" ")
    target = _user_arg(target_token, ROLE_USAGE)
    roles = parse_roles(rest)
    actor = ctx.person.slack_user_id
    preview = preview_roles(deps=ctx.deps, actor=actor, target=target, roles=roles)
    if preview.name is not None and preview.before == roles:
        text = f"Nothing to change: <@{target}> already has the role(s) {', '.join(roles)}."
        reply(ctx.respond, [section(text)], text)
        return
    if preview.dropped:
        value = RolesValue(slack_user_id=target, roles=roles).dump()
        reply(ctx.respond, role_change_blocks(preview=preview, value=value), "Confirm the role change")
        return
    text = _done_text(change_roles(deps=ctx.deps, actor=actor, target=target, roles=roles))
    reply(ctx.respond, [section(text)], text)


@replies_on_error("confirming a role change")
def on_role_confirm(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Change roles* on the confirm step: the admin is checked again (a button can be replayed)."""
    admin = caller_of(context).with_roles(ADMINS)
    if admin is None:
        raise DomainError("/casebook role is for admin only.")
    value = RolesValue.load((body.get("actions") or [{}])[0].get("value"))
    changed = change_roles(
        deps=deps_of(context), actor=admin.slack_user_id, target=value.slack_user_id, roles=value.roles
    )
    text = _done_text(changed)
    replace(respond, [section(text)], text)


def on_cancel(respond: Respond) -> None:
    """*Cancel* on any confirm step: nothing was changed, so just say so."""
    replace(respond, cancelled_blocks(), "Cancelled; nothing changed.")


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
            f"set someone's roles ({', '.join(ROLES)}); replaces them, and asks first if one is dropped",
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
    app.action(Action.ROLE_CONFIRM)(ack=ack_now, lazy=[on_role_confirm])
    app.action(Action.CONFIRM_CANCEL)(ack=ack_now, lazy=[on_cancel])
