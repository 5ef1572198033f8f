"""Issue 13: too little data is "no call yet" (what is missing, and when at this pace), never PAUSE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import Casebook
from bot.db.engine import transaction
from bot.domain.gonogo import Recommendation, recommend
from bot.domain.grading import Metric, Op, Status
from bot.domain.weeks import parse_week
from bot.sandbox.simulator import Simulator
from tests.helpers import load_roster, reply_to, texts
from tests.metrics_data import decide


def test_an_empty_week_is_no_call_yet_saying_what_is_missing(
    casebook: Casebook, slack: Simulator, fake, clock
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    response = reply_to(slack, fake, "U0PM", "metrics")
    body = texts(response["blocks"])
    assert "Recommendation: NO CALL YET" in body
    assert "PAUSE" not in body and "pause" not in body
    assert "No call yet: needs 5 more live decisions, 3 more reviewed live decisions" in body
    assert "3 more survey responses and 3 more P1/P2 incidents" in body
    assert "nothing has come in yet this week to judge the pace by" in body
    assert response["text"].startswith("Pilot scorecard 2026-W47: NO CALL YET.")


def test_week_12_metrics_appear_from_week_12(casebook: Casebook, slack: Simulator, fake, clock) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    week11 = texts(reply_to(slack, fake, "U0PM", "metrics 2026-W47")["blocks"])
    earlier = texts(reply_to(slack, fake, "U0PM", "metrics 2026-W40")["blocks"])
    week12 = texts(reply_to(slack, fake, "U0PM", "metrics 2026-W48")["blocks"])
    assert "Week-12 metrics" not in week11 and "Adoption" not in week11
    assert "Week-12 metrics" not in earlier and ":red_circle: *Adoption*" not in earlier
    assert "Week-12 metrics" in week12 and "*Adoption*" in week12


def test_no_call_yet_says_when_at_this_pace(casebook: Casebook, slack: Simulator, fake, clock) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    with transaction(casebook.deps.sessions) as session:
        for i in range(2):  # two live decisions in the 33 hours since Monday 00:00 New York time
            decide(session, "U0PILOT", at=clock.now() - timedelta(hours=i))
    body = texts(reply_to(slack, fake, "U0PM", "metrics")["blocks"])
    assert "Recommendation: NO CALL YET" in body
    assert "needs 3 more live decisions" in body


def _metric(key: str, status: Status, sample: int, noun: str) -> Metric:
    return Metric(
        key, key.capitalize(), status, None, 0.7, Op.ABOVE, "ratio", sample, 5, "d", sample_noun=noun
    )


def test_the_pace_names_a_day_or_says_not_this_week() -> None:
    week = parse_week("2026-W47", UTC)
    tuesday = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)  # 33 h into the week
    two_of_five = [_metric("handling", Status.INSUFFICIENT, 2, "live decision")]
    verdict = recommend(two_of_five, week=week, at=tuesday)
    assert verdict.recommendation is Recommendation.NO_CALL
    assert verdict.summary == "No call yet: needs 3 more live decisions; at this pace by Thursday."
    one_of_five = [_metric("handling", Status.INSUFFICIENT, 1, "live decision")]
    late = recommend(one_of_five, week=week, at=tuesday + timedelta(days=1))  # 1 in 57 h, 4 to go
    assert late.summary.endswith("at this pace not before the week ends.")
    over = recommend(one_of_five, week=week, at=week.end + timedelta(days=1))
    assert over.summary.endswith("the week ended without it.")
    failing = [_metric("handling", Status.FAIL, 9, "live decision"), *two_of_five]
    assert recommend(failing, week=week, at=tuesday).recommendation is Recommendation.PAUSE
