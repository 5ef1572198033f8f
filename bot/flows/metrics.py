"""Reading the pilot's metrics from Slack: a week's scorecard, and the PM's App Home section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.engine import read_transaction
from bot.deps import Deps
from bot.domain.digest import PostedDigest, last_posted_digest
from bot.domain.gonogo import Verdict, recommend
from bot.domain.metrics import Scorecard, compute_scorecard
from bot.domain.people import PersonView
from bot.domain.vocab import SCORECARD_VIEWERS
from bot.domain.weeks import Week, previous, week_of, week_of_date, weeks_between
from bot.flows.links import message_url
from bot.program import Program
from bot.slack.blocks.pm_home import MAX_WEEKS, pm_home_blocks


@dataclass(frozen=True)
class WeekScorecard:
    """A week's scorecard, the week before it (for the trend) and the go/no-go recommendation."""

    card: Scorecard
    previous: Scorecard
    verdict: Verdict


def week_scorecard(*, deps: Deps, week: Week) -> WeekScorecard:
    """The scorecard of ``week`` (read-only)."""
    program = deps.program
    with read_transaction(deps.sessions) as session:
        card = compute_scorecard(session=session, program=program, week=week)
        prev = compute_scorecard(session=session, program=program, week=previous(week, program.tz))
    return WeekScorecard(card, prev, recommend(card.core, week=card.week, at=deps.clock.now()))


@dataclass(frozen=True)
class PmOverview:
    """This week's scorecard with the weeks before it, and the last digest that was posted."""

    history: list[Scorecard]
    verdict: Verdict
    posted: PostedDigest | None

    @property
    def card(self) -> Scorecard:
        return self.history[-1]


def pm_overview(*, session: Session, program: Program, now: datetime, max_weeks: int) -> PmOverview:
    """Scorecards from the program's start (at most ``max_weeks``) up to this week, in ``session``."""
    tz = program.tz
    week = week_of(now, tz)
    first = min(week_of_date(program.start_date, tz), week, key=lambda w: w.monday)
    weeks = weeks_between(first, week, tz)[-max_weeks:]
    history = [compute_scorecard(session=session, program=program, week=w) for w in weeks]
    verdict = recommend(history[-1].core, week=history[-1].week, at=now)
    return PmOverview(history, verdict, last_posted_digest(session=session))


def pm_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """App Home for PMs, leads and admins: the metric tiles, the trend and the last digest's link."""
    if not person.has_any(SCORECARD_VIEWERS):
        return []
    overview = pm_overview(session=session, program=deps.program, now=now, max_weeks=MAX_WEEKS)
    posted = overview.posted
    link = (posted.period, message_url(deps, posted.channel, posted.ts)) if posted else None
    return pm_home_blocks(
        card=overview.card,
        verdict=overview.verdict,
        history=overview.history,
        digest_link=link,
        pm_channel=deps.program.channels.pm,
    )
