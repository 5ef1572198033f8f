"""`/casebook stats [@user]`: a practitioner's own numbers, or a mentee's for mentors, leads and admins.

Only people with a practice record of their own (engineers, pilots) see their own card;
mentors, leads and admins name someone. A PM has the scorecard (`metrics`) instead, so
`stats` is not offered to them at all.
"""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.domain.errors import NotFound
from bot.domain.people import PersonView
from bot.domain.vocab import ENGINEERS, REVIEWERS
from bot.flows.stats import person_stats
from bot.slack.blocks.stats import stats_blocks
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import parse_user, reply

STATS_ROLES = ENGINEERS | REVIEWERS


def stats_usage(person: PersonView) -> str:
    """`stats` for engineers, `stats @user` for reviewers, both for someone who is both."""
    own, others = person.has_any(ENGINEERS), person.has_any(REVIEWERS)
    return "stats [@user]" if own and others else ("stats @user" if others else "stats")


def show_stats(ctx: CommandContext) -> None:
    """Render the stats the flow read (plain values: nothing is read after its transaction)."""
    target = None
    if ctx.args:
        target = parse_user(ctx.args.split()[0])
        if target is None:
            raise NotFound("Name someone with @, like `/casebook stats @ada`.")
    elif not ctx.person.has_any(ENGINEERS):
        raise NotFound("Name the engineer whose stats you want, like `/casebook stats @ada`.")
    stats = person_stats(deps=ctx.deps, viewer=ctx.person, target_slack_id=target)
    blocks = stats_blocks(name=stats.name, progress=stats.progress, week=stats.week, counts=stats.counts)
    reply(ctx.respond, blocks, f"Stats for {stats.name}")


def register(app: App, deps: Deps) -> None:
    """The `stats` subcommand."""
    deps.router.add(
        Subcommand(
            "stats",
            "stats [@user]",
            "practice accuracy, readiness and this week's decisions",
            show_stats,
            roles=STATS_ROLES,
            usage_for=stats_usage,
        )
    )
