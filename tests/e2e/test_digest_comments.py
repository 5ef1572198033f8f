"""Issue 13: survey comments reach the digest only with the aggregate, in its thread, in random order."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from bot.app import Casebook
from bot.db.engine import transaction
from bot.domain.digest import build_digest
from bot.domain.weeks import parse_week
from bot.jobs import digest
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.e2e.test_survey_anonymity import COMMENTS, ROSTER, answer
from tests.helpers import eventually, load_roster, texts

PM = "C0CBPMDIGST"
FRIDAY_5PM = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)
WRITTEN = [COMMENTS[u] for u in ("U0ENG1", "U0PILOT", "U0ENG3")]  # in the order they were submitted


def post_and_thread(casebook: Casebook, fake: FakeSlack, clock) -> tuple[str, str]:
    clock.set(FRIDAY_5PM)
    digest.run(deps=casebook.deps, at=FRIDAY_5PM)
    post = eventually(lambda: fake.messages_in(PM, top_level=True))[0]
    thread = eventually(lambda: [m for m in fake.messages_in(PM, thread_ts=post.ts) if not m.files])
    return texts(post.blocks), texts(thread[0].blocks)


def test_two_of_three_answers_show_no_comment_anywhere(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    fake.add_user("U0ENG3", "Di Engineer", "America/New_York")
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC), ROSTER)
    for user in ("U0ENG1", "U0PILOT"):
        answer(slack, fake, user)
    head, thread = post_and_thread(casebook, fake, clock)
    for text in (head, thread):
        assert "Survey comments" not in text and "Night pages hurt" not in text and "Mentor hours" not in text
    assert "*Satisfaction* — " in thread  # no figure either


def test_comments_come_with_the_aggregate_in_the_thread_in_random_order(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    fake.add_user("U0ENG3", "Di Engineer", "America/New_York")
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC), ROSTER)
    for user in ("U0ENG1", "U0PILOT", "U0ENG3"):
        answer(slack, fake, user)
    head, thread = post_and_thread(casebook, fake, clock)
    assert not any(c in head for c in WRITTEN)  # the channel post stays short
    said = thread.split("*Survey comments*")[1]
    assert all(c in said for c in WRITTEN)
    assert "*Satisfaction* " in thread and "from 3 responses" in thread  # with the aggregate
    for name in ("Ada", "Bo", "Di", "U0ENG1", "U0PILOT", "U0ENG3"):
        assert name not in said.split("*Red flags*")[0]  # unattributed

    firsts: Counter[str] = Counter()
    with transaction(casebook.deps.sessions) as session:
        week = parse_week("2026-W47", casebook.deps.program.tz)
        for _ in range(60):
            data = build_digest(session=session, program=casebook.deps.program, week=week, at=FRIDAY_5PM)
            assert sorted(data.survey_comments) == sorted(WRITTEN)
            firsts[data.survey_comments[0]] += 1
    # Neither submission order nor text order: every comment comes first some of the time.
    assert set(firsts) == set(WRITTEN), firsts
    assert max(firsts.values()) < 45, firsts
