"""`/casebook left @user <reason>` (admins): record that someone left the program."""

from __future__ import annotations

from slack_bolt import App

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.attrition import check_reason, mark_left
from bot.domain.errors import DomainError, NotFound
from bot.domain.people import find_by_slack_id
from bot.domain.vocab import ADMINS
from bot.slack.blocks.common import esc, section
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import parse_user, reply

USAGE = "Usage: `/casebook left @user <reason>`, e.g. `left @ada transferred to the SRE team`."


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "left",
            "left @user <reason>",
            "record that someone left the program (counts against retention)",
            handler=lambda ctx: record_leaver(deps, ctx),
            roles=ADMINS,
        )
    )


def record_leaver(deps: Deps, ctx: CommandContext) -> None:
    token, _, reason = ctx.args.partition(" ")
    user_id = parse_user(token) if token else None
    if user_id is None:
        raise DomainError(USAGE)
    reason = check_reason(reason)
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=user_id)
        if person is None:
            raise NotFound(f"{user_id} is not on the roster, so there is nothing to record.")
        mark_left(
            session=session,
            now=now,
            actor=ctx.person.slack_user_id,
            person=person,
            left_at=now,
            reason=reason,
        )
        name = person.name
    text = (
        f":wave: Recorded that {esc(name)} (<@{user_id}>) left the program today: {esc(reason)}. "
        "Retention counts it from this week; their past decisions still count."
    )
    reply(ctx.respond, [section(text)], f"Recorded that {esc(name)} left the program.")
