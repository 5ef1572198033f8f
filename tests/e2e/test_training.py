"""End to end: a training day's check-ins, a mentor's correction, labs and Week-10 sign-offs,
as App Home and the digest show them (issue 17, item 1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import Casebook
from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import AuditEvent
from bot.db.models_training import TrainingAttendance
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.metadata import LabValue, MilestoneValue
from tests.helpers import eventually, load_roster, press, texts
from tests.jobs.conftest import NY, ledger, local, runner
from tests.metrics_data import decide

MONDAY = date(2026, 11, 2)  # week 9, the first training day


@pytest.fixture
def run_at(casebook: Casebook, clock: FixedClock) -> Callable[[str, datetime], int]:
    return runner(casebook, clock)


def _checkin(slack: Simulator, fake: FakeSlack, user: str, session_id: str, action: str) -> int:
    """Click a button on ``user``'s check-in DM for ``session_id``; returns the responses count before."""
    dm = next(m for m in fake.dms_to(user) if session_id in json.dumps(m.blocks))
    count = len(fake.responses)
    press(slack, user, dm, action)
    return count


def _reply_after(fake: FakeSlack, count: int) -> str:
    response = eventually(lambda: fake.responses[count] if len(fake.responses) > count else None)
    return texts(response.get("blocks") or []) or str(response.get("text"))


def _command(slack: Simulator, fake: FakeSlack, user: str, text: str) -> str:
    count = len(fake.responses)
    assert slack.command(user, text).status == 200
    return _reply_after(fake, count)


def _home(slack: Simulator, fake: FakeSlack, user: str) -> str:
    fake.home.pop(user, None)
    slack.open_home(user)
    return texts(eventually(lambda: fake.home.get(user))["blocks"])


def _attendance(casebook: Casebook) -> dict[tuple[int, str], tuple[str, str]]:
    with transaction(casebook.deps.sessions) as session:
        rows = session.execute(select(TrainingAttendance)).scalars()
        return {(r.person_id, r.session_id): (r.status, r.source) for r in rows}


def _events(casebook: Casebook, action: str) -> list[AuditEvent]:
    with transaction(casebook.deps.sessions) as session:
        return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def _training_day(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock, run_at: Any
) -> None:
    """Monday of week 9: two sessions, three engineers; Bo misses the morning, Cy the afternoon."""
    load_roster(casebook.deps.sessions, datetime(2026, 10, 30, tzinfo=UTC))
    assert run_at("training-checkin", local(MONDAY, "09:01", NY)) == 3
    assert run_at("training-checkin", local(MONDAY, "09:20", NY)) == 0  # keyed: never twice
    _checkin(slack, fake, "U0ENG1", "w9-mon-am", "training_here")
    _checkin(slack, fake, "U0ENG1", "w9-mon-am", "training_here")  # a double click
    _checkin(slack, fake, "U0PILOT", "w9-mon-am", "training_here")
    eventually(lambda: len(_attendance(casebook)) == 2)
    assert run_at("training-checkin", local(MONDAY, "13:00", NY)) == 3
    for user in ("U0ENG1", "U0ENG2"):
        _checkin(slack, fake, user, "w9-mon-pm", "training_here")
    _checkin(slack, fake, "U0PILOT", "w9-mon-pm", "training_away")
    eventually(lambda: len(_attendance(casebook)) == 5)


def test_check_ins_a_no_show_a_late_click_and_a_correction_give_the_right_attendance(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock, run_at: Any
) -> None:
    _training_day(casebook, slack, fake, clock, run_at)
    dm = fake.dms_to("U0ENG1")[0]
    assert "Training check-in" in texts(dm.blocks) and "09:00–11:00" in texts(dm.blocks)
    assert len(_events(casebook, "training.checked_in")) == 5  # the double click wrote nothing new
    answered = [texts(r["blocks"]) for r in fake.responses if r.get("replace_original") and r.get("blocks")]
    assert any("You answered: *I'm here" in t for t in answered)  # the DM shows the answer
    assert any("You answered: *Can't make it" in t for t in answered)
    assert {r.period for r in ledger(casebook, "training-checkin")} == {"w9-mon-am", "w9-mon-pm"}

    # Bo clicks the morning's check-in after the session ended: refused, saying why.
    clock.set(local(MONDAY, "13:30", NY))
    count = _checkin(slack, fake, "U0ENG2", "w9-mon-am", "training_here")
    assert "closed when the session ended" in _reply_after(fake, count)

    # Cy was there after all: the mentor corrects it.
    clock.set(local(MONDAY, "15:30", NY))
    said = _command(slack, fake, "U0MENTOR", "attendance <@U0PILOT> w9-mon-pm present")
    assert "Corrected: Cy Pilot was *present*" in said
    (event,) = _events(casebook, "training.attendance_corrected")
    assert json.loads(event.payload)["before"] == {"status": "absent", "source": "checkin"}
    assert "is for admin, lead, mentor only" in _command(
        slack, fake, "U0ENG1", "attendance <@U0PILOT> w9-mon-pm absent"
    )

    # Ada 2/2, Bo 1/2 (the no-show and the refused late click), Cy 2/2: cohort 5 of 6 = 83%.
    assert "1 of 2 sessions (50%)" in _home(slack, fake, "U0ENG2")
    assert "2 of 2 sessions (100%)" in _home(slack, fake, "U0PILOT")
    mentor = _home(slack, fake, "U0MENTOR")
    assert "Training: your mentees" in mentor and "1/2 sessions (50%)" in mentor and "`w9-mon-am`" in mentor
    pm = _home(slack, fake, "U0PM")
    assert "83% of 6 engineer-sessions" in pm and "not above the 85% target" in pm
    assert "At or under target:* Bo Engineer" in pm
    lead = _home(slack, fake, "U0LEAD")  # leads see every engineer and the cohort
    assert "Training: every engineer" in lead and "Training: the cohort" in lead

    run_at("digest", local(MONDAY, "15:31", NY))
    (post,) = fake.messages_in("C0CBPMDIGST")
    assert "Training weeks" in texts(post.blocks) and "83% of 6 engineer-sessions" in texts(post.blocks)


