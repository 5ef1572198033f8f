"""The metrics flows on their own: a week's scorecard and the PM's App Home overview."""

from __future__ import annotations

from bot.app import Casebook
from bot.db.engine import read_transaction
from bot.domain.weeks import parse_week, week_of
from bot.flows.metrics import pm_overview, week_scorecard


def test_a_weeks_scorecard_comes_with_the_week_before_and_a_verdict(casebook: Casebook) -> None:
    deps = casebook.deps
    week = parse_week("2026-W47", deps.program.tz)
    shown = week_scorecard(deps=deps, week=week)
    assert shown.card.week == week
    assert shown.previous.week.monday < week.monday
    assert shown.verdict.recommendation


def test_the_pm_overview_keeps_at_most_the_weeks_asked_for(casebook: Casebook) -> None:
    deps = casebook.deps
    now = deps.clock.now()
    with read_transaction(deps.sessions) as session:
        full = pm_overview(session=session, program=deps.program, now=now, max_weeks=12)
        one = pm_overview(session=session, program=deps.program, now=now, max_weeks=1)
    assert len(full.history) == 3  # program start (2026-W45) to this week (2026-W47)
    assert [c.week for c in one.history] == [week_of(now, deps.program.tz)] == [full.card.week]
    assert full.posted is None  # no digest has been posted yet
