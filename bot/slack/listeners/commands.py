"""The `/casebook` slash command: ack, find the caller, route to a subcommand."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.db.engine import read_transaction
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.people import get_view
from bot.slack.blocks.common import esc
from bot.slack.blocks.help import help_blocks, unknown_command_blocks, unknown_user_blocks
from bot.slack.ids import COMMAND
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import SERVER_ERROR, reply, reply_error

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    deps.router.add(Subcommand("help", "help", "what you can do here", handler=lambda ctx: _help(deps, ctx)))

    @app.command(COMMAND)
    def casebook(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        text = str(body.get("text") or "").strip()
        sub, _, args = text.partition(" ")
        sub = sub.lower() or "help"
        try:
            with read_transaction(deps.sessions) as session:
                person = get_view(session=session, slack_user_id=str(body.get("user_id", "")))
        except Exception:
            log.exception("slash command: caller lookup failed")
            reply_error(respond, SERVER_ERROR)
            return
        if person is None or not person.active:
            reply(respond, unknown_user_blocks(contact=deps.program.admins_contact), "Not on the roster")
            return
        command = deps.router.get(sub)
        if command is None:
            reply(respond, unknown_command_blocks(sub=sub), f"Unknown command {esc(sub)}")
            return
        if not command.allowed(person):
            who = ", ".join(sorted(command.roles or ()))
            reply_error(respond, f"/casebook {sub} is for {who} only.")
            return
        ctx = CommandContext(person=person, args=args.strip(), body=body, respond=respond, client=client)
        try:
            command.handler(ctx)
        except DomainError as exc:
            reply_error(respond, str(exc))
        except Exception:
            log.exception("slash command failed", extra={"sub": sub})
            reply_error(respond, SERVER_ERROR)


def _help(deps: Deps, ctx: CommandContext) -> None:
    commands = [(s.usage, s.summary) for s in deps.router.allowed_for(ctx.person)]
    blocks = help_blocks(name=ctx.person.name, roles=ctx.person.roles, commands=commands)
    reply(ctx.respond, blocks, "Casebook commands")
