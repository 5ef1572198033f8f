"""The digest's data: changes since last week and each red flag on hand-built weeks."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.attrition import mark_left
from bot.domain.digest import DigestData, build_digest
from bot.domain.weeks import parse_week
from bot.program import Program
from bot.sandbox.fakeslack import validate_blocks
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.digest import digest_blocks, digest_details_blocks, digest_text
from tests.helpers import PILOTS_ROSTER_CSV, load_roster
from tests.metrics_data import decide, person, review, survey

W45 = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # Mondays, 10:00 New York
W46 = W45 + timedelta(days=7)
W47 = W45 + timedelta(days=14)
FRIDAY = W47 + timedelta(days=4, hours=7)


@pytest.fixture
def db(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    load_roster(sessions, datetime(2026, 10, 26, 12, 0, tzinfo=UTC), PILOTS_ROSTER_CSV)
    return sessions


def digest(sessions, program: Program, at: datetime = FRIDAY) -> DigestData:
    with transaction(sessions) as session:
        return build_digest(session=session, program=program, week=parse_week("2026-W47", program.tz), at=at)


def week_of_calls(
    sessions, monday: datetime, escalated: int, *, total: int = 10, reviewed: bool = True
) -> None:
    with transaction(sessions) as session:
        for uid in ("U0ENG1", "U0ENG2", "U0PILOT"):
            for i in range(total):
                d = decide(
                    session,
                    uid,
                    verdict="escalate" if i < escalated else "approve",
                    at=monday + timedelta(minutes=i),
                )
                if reviewed:
                    review(session, d, at=monday + timedelta(hours=2))


def flags(data: DigestData) -> dict[str, str]:
    return {flag.key: flag.text for flag in data.red_flags}


def test_escalation_rising_two_weeks_running(db, program) -> None:
    week_of_calls(db, W45, 1)
    week_of_calls(db, W46, 2)
    week_of_calls(db, W47, 3)
    data = digest(db, program)
    assert flags(data)["escalation_rising"] == "Escalation rate rising two weeks running: 10% → 20% → 30%."
    first = data.rows[0]
    assert first.metric.key == "handling_rate"
    assert first.previous is not None and first.previous.value == pytest.approx(0.8)
    assert [c.week.label for c in data.history] == ["2026-W45", "2026-W46", "2026-W47"]


def test_escalation_up_then_down_is_not_a_flag(db, program) -> None:
    week_of_calls(db, W45, 1)
    week_of_calls(db, W46, 3)
    week_of_calls(db, W47, 2)
    assert "escalation_rising" not in flags(digest(db, program))


def test_satisfaction_falling(db, program) -> None:
    week_of_calls(db, W47, 1)
    with transaction(db) as session:
        for uid, now in (("U0ENG1", 3), ("U0ENG2", 4), ("U0PILOT", 3)):
            survey(session, uid, week="2026-W46", answers=[4, 4, 4, 4], at=W46)
            survey(session, uid, week="2026-W47", answers=[now] * 4, at=W47)
    found = flags(digest(db, program))
    assert found["satisfaction_falling"] == "Satisfaction fell from 4.00 to 3.33."
    assert "low_survey_response" not in found


def test_a_skipped_survey_is_flagged_but_one_answer_is_no_trend(db, program) -> None:
    week_of_calls(db, W47, 1)
    with transaction(db) as session:
        for uid in ("U0ENG1", "U0ENG2", "U0PILOT"):
            survey(session, uid, week="2026-W46", answers=[4, 4, 4, 4], at=W46)
        survey(session, "U0ENG1", week="2026-W47", answers=[3, 3, 3, 3], at=W47)
    found = flags(digest(db, program))
    assert found["low_survey_response"] == "Only 1 of 3 engineers answered the survey (33.3%)."
    assert "satisfaction_falling" not in found  # one response is too few to call a trend


def test_reviews_not_happening(db, program) -> None:
    week_of_calls(db, W47, 1, total=2, reviewed=False)
    data = digest(db, program)
    found = flags(data)
    assert (
        found["reviews_overdue"] == "6 decisions have waited more than 24 h for a review (oldest 4.3 days)."
    )
    assert found["no_reviews"] == "No reviews were recorded this week; 6 waiting."
    assert (data.reviews.overdue, data.reviews.pending, data.reviews.reviewed_this_week) == (6, 6, 0)


def test_idle_engineer_and_a_leaver(db, program) -> None:
    with transaction(db) as session:
        decide(session, "U0ENG1", at=W47)
        decide(session, "U0PILOT", kind="practice", outcome="correct", at=W47)
        mark_left(
            session=session,
            now=W47,
            actor="U0ADMIN",
            person=person(session, "U0ENG2"),
            left_at=W47 + timedelta(days=2),
            reason="joined the <!channel> SRE team",
        )
    data = digest(db, program)
    found = flags(data)
    assert "idle_engineers" not in found  # the leaver is not idle, the pilot practised
    assert found["attrition"] == "Bo Engineer left the program on Nov 18 (joined the <!channel> SRE team)."
    blocks = to_dicts(digest_blocks(data, chart=True))
    assert validate_blocks(blocks, limit=50) is None
    body = str(blocks)
    assert "joined the &lt;!channel&gt; SRE team" in body and "<!channel>" not in body
    assert digest_text(data).startswith("Pilot digest 2026-W47: PAUSE")


def test_many_categories_still_fit_one_valid_message(db, program) -> None:
    with transaction(db) as session:
        for i in range(30):
            decide(session, "U0ENG1", category=f"category_<{i}>_" + "x" * 40, at=W47)
    blocks = to_dicts(digest_details_blocks(digest(db, program)))  # the table is in the thread
    assert validate_blocks(blocks, limit=50) is None
    assert "… and 10 more categories" in str(blocks)
    assert "category &lt;0&gt;" in str(blocks)


W48 = W47 + timedelta(days=7)  # week 12: the switchover


def test_a_crowded_week_12_post_stays_within_15_lines_and_the_rest_is_in_the_thread(db, program) -> None:
    from tests.jobs.test_digest import text_lines

    with transaction(db) as session:
        for i in range(3):  # unreviewed and overturned live decisions, one engineer idle, one leaving
            d = decide(session, "U0ENG1", category=f"cat_{i}", at=W48 + timedelta(minutes=i))
            review(session, d, verdict="overturn", at=W48 + timedelta(hours=1))
            decide(session, "U0PILOT", category="rollback", at=W48 - timedelta(days=3))
        mark_left(
            session=session,
            now=W48,
            actor="U0ADMIN",
            person=person(session, "U0ENG2"),
            left_at=W48,
            reason="moved team",
        )
        survey(session, "U0ENG1", week="2026-W48", answers=[2, 2, 2, 2], at=W48)
    with transaction(db) as session:
        week = parse_week("2026-W48", program.tz)
        data = build_digest(session=session, program=program, week=week, at=W48 + timedelta(days=4, hours=7))
    assert len(data.red_flags) > 3 and data.week12_rows
    post, thread = to_dicts(digest_blocks(data, chart=True)), to_dicts(digest_details_blocks(data))
    assert validate_blocks(post, limit=50) is None and validate_blocks(thread, limit=50) is None
    assert text_lines(post) <= 15, text_lines(post)
    head, details = str(post), str(thread)
    assert [f.key for f in data.top_flags] == ["attrition", "overturns_in_category", "overturns_in_category"]
    assert f"*Red flags* (top 3 of {len(data.red_flags)})" in head
    assert all(flag.text in details for flag in data.red_flags)  # the full list is in the thread
    assert data.red_flags[-1].text not in head
    assert "Week-12 metrics: " in head and "(in the thread)" in head
    assert "*Week-12 metrics*" in details and "*By category*" in details and "*By category*" not in head
    assert f"all {len(data.red_flags)} red flags" in head


def test_comments_are_shuffled_by_a_generator_the_answers_do_not_seed() -> None:
    from collections import Counter

    from bot.domain.digest import shuffled

    written = (
        "a: first written",
        "b: second",
        "c: third",
        "d: last written",
    )  # text order = submission order
    firsts = Counter(shuffled(written)[0] for _ in range(2000))
    assert set(firsts) == set(written)
    assert all(350 < n < 650 for n in firsts.values()), firsts  # each first about a quarter of the time
    orders = {shuffled(written) for _ in range(500)}
    assert len(orders) > 12  # of the 24 possible orders; a sort or a content-derived seed gives one
    rng_a, rng_b = random.Random(1), random.Random(1)
    assert shuffled(written, rng_a) == shuffled(written, rng_b)  # tests can pin the order with a seed


def test_many_long_comments_full_of_markup_still_fit_one_valid_section() -> None:
    from bot.slack.blocks.digest import comments_text

    text = comments_text(tuple("<&>" * 100 for _ in range(12)))
    assert len(text) <= 3000
    assert "<&>" not in text and "&lt;&amp;&gt;" in text
    assert text.endswith("more")  # says that some were left out
