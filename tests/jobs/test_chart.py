"""The digest chart renders for any history, including weeks without data."""

from __future__ import annotations

from bot.domain.facts import IncidentFacts, LiveFacts, PeopleFacts, ReviewFacts, SurveyFacts, WeekFacts
from bot.domain.incidents import Baseline
from bot.domain.metrics import scorecard_from_facts
from bot.domain.weeks import parse_week
from bot.jobs.chart import chart_alt_text, chart_png


def empty_card(program, label: str):
    facts = WeekFacts(
        week=parse_week(label, program.tz),
        live=LiveFacts(0, 0, ()),
        practice_decisions=0,
        reviews=ReviewFacts(0, 0),
        survey=SurveyFacts(0, 0, 0, 0, 0, 0),
        incidents=IncidentFacts(
            week={"P1": (0, None), "P2": (0, None)},
            baselines={"P1": Baseline("P1", 18, "config", 0), "P2": Baseline("P2", 95, "config", 0)},
        ),
        people=PeopleFacts(engineers=0, adopted=0, leavers_total=0, leavers_this_week=()),
    )
    return scorecard_from_facts(facts, program)


def test_a_week_without_data_still_draws_a_png(program) -> None:
    card = empty_card(program, "2026-W45")
    assert card.empty
    png = chart_png([card], program=program, title="pilot")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart_alt_text([card]).startswith("Five pilot metrics against target for 2026-W45.")
