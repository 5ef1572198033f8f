"""`/casebook left @user <reason>` (admins): record that someone left the program, after a confirm step.

The command checks everything first (on the roster, not already gone, a usable reason) and
asks; *Record leaver* (with Slack's own confirm dialog) records it. The click checks the
admin again: a button can be replayed by someone who has since lost the role.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.vocab import ADMINS
from bot.flows.roster import preview_leaver, record_leaver
from bot.slack.blocks.common import esc, section
from bot.slack.blocks.roster import leaver_confirm_blocks
from bot.slack.ids import Action
from bot.slack.metadata import LeaverValue
from bot.slack.middleware import ack_now, caller_of, deps_of, replies_on_error
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import parse_user, replace, reply

USAGE = "Usage: `/casebook left @user <reason>`, e.g. `left @ada transferred to the SRE team`."


def left_command(ctx: CommandContext) -> None:
    """`/casebook left @user <reason>`: check it, then ask before recording."""
    token, _, reason = ctx.args.partition(" ")
    user_id = parse_user(token) if token else None
    if user_id is None:
        raise DomainError(USAGE)
    left = preview_leaver(deps=ctx.deps, slack_user_id=user_id, reason=reason)
    value = LeaverValue(slack_user_id=user_id, reason=left.reason).dump()
    blocks = leaver_confirm_blocks(name=left.name, slack_user_id=user_id, reason=left.reason, value=value)
    reply(ctx.respond, blocks, f"Record that {esc(left.name)} left the program?")


@replies_on_error("recording a leaver")
def on_left_confirm(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Record leaver*: record it and say what that means for the metrics."""
    admin = caller_of(context).with_roles(ADMINS)
    if admin is None:
        raise DomainError("/casebook left is for admin only.")
    value = LeaverValue.load((body.get("actions") or [{}])[0].get("value"))
    user_id = value.slack_user_id
    left = record_leaver(
        deps=deps_of(context), actor=admin.slack_user_id, slack_user_id=user_id, reason=value.reason
    )
    text = (
        f":wave: Recorded that {esc(left.name)} (<@{user_id}>) left the program today: {esc(left.reason)}. "
        "Retention counts it from this week; their past decisions still count."
    )
    replace(respond, [section(text)], f"Recorded that {esc(left.name)} left the program.")


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "left",
            "left @user <reason>",
            "record that someone left the program (counts against retention; asks first)",
            handler=left_command,
            roles=ADMINS,
        )
    )
    app.action(Action.LEFT_CONFIRM)(ack=ack_now, lazy=[on_left_confirm])
