"""`/casebook left @user <reason>` (admins): record that someone left the program."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.vocab import ADMINS
from bot.flows.roster import record_leaver
from bot.slack.blocks.common import esc, section
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import parse_user, reply

USAGE = "Usage: `/casebook left @user <reason>`, e.g. `left @ada transferred to the SRE team`."


def left_command(ctx: CommandContext) -> None:
    """`/casebook left @user <reason>`: record the leaver and say what that means for the metrics."""
    token, _, reason = ctx.args.partition(" ")
    user_id = parse_user(token) if token else None
    if user_id is None:
        raise DomainError(USAGE)
    left = record_leaver(deps=ctx.deps, actor=ctx.person.slack_user_id, slack_user_id=user_id, reason=reason)
    text = (
        f":wave: Recorded that {esc(left.name)} (<@{user_id}>) left the program today: {esc(left.reason)}. "
        "Retention counts it from this week; their past decisions still count."
    )
    reply(ctx.respond, [section(text)], f"Recorded that {esc(left.name)} left the program.")


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "left",
            "left @user <reason>",
            "record that someone left the program (counts against retention)",
            handler=left_command,
            roles=ADMINS,
        )
    )
