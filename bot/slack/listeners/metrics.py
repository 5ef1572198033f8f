"""`/casebook metrics [YYYY-Www]` (an ephemeral scorecard) and the PM App Home section."""

from __future__ import annotations

import functools
import logging
from datetime import datetime

from slack_bolt import App
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.domain.people import PersonView
from bot.domain.vocab import METRICS_VIEWERS, SCORECARD_VIEWERS
from bot.domain.weeks import parse_week, week_of
from bot.flows.metrics import pm_overview, week_scorecard
from bot.slack.blocks.pm_home import MAX_WEEKS, pm_home_blocks
from bot.slack.blocks.scorecard import scorecard_blocks, scorecard_text
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import reply

log = logging.getLogger(__name__)
HOME_ORDER = 60
PERMALINKS = "metrics.digest_permalinks"


def metrics_command(deps: Deps, ctx: CommandContext) -> None:
    """This week's scorecard, or the week given, with the go/no-go recommendation."""
    tz = deps.program.tz
    week = parse_week(ctx.args, tz) if ctx.args else week_of(deps.clock.now(), tz)
    shown = week_scorecard(deps=deps, week=week)
    blocks = scorecard_blocks(shown.card, shown.verdict, shown.previous)
    reply(ctx.respond, blocks, scorecard_text(shown.card, shown.verdict))


def digest_url(deps: Deps, channel: str, ts: str) -> str:
    """chat.getPermalink for the digest (cached per message); a built archive link if that fails."""
    cache: dict[tuple[str, str], str] = deps.extras.setdefault(PERMALINKS, {})
    if (channel, ts) not in cache:
        try:
            cache[(channel, ts)] = str(
                deps.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
            )
        except Exception:
            log.warning("chat.getPermalink failed; linking to the archive URL instead")
            return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"
    return cache[(channel, ts)]


def pm_home(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """App Home for PMs, leads and admins: the metric tiles, the trend and the last digest's link."""
    if not person.has_any(SCORECARD_VIEWERS):
        return []
    overview = pm_overview(session=session, program=deps.program, now=now, max_weeks=MAX_WEEKS)
    posted = overview.posted
    link = (posted.period, digest_url(deps, posted.channel, posted.ts)) if posted else None
    return pm_home_blocks(
        card=overview.card,
        verdict=overview.verdict,
        history=overview.history,
        digest_link=link,
        pm_channel=deps.program.channels.pm,
    )


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "metrics",
            "metrics [YYYY-Www]",
            "the pilot scorecard and go/no-go recommendation (this week, or the one given)",
            handler=functools.partial(metrics_command, deps),
            roles=METRICS_VIEWERS,
        )
    )
    deps.add_home_section(HOME_ORDER, functools.partial(pm_home, deps))
