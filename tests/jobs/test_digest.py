"""The `digest` job end to end: ledger, dispatcher, fake Slack; PM channel post, PNG in its thread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.jobs import digest
from bot.sandbox.fakeslack import FakeSlack, validate_blocks
from tests.helpers import PILOTS_ROSTER_CSV, eventually, load_roster, texts
from tests.metrics_data import decide, incident, review, survey

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
    assert digest.run(deps=casebook.deps, at=FRIDAY_5PM) == 2

    post = eventually(lambda: fake.messages_in(PM, top_level=True))[0]
    assert validate_blocks(post.blocks, limit=50) is None
    body = texts(post.blocks)
    assert "Pilot digest · week 2026-W47 (Nov 16–22)" in body
    assert "Recommendation: PAUSE" in body  # rework 1 of 8 overturned: fails
    assert "Failed: rework 12.5% (target 0%, 12.5 pts over)" in body
    assert "*Handling rate* 80%" in body
    assert "rollback" in body and "config conflict" in body  # the per-category table
    assert "No decisions all week from: Bo Engineer." in body  # a red flag
    assert "1 overturned in rollback: mentor pilots on that category." in body
    assert "3 of 3 engineers responded (100%)" in body
    assert post.text.startswith("Pilot digest 2026-W47: PAUSE — Handling rate 80% (pass)")

    upload = eventually(lambda: fake.messages_in(PM, thread_ts=post.ts))[0]
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
        ("digest-chart", PM, "2026-W47", "sent"),
    ]
    assert rows[1].parent_id == rows[0].id


def test_a_second_run_for_the_same_week_sends_nothing(casebook: Casebook, fake: FakeSlack, clock) -> None:
    seed_week(casebook)
    clock.set(FRIDAY_5PM)
    assert digest.run(deps=casebook.deps, at=FRIDAY_5PM) == 2
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
