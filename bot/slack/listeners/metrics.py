"""`/casebook metrics [YYYY-Www]` (an ephemeral scorecard) and the PM App Home section."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_bolt import App
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.engine import read_transaction
from bot.deps import Deps
from bot.domain.digest import last_posted_digest
from bot.domain.gonogo import recommend
from bot.domain.metrics import Scorecard, compute_scorecard
from bot.domain.people import PersonView
from bot.domain.vocab import METRICS_VIEWERS, SCORECARD_VIEWERS
from bot.domain.weeks import parse_week, previous, week_of, week_of_date, weeks_between
from bot.slack.blocks.pm_home import MAX_WEEKS, pm_home_blocks
from bot.slack.blocks.scorecard import scorecard_blocks, scorecard_text
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import reply

log = logging.getLogger(__name__)
HOME_ORDER = 60
PERMALINKS = "metrics.digest_permalinks"


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "metrics",
            "metrics [YYYY-Www]",
            "the pilot scorecard and go/no-go recommendation (this week, or the one given)",
            handler=lambda ctx: show_metrics(deps, ctx),
            roles=METRICS_VIEWERS,
        )
    )
    deps.add_home_section(HOME_ORDER, lambda session, person, now: pm_home(deps, session, person, now))


def show_metrics(deps: Deps, ctx: CommandContext) -> None:
    tz = deps.program.tz
    week = parse_week(ctx.args, tz) if ctx.args else week_of(deps.clock.now(), tz)
    with read_transaction(deps.sessions) as session:
        card = compute_scorecard(session=session, program=deps.program, week=week)
        prev = compute_scorecard(session=session, program=deps.program, week=previous(week, tz))
    verdict = recommend(card.core, week=card.week, at=deps.clock.now())
    reply(ctx.respond, scorecard_blocks(card, verdict, prev), scorecard_text(card, verdict))


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
    if not person.has_any(SCORECARD_VIEWERS):
        return []
    program, tz = deps.program, deps.program.tz
    week = week_of(now, tz)
    first = min(week_of_date(program.start_date, tz), week, key=lambda w: w.monday)
    weeks = weeks_between(first, week, tz)[-MAX_WEEKS:]
    history: list[Scorecard] = [compute_scorecard(session=session, program=program, week=w) for w in weeks]
    card = history[-1]
    posted = last_posted_digest(session=session)
    link = (posted.period, digest_url(deps, posted.channel, posted.ts)) if posted else None
    return pm_home_blocks(
        card=card,
        verdict=recommend(card.core, week=card.week, at=now),
        history=history,
        digest_link=link,
        pm_channel=program.channels.pm,
    )