def test_labs_and_sign_offs_show_and_testing_sign_off_waits_for_twenty_mock_exceptions(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 10, 30, tzinfo=UTC))
    clock.set(local(MONDAY, "13:30", NY))
    assert "Marked done" in _command(slack, fake, "U0ENG1", "lab done m1-lab1")
    assert "already marked done" in _command(slack, fake, "U0ENG1", "lab done m1-lab1")
    assert "is handed out in" in _command(slack, fake, "U0ENG1", "lab done m5-mock-20")
    home = _home(slack, fake, "U0ENG1")
    assert "*Labs:* 1 of 3 done (the labs handed out so far)" in home and "Lab 2: boundary scenarios" in home
    slack.click_home("U0ENG1", action_id="training_lab_done", value=LabValue(lab="m1-lab2").dump())
    eventually(lambda: "2 of 3 done (the labs handed out so far)" in texts(fake.home["U0ENG1"]["blocks"]))
    assert len(_events(casebook, "training.lab_done")) == 2

    refused = _command(slack, fake, "U0MENTOR", "signoff <@U0ENG1> testing-env")
    assert "Not yet: Ada Engineer has done 0 of the 20 mock exceptions" in refused
    with transaction(casebook.deps.sessions) as session:
        for _ in range(19):
            decide(session, "U0ENG1", at=local(MONDAY, "10:00", NY), kind="practice", outcome="correct")
    assert "19 of the 20 mock exceptions" in _command(
        slack, fake, "U0MENTOR", "signoff <@U0ENG1> testing-env"
    )
    with transaction(casebook.deps.sessions) as session:
        decide(session, "U0ENG1", at=local(MONDAY, "10:00", NY), kind="assessment", outcome="correct")
    assert "Signed off: Ada Engineer — testing environment sign-off" in _command(
        slack, fake, "U0MENTOR", "signoff <@U0ENG1> testing-env"
    )
    _home(slack, fake, "U0MENTOR")
    value = MilestoneValue(slack_user_id="U0ENG1", milestone="real_exceptions").dump()
    slack.click_home("U0MENTOR", action_id="training_sign_off", value=value)
    eventually(lambda: len(_events(casebook, "training.signed_off")) == 2)
    eventually(lambda: len(fake.dms_to("U0ENG1")) == 2)  # the engineer is told of each sign-off
    mine = _home(slack, fake, "U0ENG1")
    assert "5 real exceptions observed (signed off by Mo Mentor)" in mine
    assert "testing environment sign-off (signed off by Mo Mentor)" in mine
    pm = _home(slack, fake, "U0PM")
    assert "sign-offs:* 5 real exceptions observed: 1 of 3 · testing environment sign-off: 1 of 3" in pm


def test_the_mentor_corrects_from_app_home_through_the_form(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 10, 30, tzinfo=UTC))
    clock.set(local(MONDAY, "11:30", NY))
    _home(slack, fake, "U0MENTOR")
    slack.click_home("U0MENTOR", action_id="training_correct")
    view_id = eventually(lambda: list(fake.views))[-1]
    form = fake.views[view_id]
    assert form["callback_id"] == "training_correct_modal"
    options = texts(form["blocks"])
    assert "Automation fundamentals" in options and "Ada Engineer" in options
    assert "Automation 101 labs" not in options  # the afternoon session has not started yet
    bad = slack.submit("U0MENTOR", view_id, {"training_session": "w9-mon-am"})
    assert bad.json["response_action"] == "errors"
    assert set(bad.json["errors"]) == {"training_mentee", "training_status"}
    values = {"training_session": "w9-mon-am", "training_mentee": "U0ENG2", "training_status": "present"}
    assert slack.submit("U0MENTOR", view_id, values).status == 200
    eventually(lambda: _attendance(casebook))
    assert list(_attendance(casebook).values()) == [("present", "correction")]
    note = eventually(lambda: fake.dms_to("U0MENTOR") and fake.dms_to("U0MENTOR")[-1])
    assert "Corrected: Bo Engineer was present" in note.text
    assert len(_events(casebook, "training.attendance_corrected")) == 1
