"""The review-reminder job: overdue decisions, once per reviewer per local day, routed when needed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.domain.people import find_by_slack_id
from bot.domain.reviews import record_review
from bot.jobs import review_reminder
from tests.helpers import eventually, load_roster, texts
from tests.live_support import make_decision


@pytest.fixture
def sessions_(casebook, clock):
    load_roster(casebook.deps.sessions, clock.now())
    return casebook.deps.sessions


def _reminders(sessions) -> list[Delivery]:
    with transaction(sessions) as session:
        return list(session.execute(select(Delivery).where(Delivery.job == "review-reminder")).scalars())


def test_mentor_gets_one_reminder_a_day_with_overdue_decisions(casebook, sessions_, fake, clock) -> None:
    start = clock.now()
    old = make_decision(sessions_, now=start - timedelta(hours=30), title="payments floor", user="U0ENG2")
    older = make_decision(sessions_, now=start - timedelta(hours=50), title="orders rollback")
    make_decision(sessions_, now=start - timedelta(hours=2), title="fresh one")
    reviewed = make_decision(sessions_, now=start - timedelta(hours=60), title="already reviewed")
    with transaction(sessions_) as session:
        record_review(
            session=session,
            now=start,
            decision_id=reviewed,
            reviewer_slack_id="U0LEAD",
            verdict="uphold",
            comment=None,
            suggested_verdict=None,
        )

    assert review_reminder.run(deps=casebook.deps, at=start) == 1

    dm = eventually(lambda: [m for m in fake.dms_to("U0MENTOR") if "waiting longer" in m.text])[0]
    body = texts(dm.blocks)
    assert "2 decisions waiting longer than 24 h" in body
    assert body.index(f"#{older} ") < body.index(f"#{old} ")
    assert "fresh one" not in body and "already reviewed" not in body
    assert "waiting *2 d 2 h*" in body
    [delivery] = _reminders(sessions_)
    assert (delivery.recipient, delivery.period) == ("U0MENTOR", "2026-11-17")

    # The same day again (a rerun, a restart, a second replica): nothing new.
    assert review_reminder.run(deps=casebook.deps, at=start + timedelta(hours=6)) == 0
    # The mentor's next local day: reminded again.
    assert review_reminder.run(deps=casebook.deps, at=start + timedelta(days=1)) == 1
    assert sorted(d.period for d in _reminders(sessions_)) == ["2026-11-17", "2026-11-18"]


def test_nothing_overdue_sends_nothing(casebook, sessions_, clock) -> None:
    make_decision(sessions_, now=clock.now() - timedelta(hours=23))
    assert review_reminder.run(deps=casebook.deps, at=clock.now()) == 0
    assert _reminders(sessions_) == []


def test_sla_is_configurable(casebook, sessions_, clock) -> None:
    make_decision(sessions_, now=clock.now() - timedelta(hours=5))
    thresholds = casebook.deps.program.thresholds.model_copy(update={"review_sla_hours": 4})
    casebook.deps.program = casebook.deps.program.model_copy(update={"thresholds": thresholds})
    assert review_reminder.run(deps=casebook.deps, at=clock.now()) == 1


def test_out_of_office_or_missing_mentor_routes_to_leads(casebook, sessions_, fake, clock) -> None:
    with transaction(sessions_) as session:
        mentor = find_by_slack_id(session=session, slack_user_id="U0MENTOR")
        mentor.ooo_until = date(2026, 11, 20)
    make_decision(sessions_, now=clock.now() - timedelta(hours=30), user="U0ENG1")
    make_decision(sessions_, now=clock.now() - timedelta(hours=30), user="U0LEAD", title="the lead's own")

    assert review_reminder.run(deps=casebook.deps, at=clock.now()) == 1

    [delivery] = _reminders(sessions_)
    # The lead's local day (Europe/Berlin) is the period; their own decision is not in it.
    assert (delivery.recipient, delivery.period) == ("U0LEAD", "2026-11-17")
    assert "the lead's own" not in texts(delivery.payload["blocks"])
    eventually(lambda: [m for m in fake.dms_to("U0LEAD") if "waiting longer" in m.text])
    assert not [m for m in fake.dms_to("U0MENTOR") if "waiting longer" in m.text]


def test_local_day_decides_the_period(casebook, sessions_, clock) -> None:
    """23:30 in New York is already the next day in Berlin: periods follow each reviewer's calendar."""
    late = clock.now().replace(hour=4, minute=30) + timedelta(days=1)  # 23:30 NY, 05:30 Berlin
    make_decision(sessions_, now=late - timedelta(hours=30), user="U0ENG1")
    make_decision(sessions_, now=late - timedelta(hours=30), user="U0MENTOR", title="mentor's own")
    assert review_reminder.run(deps=casebook.deps, at=late) == 2
    periods = {d.recipient: d.period for d in _reminders(sessions_)}
    assert periods == {"U0MENTOR": "2026-11-17", "U0LEAD": "2026-11-18"}


def test_practice_reviews_are_listed_apart_after_the_live_ones(casebook, sessions_, fake, clock) -> None:
    """Issue 12: the reminder leads with live decisions; practice reviews are optional and separate."""
    start = clock.now()
    practice = make_decision(
        sessions_, now=start - timedelta(hours=60), title="practice rollback", kind="practice"
    )
    live = make_decision(sessions_, now=start - timedelta(hours=30), title="live payments floor")
    assert review_reminder.run(deps=casebook.deps, at=start) == 1
    dm = eventually(lambda: [m for m in fake.dms_to("U0MENTOR") if "waiting longer" in m.text])[0]
    body = texts(dm.blocks)
    assert "1 decision waiting longer than 24 h" in body, "the count is the live queue's"
    live_part, practice_part = body.split("Practice reviews (optional): 1")
    assert f"#{live} " in live_part and f"#{practice} " not in live_part
    assert f"#{practice} " in practice_part
