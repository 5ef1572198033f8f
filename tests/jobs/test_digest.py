"""The `digest` job end to end: ledger, dispatcher, fake Slack; PM channel post, PNG in its thread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.jobs import digest
from bot.sandbox.fakeslack import FakeSlack, validate_blocks
from tests.helpers import PILOTS_ROSTER_CSV, eventually, load_roster, texts
from tests.metrics_data import decide, incident, review, survey

TEXT_BLOCKS = ("header", "section", "context", "actions")


def text_lines(blocks: list[dict[str, Any]]) -> int:
    """Lines of text as Slack shows them: each line of a header, section, field or context element."""
    lines = 0
    for block in blocks:
        if block["type"] not in TEXT_BLOCKS:
            continue
        texts_ = [block.get("text") or {}, *block.get("fields", []), *block.get("elements", [])]
        lines += sum(len(t["text"].split("\n")) for t in texts_ if "text" in t and isinstance(t["text"], str))
        lines += block["type"] == "actions"
    return lines


PM = "C0CBPMDIGST"
MON = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # week 47, Monday 10:00 New York
FRIDAY_5PM = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)  # Friday 17:00 New York


def seed_week(casebook: Casebook) -> None:
    sessions = casebook.deps.sessions
    load_roster(sessions, datetime(2026, 11, 1, 12, 0, tzinfo=UTC), PILOTS_ROSTER_CSV)
    with transaction(sessions) as session:
        for day in range(4):
            at = MON + timedelta(days=day)
            for i, verdict in enumerate(["approve", "deny", "approve", "escalate"]):
                d = decide(
                    session, "U0PILOT", verdict=verdict, category="rollback", at=at + timedelta(minutes=i)
                )
                if i < 2:
                    review(
                        session,
                        d,
                        verdict="overturn" if (day, i) == (0, 0) else "uphold",
                        at=at + timedelta(hours=1),
                    )
            decide(session, "U0ENG1", verdict="approve", category="config_conflict", at=at)
            decide(session, "U0ENG1", kind="practice", category="rollback", outcome="correct", at=at)
        for uid, answers in (("U0ENG1", [4, 4, 4, 4]), ("U0PILOT", [5, 4, 4, 4]), ("U0ENG2", [3, 4, 4, 4])):
            survey(
                session,
                uid,
                week="2026-W47",
                answers=answers,
                confidence=4,
                at=FRIDAY_5PM - timedelta(hours=2),
            )
        for i, minutes in enumerate([15, 18, 19]):
            incident(session, "P1", minutes, opened_at=MON + timedelta(hours=i), ref=f"INC-{i}")


def test_digest_posts_block_kit_to_the_pm_channel_and_a_png_into_its_thread(
    casebook: Casebook, fake: FakeSlack, clock
) -> None:
    seed_week(casebook)
    clock.set(FRIDAY_5PM)
    assert digest.run(deps=casebook.deps, at=FRIDAY_5PM) == 3  # the post, its details and chart

    post = eventually(lambda: fake.messages_in(PM, top_level=True))[0]
    assert validate_blocks(post.blocks, limit=50) is None
    head = texts(post.blocks)
    assert "Pilot digest · week 2026-W47 (Nov 16–22)" in head
    assert "Recommendation: PAUSE" in head  # rework 1 of 8 overturned: fails
    assert "1 of 5 metrics fails: rework 12.5% (target 0%, 12.5 pts over)." in head  # one line of why
    assert "*Handling rate* 80%" in head
    assert "The chart of the five metrics is in the thread." in head
    assert text_lines(post.blocks) <= 15
    assert post.text.startswith("Pilot digest 2026-W47: PAUSE — Handling rate 80% (pass)")

    def thread() -> list[Any]:
        found = fake.messages_in(PM, thread_ts=post.ts)
        return found if len(found) == 2 else []

    replies = eventually(thread)
    (details,) = [r for r in replies if not r.files]
    (upload,) = [r for r in replies if r.files]
    assert validate_blocks(details.blocks, limit=50) is None
    body = head + texts(details.blocks)
    assert "Failed: rework 12.5% (target 0%, 12.5 pts over)" in body
    assert "rollback" in body and "config conflict" in body  # the per-category table
    assert "No decisions all week from: Bo Engineer." in body  # a red flag
    assert "1 overturned in rollback: mentor pilots on that category." in body
    assert "3 of 3 engineers responded (100%)" in body
    assert "config conflict" not in head and "3 of 3 engineers responded" not in head  # details wait
    assert len(upload.files) == 1
    stored = fake.files[upload.files[0]["id"]]
    assert stored["name"] == "casebook-metrics-2026-W47.png"
    assert stored["content"][:8] == b"\x89PNG\r\n\x1a\n"
    assert stored["length"] == len(stored["content"]) > 10_000
    assert [c.method for c in fake.calls if c.method.startswith("files.")] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]

    # Ledger rows: the digest and its child upload, both sent, keyed by the ISO week.
    # (The dispatcher records "sent" just after Slack answers: wait for it.)
    def ledger() -> list[Delivery]:
        with transaction(casebook.deps.sessions) as session:
            found = session.execute(select(Delivery).order_by(Delivery.id)).scalars().all()
        return list(found) if all(r.status == "sent" for r in found) else []

    rows = eventually(ledger)
    assert [(r.job, r.recipient, r.period, r.status) for r in rows] == [
        ("digest", PM, "2026-W47", "sent"),
        ("digest-details", PM, "2026-W47", "sent"),
        ("digest-chart", PM, "2026-W47", "sent"),
    ]
    assert rows[1].parent_id == rows[2].parent_id == rows[0].id


def test_a_second_run_for_the_same_week_sends_nothing(casebook: Casebook, fake: FakeSlack, clock) -> None:
    seed_week(casebook)
    clock.set(FRIDAY_5PM)
    assert digest.run(deps=casebook.deps, at=FRIDAY_5PM) == 3
    eventually(lambda: fake.calls_to("files.completeUploadExternal"))
    assert digest.run(deps=casebook.deps, at=FRIDAY_5PM + timedelta(minutes=5)) == 0
    casebook.deps.dispatcher.kick()
    assert casebook.deps.dispatcher.wait_idle(5)
    assert len(fake.messages_in(PM, top_level=True)) == 1


def test_an_empty_week_posts_no_data_yet_not_silence(casebook: Casebook, fake: FakeSlack, clock) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, 12, 0, tzinfo=UTC))
    clock.set(FRIDAY_5PM)
    assert digest.run(deps=casebook.deps, at=FRIDAY_5PM) == 1  # no chart: no week has data
    post = eventually(lambda: fake.messages_in(PM, top_level=True))[0]
    assert "No data yet" in texts(post.blocks)
    assert post.text == "Pilot digest 2026-W47: no data yet."
    assert fake.calls_to("files.getUploadURLExternal") == []


def test_an_empty_week_says_no_call_yet_and_what_is_missing_never_pause(
    casebook: Casebook, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, 12, 0, tzinfo=UTC), PILOTS_ROSTER_CSV)
    clock.set(FRIDAY_5PM)
    digest.run(deps=casebook.deps, at=FRIDAY_5PM)
    post = eventually(lambda: fake.messages_in(PM, top_level=True))[0]
    assert validate_blocks(post.blocks, limit=50) is None
    body = texts(post.blocks)
    assert "*Recommendation: NO CALL YET* — too little data to judge yet" in body
    assert "No call yet: needs 5 more live decisions, 3 more reviewed live decisions" in body
    assert "3 more survey responses and 3 more P1/P2 incidents" in body
    assert "PAUSE" not in body and "pause" not in body
    assert text_lines(post.blocks) <= 15
    casebook.deps.dispatcher.kick()
    assert casebook.deps.dispatcher.wait_idle(5)
    assert fake.messages_in(PM, thread_ts=post.ts) == []  # nothing to detail: the post is all


def test_an_empty_week_after_a_busy_one_posts_the_short_post_and_the_chart_only(
    casebook: Casebook, fake: FakeSlack, clock
) -> None:
    seed_week(casebook)  # week 47
    next_friday = FRIDAY_5PM + timedelta(days=7)
    clock.set(next_friday)
    assert digest.run(deps=casebook.deps, at=next_friday) == 2  # the post and the chart, no details
    post = eventually(lambda: fake.messages_in(PM, top_level=True))[0]
    body = texts(post.blocks)
    assert "Recommendation: NO CALL YET" in body and "No data yet" in body
    assert "The chart of the five metrics is in the thread." in body
    upload = eventually(lambda: fake.messages_in(PM, thread_ts=post.ts))[0]
    assert upload.files
    casebook.deps.dispatcher.kick()
    assert casebook.deps.dispatcher.wait_idle(5)
    assert len(fake.messages_in(PM, thread_ts=post.ts)) == 1


def test_the_pm_home_shows_tiles_figures_and_the_last_digest_link(
    casebook: Casebook, fake: FakeSlack, clock, slack
) -> None:
    seed_week(casebook)
    clock.set(FRIDAY_5PM)
    digest.run(deps=casebook.deps, at=FRIDAY_5PM)
    post = eventually(lambda: fake.messages_in(PM, top_level=True))[0]
    eventually(
        lambda: casebook.deps.dispatcher.wait_idle(1) and fake.calls_to("files.completeUploadExternal")
    )

    assert slack.open_home("U0PM").status == 200
    home = eventually(lambda: fake.home.get("U0PM"))
    body = texts(home["blocks"])
    assert "Pilot scorecard" in body
    assert "*Recommendation*" in body and "PAUSE" in body
    assert "2026-W47" in body and "Weekly figures" in body
    link = f"https://casebook-sandbox.slack.com/archives/{PM}/p{post.ts.replace('.', '')}"
    assert f"<{link}|Open the last digest> (2026-W47)" in body
    assert fake.calls_to("chat.getPermalink")

    assert slack.open_home("U0ENG1").status == 200
    engineer_home = eventually(lambda: fake.home.get("U0ENG1"))
    assert "Pilot scorecard" not in texts(engineer_home["blocks"])
