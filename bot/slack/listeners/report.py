"""`/casebook report`: build the post-program report and share it into the PM channel as a file."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.flows.report import REPORT_ROLES, share_report
from bot.slack.blocks.report import report_reply_blocks, report_reply_text
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import reply


def report_command(ctx: CommandContext) -> None:
    """Runs after the ack (subcommands are lazy): build, queue the upload, say where it goes."""
    deps = ctx.deps
    shared = share_report(
        sessions=deps.sessions, program=deps.program, clock=deps.clock, slack_user_id=ctx.person.slack_user_id
    )
    if shared.created:
        deps.dispatcher.kick()
    blocks = report_reply_blocks(
        channel=shared.channel, created=shared.created, unavailable=shared.unavailable
    )
    reply(ctx.respond, blocks, report_reply_text(shared.channel, shared.created))


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "report",
            "report",
            "build the post-program report and share it in the PM channel",
            handler=report_command,
            roles=REPORT_ROLES,
        )
    )
