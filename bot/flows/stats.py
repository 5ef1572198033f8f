"""`/casebook stats [@user]`: one person's practice record, readiness and this week's live numbers.

Everything is read inside the flow's transaction into plain values, so rendering after it
closes cannot touch a detached row.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.engine import read_transaction
from bot.deps import Deps
from bot.domain.errors import Forbidden, NotFound
from bot.domain.mentees import WeekCounts, week_counts
from bot.domain.people import PersonView, get_view
from bot.domain.progress import EngineerProgress, engineer_progress
from bot.domain.vocab import REVIEWERS
from bot.domain.weeks import week_label, week_range


@dataclass(frozen=True)
class Stats:
    """What `/casebook stats` shows about one person."""

    name: str
    progress: EngineerProgress
    week: str
    counts: WeekCounts


def person_stats(*, deps: Deps, viewer: PersonView, target_slack_id: str | None) -> Stats:
    """The viewer's own stats, or someone else's for mentors, leads and admins."""
    target_id = target_slack_id or viewer.slack_user_id
    if target_id != viewer.slack_user_id and not viewer.has_any(REVIEWERS):
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
    return Stats(name=target.name, progress=progress, week=week, counts=counts)
