"""The `training-checkin` job: one DM per engineer at each session's start, never twice, late ones missed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.app import Casebook
from bot.db.engine import transaction
from bot.domain.availability import set_ooo
from bot.domain.people import find_by_slack_id
from tests.helpers import load_roster
from tests.jobs.conftest import NY, ledger, local

MONDAY = date(2026, 11, 2)


def test_engineers_get_one_check_in_per_session_and_only_at_its_start(
    casebook: Casebook, fake: Any, run_at: Any
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 10, 30, tzinfo=UTC))
    assert run_at("training-checkin", local(MONDAY, "08:59", NY)) == 0
    assert run_at("training-checkin", local(MONDAY, "09:00", NY)) == 3
    assert run_at("training-checkin", local(MONDAY, "10:59", NY)) == 0
    sent = {(r.recipient, r.period, r.status) for r in ledger(casebook, "training-checkin")}
    assert sent == {(u, "w9-mon-am", "sent") for u in ("U0ENG1", "U0ENG2", "U0PILOT")}
    assert not fake.dms_to("U0MENTOR") and not fake.dms_to("U0PM")
    assert run_at("training-checkin", local(date(2026, 11, 7), "09:00", NY)) == 0  # Saturday: no session


def test_out_of_office_is_skipped_and_a_check_in_no_run_saw_in_time_is_missed(
    casebook: Casebook, run_at: Any
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 10, 30, tzinfo=UTC))
    with transaction(casebook.deps.sessions) as session:
        bo = find_by_slack_id(session=session, slack_user_id="U0ENG2")
        assert bo is not None
        set_ooo(
            session=session, now=datetime(2026, 10, 30, tzinfo=UTC), actor="test", person=bo, until=MONDAY
        )
    # The scheduler was down all morning: the first run is after the morning session ended.
    assert run_at("training-checkin", local(MONDAY, "13:05", NY)) == 2
    rows = {(r.recipient, r.period): r.status for r in ledger(casebook, "training-checkin")}
    assert rows[("U0ENG1", "w9-mon-am")] == "missed"
    assert rows[("U0ENG2", "w9-mon-am")] == "skipped" and rows[("U0ENG2", "w9-mon-pm")] == "skipped"
    assert rows[("U0ENG1", "w9-mon-pm")] == "sent" and rows[("U0PILOT", "w9-mon-pm")] == "sent"
