"""The `/casebook` slash command: ack, find the caller, route to a subcommand."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.flows.live_log import LOGGERS
from bot.slack.blocks.common import esc
from bot.slack.blocks.help import help_blocks, unknown_command_blocks, unknown_user_blocks
from bot.slack.forms import clean_text
from bot.slack.ids import COMMAND
from bot.slack.middleware import ack_now, caller_of, deps_of, replies_on_error, stored_request
from bot.slack.router import CommandContext, Subcommand, router_of
from bot.slack.util import reply, reply_error


def register(app: App, deps: Deps) -> None:
    """The `/casebook` command itself and its `help` subcommand."""
    deps.router.add(Subcommand("help", "help", "what you can do here", handler=show_help))
    app.command(COMMAND)(ack=ack_now, lazy=[on_casebook])


@replies_on_error("slash command")
def on_casebook(body: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient) -> None:
    """After the ack, from the inbox: route `/casebook <sub> <args>` to the subcommand, if the caller may."""
    deps = deps_of(context)
    sub, _, args = clean_text(str(body.get("text") or "")).strip().partition(" ")
    sub = sub.lower() or "help"
    person = caller_of(context).active
    if person is None:
        reply(respond, unknown_user_blocks(contact=deps.program.admins_contact), "Not on the roster")
        return
    command = router_of(deps).get(sub)
    if command is None:
        reply(respond, unknown_command_blocks(sub=sub), f"Unknown command {esc(sub)}")
        return
    if not command.allowed(person):
        roles, mine = ", ".join(sorted(command.roles or ())), ", ".join(sorted(person.roles))
        # Say where to go next, not only "no": the refused person may not know their own roles.
        reply_error(
            respond,
            f"/casebook {sub} is for {roles} only. Your roles: {mine or 'none yet'}. "
            "`/casebook help` lists what you can do.",
        )
        return
    ctx = CommandContext(
        person=person,
        args=args.strip(),
        body=body,
        respond=respond,
        client=client,
        deps=deps,
        request=stored_request(context),
    )
    try:
        command.handler(ctx)
    except DomainError as exc:  # a subcommand's refusal reads as a warning, as it always has
        reply_error(respond, str(exc))


def show_help(ctx: CommandContext) -> None:
    """`/casebook help`: only the subcommands this caller may use."""
    commands = [(s.usage_of(ctx.person), s.summary) for s in router_of(ctx.deps).allowed_for(ctx.person)]
    blocks = help_blocks(
        name=ctx.person.name,
        roles=ctx.person.roles,
        commands=commands,
        shortcut=ctx.person.has_any(LOGGERS),
    )
    reply(ctx.respond, blocks, "Casebook commands")
