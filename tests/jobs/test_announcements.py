"""Announcements from the program config: program-time, once per occurrence, stale ones missed."""

from __future__ import annotations

from datetime import date

from bot.app import Casebook
from bot.sandbox.fakeslack import FakeSlack
from tests.jobs.conftest import NY, ledger, local

MONDAY, FRIDAY = date(2026, 11, 16), date(2026, 11, 20)


def test_office_hours_and_wrap_up_post_once_each(roster: Casebook, run_at, fake: FakeSlack) -> None:
    run_at("announcements", local(MONDAY, "13:59", NY))
    assert fake.messages_in("C0CBANNOUNC") == []
    run_at("announcements", local(MONDAY, "14:01", NY))
    run_at("announcements", local(MONDAY, "14:20", NY))
    run_at("announcements", local(FRIDAY, "14:00", NY))
    run_at("announcements", local(FRIDAY, "17:00", NY))
    run_at("announcements", local(FRIDAY, "17:10", NY))
    posts = fake.messages_in("C0CBANNOUNC", top_level=True)
    assert [p.text[:25] for p in posts] == [
        ":raising_hand: Mentor off",
        ":raising_hand: Mentor off",
        ":checkered_flag: Weekly w",
    ]
    periods = sorted(d.period for d in ledger(roster, "announcements") if d.status == "sent")
    assert periods == ["office-hours:2026-11-16", "office-hours:2026-11-20", "wrap-up:2026-11-20"]
    # The wrap-up alone gets its lessons thread (issue 17), once.
    (thread,) = fake.messages_in("C0CBANNOUNC", thread_ts=posts[2].ts)
    assert [d.period for d in ledger(roster, "wrap-up-lessons")] == ["wrap-up:2026-11-20"]
    assert "What went well" in str(thread.blocks)


def test_a_stale_announcement_is_missed_not_posted(roster: Casebook, run_at, fake: FakeSlack) -> None:
    # Wednesday's office hours were due at 14:00; the scheduler only came back at 15:00.
    run_at("announcements", local(date(2026, 11, 18), "15:00", NY))
    assert fake.messages_in("C0CBANNOUNC") == []
    rows = {d.period: d.status for d in ledger(roster, "announcements")}
    assert rows["office-hours:2026-11-18"] == "missed"
    assert "office-hours:2026-11-16" not in rows  # Monday's is beyond the two-day look-back
