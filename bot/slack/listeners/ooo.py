"""`/casebook ooo until YYYY-MM-DD | off`: pause scheduled syncs and surveys while away."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.flows.ooo import ooo_until, set_out_of_office
from bot.slack.blocks.common import section
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import reply

USAGE = "ooo until YYYY-MM-DD | ooo off"


def ooo_command(ctx: CommandContext) -> None:
    """No arguments: say whether you're marked away; otherwise set or clear it."""
    deps = ctx.deps
    me = ctx.person.slack_user_id
    if not ctx.args:
        current = ooo_until(deps=deps, slack_user_id=me)
        text = (
            f"You're marked out of office until *{current.isoformat()}*. `/casebook ooo off` to undo."
            if current
            else f"You're not marked out of office. Use `/casebook {USAGE}`."
        )
    else:
        until = set_out_of_office(deps=deps, slack_user_id=me, args=ctx.args)
        text = (
            f":palm_tree: Out of office until *{until.isoformat()}* (your local date): no evening syncs or "
            "surveys until then. `/casebook ooo off` when you're back early."
            if until
            else ":wave: Welcome back: your evening syncs and surveys are on again."
        )
    reply(ctx.respond, [section(text)], text)


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "ooo",
            USAGE,
            "pause your evening syncs and surveys while you're away",
            handler=ooo_command,
        )
    )
