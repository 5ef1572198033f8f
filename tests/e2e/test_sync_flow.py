"""End to end: the evening sync DM, its buttons and modal, the mentor's overview, `/casebook sync`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.app import Casebook
from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import AuditEvent, SyncResponse
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.helpers import button, eventually, load_roster, press, texts
from tests.jobs.conftest import BERLIN, NY, ledger, local, runner

TUESDAY = date(2026, 11, 17)


@pytest.fixture
def run_at(casebook: Casebook, clock: FixedClock) -> Callable[[str, datetime], int]:
    return runner(casebook, clock)


def _setup(casebook: Casebook, run_at) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    run_at("daily-sync", local(TUESDAY, "17:46", NY))


def _answers(casebook: Casebook) -> dict[int, SyncResponse]:
    with transaction(casebook.deps.sessions) as session:
        return {r.person_id: r for r in session.execute(select(SyncResponse)).scalars()}


def _events(casebook: Casebook, action: str) -> list[AuditEvent]:
    with transaction(casebook.deps.sessions) as session:
        return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def test_all_good_is_stored_once_and_shown_in_the_dm(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, run_at
) -> None:
    _setup(casebook, run_at)
    (dm,) = fake.dms_to("U0ENG1")
    value = button(dm, "sync_all_good")["value"]
    for _ in range(2):  # a double click
        assert press(slack, "U0ENG1", dm, "sync_all_good", value=value).status == 200
    eventually(lambda: len(fake.responses) >= 2)
    (answer,) = _answers(casebook).values()
    assert (answer.day, answer.status, answer.blockers) == (TUESDAY, "all_good", None)
    replaced = fake.responses[-1]
    assert replaced["replace_original"] is True
    assert "You answered *All good*" in texts(replaced["blocks"])
    assert len(_events(casebook, "sync.answered")) == 1  # the double click wrote nothing new


def test_blockers_modal_validates_then_replaces_the_answer_and_updates_the_dm(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, run_at
) -> None:
    _setup(casebook, run_at)
    (dm,) = fake.dms_to("U0ENG1")
    press(slack, "U0ENG1", dm, "sync_all_good")
    eventually(lambda: _answers(casebook))
    press(slack, "U0ENG1", dm, "sync_blockers")
    view_id = eventually(lambda: list(fake.views))[-1]
    assert fake.views[view_id]["callback_id"] == "sync_blockers_modal"

    bad = slack.submit("U0ENG1", view_id, {"blockers": "  ", "mood": None})
    assert bad.json["response_action"] == "errors"
    assert set(bad.json["errors"]) == {"blockers", "mood"}

    ok = slack.submit("U0ENG1", view_id, {"blockers": "VPN <!channel> is down", "mood": "2"})
    assert ok.status == 200 and not ok.json.get("response_action")
    (answer,) = _answers(casebook).values()
    assert (answer.status, answer.blockers, answer.mood) == ("blockers", "VPN <!channel> is down", 2)
    payloads = [json.loads(e.payload) for e in _events(casebook, "sync.answered")]
    assert payloads[-1]["before"]["status"] == "all_good"
    assert payloads[-1]["after"]["blockers"] == "VPN <!channel> is down"
    # The DM it was answered from now shows the blockers, escaped.
    edited = eventually(lambda: fake.dms_to("U0ENG1")[0].edited and fake.dms_to("U0ENG1")[0])
    assert "VPN &lt;!channel&gt; is down" in texts(edited.blocks)


def test_mentor_overview_lists_everyone_and_updates_as_answers_arrive(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, run_at
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    run_at("daily-sync", local(TUESDAY, "17:46", BERLIN))
    run_at("daily-sync", local(TUESDAY, "17:46", NY))
    (ada_dm,) = fake.dms_to("U0ENG1")
    press(slack, "U0ENG1", ada_dm, "sync_all_good")
    eventually(lambda: _answers(casebook))
    assert fake.dms_to("U0MENTOR") == []  # not before an hour after the last mentee was asked
    run_at("daily-sync", local(TUESDAY, "18:44", NY))
    assert fake.dms_to("U0MENTOR") == []
    run_at("daily-sync", local(TUESDAY, "18:46", NY))
    (overview,) = fake.dms_to("U0MENTOR")
    body = texts(overview.blocks)
    assert "3 mentees: 1 all good · 0 with blockers · 2 no answer yet" in body
    assert "<@U0ENG1> — all good" in body and "<@U0PILOT> — no answer yet" in body

    (cy_dm,) = fake.dms_to("U0PILOT")
    press(slack, "U0PILOT", cy_dm, "sync_all_good")
    updated = eventually(lambda: fake.dms_to("U0MENTOR")[0].edited and fake.dms_to("U0MENTOR")[0])
    assert len(fake.dms_to("U0MENTOR")) == 1  # edited, never reposted
    assert "2 all good · 0 with blockers · 1 no answer yet" in texts(updated.blocks)
    run_at("daily-sync", local(TUESDAY, "19:30", NY))
    assert len(fake.dms_to("U0MENTOR")) == 1
    assert [d.status for d in ledger(casebook, "sync-summary") if d.period == "2026-11-17"] == ["sent"]


def test_sync_command_answers_on_demand(casebook: Casebook, slack: Simulator, fake: FakeSlack, clock) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    assert slack.command("U0ENG1", "sync").status == 200
    response = eventually(lambda: fake.responses)[-1]
    assert response["response_type"] == "ephemeral"
    assert "Anything blocking you?" in texts(response["blocks"])
    assert slack.command("U0PM", "sync").status == 200
    refused = eventually(lambda: len(fake.responses) > 1 and fake.responses)[-1]
    assert "engineer" in texts(refused["blocks"]) and "only" in texts(refused["blocks"])


def test_a_stale_or_future_sync_button_is_refused_clearly(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    slack.click(
        "U0ENG1", action_id="sync_all_good", value='{"day": "2026-11-01"}', channel="D0ENG1", message_ts="1.1"
    )
    slack.click(
        "U0ENG1", action_id="sync_all_good", value='{"day": "2026-11-18"}', channel="D0ENG1", message_ts="1.2"
    )
    slack.click("U0ENG1", action_id="sync_all_good", value="garbage", channel="D0ENG1", message_ts="1.3")
    replies = eventually(lambda: len(fake.responses) >= 3 and fake.responses)
    bodies = sorted(texts(r["blocks"]) for r in replies)
    assert any("is closed" in b for b in bodies)
    assert any("has not started yet" in b for b in bodies)
    assert any("no longer valid" in b for b in bodies)
    assert _answers(casebook) == {}


def test_ooo_command_sets_shows_and_clears(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    for text in ("ooo until 2026-11-20", "ooo", "ooo until yesterday", "ooo off"):
        before = len(fake.responses)
        assert slack.command("U0ENG1", text).status == 200
        eventually(lambda before=before: len(fake.responses) > before)
    bodies = [texts(r["blocks"]) for r in fake.responses]
    assert "Out of office until *2026-11-20*" in bodies[0]
    assert "marked out of office until *2026-11-20*" in bodies[1]
    assert "`yesterday` is not a date" in bodies[2]
    assert "Welcome back" in bodies[3]
    changes = [json.loads(e.payload) for e in _events(casebook, "person.ooo_changed")]
    assert changes == [{"before": None, "after": "2026-11-20"}, {"before": "2026-11-20", "after": None}]
