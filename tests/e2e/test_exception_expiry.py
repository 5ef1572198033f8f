"""Issue 18 item 5 over HTTP: an approval's expiry is registered, asked about at expiry, and a "no"
is delayed rework shown to the mentor (DM and Home) and counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.db.engine import transaction
from bot.db.models import Decision, Delivery
from bot.db.models_review2 import ExceptionEntry
from bot.domain.digest import build_digest
from bot.domain.exception_register import delayed_rework_count, exceptions_register_report
from bot.domain.weeks import week_of
from bot.flows.expiry import MENTOR_JOB, QUESTION_JOB
from bot.jobs import exception_expiry
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.blocks.digest import reviews_text
from bot.slack.ids import Action, Callback
from tests.helpers import eventually, load_roster, texts
from tests.live_support import GOOD, latest_view, max_view, open_log_modal

# The conftest clock starts Tue 17 Nov 2026, 09:00 New York; GOOD's conditions say "Expires in 48 h".
EXPIRY_DAY = datetime(2026, 11, 19, 14, 0, tzinfo=UTC)  # Thu 09:00 New York


def _log(slack: Simulator, fake: FakeSlack, casebook, user: str, **overrides: str) -> int:
    view_id = open_log_modal(slack, fake, user)
    assert slack.submit(user, view_id, {**GOOD, **overrides}).status == 200
    with transaction(casebook.deps.sessions) as session:
        return int(session.execute(select(func.max(Decision.id))).scalar_one())


def _entry(casebook, decision_id: int) -> ExceptionEntry | None:
    with transaction(casebook.deps.sessions) as session:
        row = session.execute(
            select(ExceptionEntry).where(ExceptionEntry.decision_id == decision_id)
        ).scalar_one_or_none()
        if row is not None:
            session.expunge(row)
        return row


def _count(casebook, job: str) -> int:
    with transaction(casebook.deps.sessions) as session:
        return int(session.execute(select(func.count(Delivery.id)).where(Delivery.job == job)).scalar_one())


def _question(fake: FakeSlack, user: str, decision_id: int):
    return eventually(
        lambda: [m for m in fake.dms_to(user) if f"exception #{decision_id} expired" in m.text]
    )[0]


def _answer(slack: Simulator, fake: FakeSlack, user: str, dm, values: dict) -> tuple[str, dict]:
    button = next(e for b in dm.blocks if b["type"] == "actions" for e in b["elements"])
    before = max_view(fake)
    slack.click(
        user,
        action_id=Action.EXPIRY_ANSWER,
        value=button["value"],
        block_id="expiry_actions",
        channel=dm.channel,
        message_ts=dm.ts,
    )
    view_id, _ = latest_view(fake, Callback.EXPIRY, after=before)
    return view_id, slack.submit(user, view_id, values).json or {}


def test_expired_approval_answered_no_is_delayed_rework_for_the_mentor(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    approval = _log(slack, fake, casebook, "U0ENG1")
    later = _log(
        slack,
        fake,
        casebook,
        "U0ENG2",
        title="orders-db: keep old TLS for a partner",
        conditions="Allowed until 2099-01-01; rollback by re-enabling the TLS floor",
    )
    denied = _log(slack, fake, casebook, "U0ENG1", verdict="deny", title="billing: skip canary this once")
    entry = _entry(casebook, approval)
    assert entry is not None and entry.expires_on == date(2026, 11, 19) and entry.expiry_text == "in 48 h"
    assert _entry(casebook, later).expires_on == date(2099, 1, 1)  # type: ignore[union-attr]
    assert _entry(casebook, denied) is None  # only approvals are exceptions with an end

    # The day before: nothing is due.
    assert exception_expiry.run(deps=casebook.deps, at=EXPIRY_DAY - timedelta(days=1)) == 0
    clock.set(EXPIRY_DAY)
    assert exception_expiry.run(deps=casebook.deps, at=EXPIRY_DAY) == 1
    assert exception_expiry.run(deps=casebook.deps, at=EXPIRY_DAY + timedelta(hours=3)) == 0  # asked once
    dm = _question(fake, "U0ENG1", approval)
    body = texts(dm.blocks)
    assert "Were the conditions met?" in body and "rolled back, made permanent, or extended" in body
    assert "Expires in 48 h; rollback is scaling back to 3 replicas" in body
    assert _entry(casebook, approval).status == "asked"  # type: ignore[union-attr]

    # Someone else can't answer it; an incomplete form says what's missing.
    button = next(e for b in dm.blocks if b["type"] == "actions" for e in b["elements"])
    slack.click(
        "U0ENG2", action_id=Action.EXPIRY_ANSWER, value=button["value"], channel=dm.channel, message_ts=dm.ts
    )
    eventually(lambda: any("Only the engineer who approved" in (r.get("text") or "") for r in fake.responses))
    view_id, refused = _answer(slack, fake, "U0ENG1", dm, {})
    assert refused["response_action"] == "errors"
    assert (
        "Yes or No" in refused["errors"]["expiry_met"]
        and "rolled back" in refused["errors"]["expiry_outcome"]
    )

    answer = {
        "expiry_met": "no",
        "expiry_outcome": "rolled_back",
        "expiry_note": "Load test ran two days over.",
    }
    assert "response_action" not in slack.submit("U0ENG1", view_id, answer).json
    answered = _entry(casebook, approval)
    assert answered is not None and answered.status == "answered" and answered.delayed_rework is True
    assert answered.conditions_met is False and answered.outcome == "rolled_back"

    notice = eventually(lambda: [m for m in fake.dms_to("U0MENTOR") if "Delayed rework" in m.text])[0]
    notice_body = texts(notice.blocks)
    assert (
        f"#{approval}" in notice_body and "<@U0ENG1>" in notice_body and "conditions *not met*" in notice_body
    )
    slack.open_home("U0MENTOR")
    home = eventually(
        lambda: (h := fake.home.get("U0MENTOR")) and "Delayed rework (1)" in texts(h["blocks"]) and h
    )
    assert f"#{approval}" in texts(home["blocks"]) and "Load test ran two days over." in texts(home["blocks"])
    with transaction(casebook.deps.sessions) as session:
        week_start = EXPIRY_DAY - timedelta(days=3)
        assert delayed_rework_count(
            session=session, start=week_start, end=EXPIRY_DAY + timedelta(days=1)
        ) == (1, 1)

        report = exceptions_register_report(session=session)
    assert (report.open, report.asked, report.answered, report.delayed_rework) == (1, 0, 1, 1)
    assert [e.decision_id for e in report.entries] == [approval, later]  # soonest expiry first
    # The PM digest's review line carries the week's figure.
    program = casebook.deps.program
    with transaction(casebook.deps.sessions) as session:
        digest = build_digest(
            session=session, program=program, week=week_of(EXPIRY_DAY, program.tz), at=EXPIRY_DAY
        )
    assert "*Delayed rework:* 1 of 1 expired exceptions had unmet conditions" in reviews_text(digest)

    # A replayed submission changes nothing and tells the mentor once.
    slack.submit("U0ENG1", view_id, {"expiry_met": "yes", "expiry_outcome": "permanent"})
    assert _entry(casebook, approval).delayed_rework is True  # type: ignore[union-attr]
    casebook.deps.dispatcher.wait_idle()
    assert _count(casebook, MENTOR_JOB) == 1 and _count(casebook, QUESTION_JOB) == 1


def test_conditions_met_and_rolled_back_is_not_rework(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    approval = _log(
        slack, fake, casebook, "U0ENG2", conditions="Expires tomorrow; rollback by scaling back to 3 replicas"
    )
    clock.advance(timedelta(days=1))
    assert exception_expiry.run(deps=casebook.deps, at=clock.now()) == 1
    dm = _question(fake, "U0ENG2", approval)
    _, reply = _answer(slack, fake, "U0ENG2", dm, {"expiry_met": "yes", "expiry_outcome": "rolled_back"})
    assert "response_action" not in reply
    entry = eventually(lambda: (e := _entry(casebook, approval)) and e.status == "answered" and e)
    assert entry.delayed_rework is False
    eventually(lambda: [m for m in fake.dms_to("U0ENG2") if "Recorded how exception" in m.text])
    casebook.deps.dispatcher.wait_idle()
    assert _count(casebook, MENTOR_JOB) == 0
    assert not [m for m in fake.dms_to("U0MENTOR") if "Delayed rework" in m.text]
