"""`/casebook metrics [YYYY-Www]` (an ephemeral scorecard) and the PM App Home section."""

from __future__ import annotations

import functools

from slack_bolt import App

from bot.deps import Deps
from bot.domain.vocab import METRICS_VIEWERS
from bot.domain.weeks import parse_week, week_of
from bot.flows.metrics import pm_home_section, week_scorecard
from bot.slack.blocks.scorecard import scorecard_blocks, scorecard_text
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import reply

HOME_ORDER = 60


def metrics_command(ctx: CommandContext) -> None:
    """This week's scorecard, or the week given, with the go/no-go recommendation."""
    deps = ctx.deps
    tz = deps.program.tz
    week = parse_week(ctx.args, tz) if ctx.args else week_of(deps.clock.now(), tz)
    shown = week_scorecard(deps=deps, week=week)
    blocks = scorecard_blocks(shown.card, shown.verdict, shown.previous)
    reply(ctx.respond, blocks, scorecard_text(shown.card, shown.verdict))


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "metrics",
            "metrics [YYYY-Www]",
            "the pilot scorecard and go/no-go recommendation (this week, or the one given)",
            handler=metrics_command,
            roles=METRICS_VIEWERS,
        )
    )
    deps.add_home_section(HOME_ORDER, functools.partial(pm_home_section, deps))
