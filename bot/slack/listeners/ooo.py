"""`/casebook ooo until YYYY-MM-DD | off`: pause scheduled syncs and surveys while away."""

from __future__ import annotations

from slack_bolt import App

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.availability import parse_ooo, set_ooo
from bot.domain.people import find_by_slack_id
from bot.domain.timezones import local_today
from bot.slack.blocks.common import section
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import reply

USAGE = "ooo until YYYY-MM-DD | ooo off"


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "ooo",
            USAGE,
            "pause your evening syncs and surveys while you're away",
            handler=lambda c: _ooo(deps, c),
        )
    )


def _ooo(deps: Deps, ctx: CommandContext) -> None:
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=ctx.person.slack_user_id)
        assert person is not None
        today = local_today(person, deps.program.timezone, now)
        if not ctx.args:
            current = person.ooo_until if person.ooo_until and person.ooo_until >= today else None
            text = (
                f"You're marked out of office until *{current.isoformat()}*. `/casebook ooo off` to undo."
                if current
                else f"You're not marked out of office. Use `/casebook {USAGE}`."
            )
            reply(ctx.respond, [section(text)], text)
            return
        until = parse_ooo(ctx.args, today=today)
        set_ooo(session=session, now=now, actor=person.slack_user_id, person=person, until=until)
    text = (
        f":palm_tree: Out of office until *{until.isoformat()}* (your local date): no evening syncs or "
        "surveys until then. `/casebook ooo off` when you're back early."
        if until
        else ":wave: Welcome back: your evening syncs and surveys are on again."
    )
    reply(ctx.respond, [section(text)], text)
