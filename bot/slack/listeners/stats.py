"""`/casebook stats [@user]`: your own numbers, or a mentee's for mentors, leads and admins."""

from __future__ import annotations

from slack_bolt import App

from bot.db.engine import read_transaction
from bot.deps import Deps
from bot.domain.errors import Forbidden, NotFound
from bot.domain.mentees import week_counts
from bot.domain.people import get_view
from bot.domain.progress import engineer_progress
from bot.domain.vocab import REVIEWERS
from bot.domain.weeks import week_label, week_range
from bot.slack.blocks.stats import stats_blocks
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import parse_user, reply


def _stats(deps: Deps, ctx: CommandContext) -> None:
    target_id = ctx.person.slack_user_id
    if ctx.args:
        parsed = parse_user(ctx.args.split()[0])
        if parsed is None:
            raise NotFound("Name someone with @, like `/casebook stats @ada`.")
        target_id = parsed
    if target_id != ctx.person.slack_user_id and not ctx.person.has_any(REVIEWERS):
        raise Forbidden("Only mentors, leads and admins can see someone else's stats.")
    now = deps.clock.now()
    week = week_label(now, deps.program.tz)
    start, end = week_range(week, deps.program.tz)
    categories = [(c.id, c.name) for c in deps.library.categories] if deps.library else []
    with read_transaction(deps.sessions) as session:
        target = get_view(session=session, slack_user_id=target_id)
        if target is None:
            raise NotFound("That person is not on the roster.")
        progress = engineer_progress(session=session, person_id=target.id, categories=categories)
        counts = week_counts(session=session, person_id=target.id, start=start, end=end)
    reply(
        ctx.respond,
        stats_blocks(name=target.name, progress=progress, week=week, counts=counts),
        f"Stats for {target.name}",
    )


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "stats",
            "stats [@user]",
            "practice accuracy, readiness and this week's decisions",
            handler=lambda ctx: _stats(deps, ctx),
        )
    )
