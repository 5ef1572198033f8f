"""Issue 15 item 1: long Slack outages, permanent errors, admin alerts and `casebook deliveries retry`."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.clock import SystemClock
from bot.db.engine import transaction
from bot.db.models import Decision, Delivery
from bot.domain import deliveries as ledger
from bot.domain import delivery_faults as faults
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.pacing import Pacer
from tests.conftest import BOT_TOKEN
from tests.delivery_support import delivery_rows, enqueue_send
from tests.e2e.cards import card_actions, good_values, justify_modal, open_card
from tests.helpers import eventually, load_roster, press
from tests.live_support import GOOD, REVIEW_CHANNEL, open_log_modal

ENG = "U0ENG1"
ADMIN = "U0ADMIN"


def _rows(casebook) -> list[Delivery]:
    return delivery_rows(casebook.deps.sessions)


def _decisions(casebook) -> list[Decision]:
    with transaction(casebook.deps.sessions) as session:
        return list(session.execute(select(Decision).order_by(Decision.id)).scalars())


def _settle(casebook, clock, step: timedelta) -> None:
    clock.advance(step)
    casebook.deps.dispatcher.kick()
    casebook.deps.dispatcher.wait_idle(10)


def _decide_practice_card(slack: Simulator, fake: FakeSlack) -> tuple[str, dict]:
    slack.command(ENG, "practice")
    card = open_card(fake, ENG)
    button = card_actions(card)["elements"][0]
    press(slack, ENG, card, button["action_id"], block_id="card_actions")
    return justify_modal(fake), good_values(button["action_id"].removeprefix("card_"))


def test_slack_500_for_five_minutes_then_everything_is_delivered_once(
    casebook, slack: Simulator, fake: FakeSlack, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Real-time waits (inline backoff, pacing) kept short: the outage runs on the simulated clock.
    monkeypatch.setattr("bot.slack.dispatcher.INLINE_BACKOFF", (0.01, 0.01))
    monkeypatch.setattr(casebook.deps.dispatcher, "_pacer", Pacer(rate=1000, channel_gap=0.0))
    load_roster(casebook.deps.sessions, clock.now())
    view_id, values = _decide_practice_card(slack, fake)
    log_view = open_log_modal(slack, fake)
    eventually(lambda: all(d.status == "sent" for d in _rows(casebook)))
    before = {d.id for d in _rows(casebook)}

    fake.fail_fraction(None, 1.0, status=500)  # every Web API call answers 500
    assert slack.submit(ENG, view_id, values).status == 200
    assert slack.submit(ENG, log_view, GOOD).status == 200
    eventually(lambda: len(_decisions(casebook)) == 2)
    outage = [d for d in _rows(casebook) if d.id not in before]
    assert len(outage) >= 4  # card update, feedback, two review posts
    for _ in range(30):  # five simulated minutes of retries with backoff
        _settle(casebook, clock, timedelta(seconds=10))
    rows = [d for d in _rows(casebook) if d.id not in before]
    assert {d.status for d in rows} == {"pending"}, [(d.job, d.status, d.last_error) for d in rows]
    assert max(d.attempts for d in rows) >= 8, "more attempts than the old fixed cap, none given up"

    fake.random_faults.clear()
    for _ in range(12):
        _settle(casebook, clock, timedelta(seconds=60))
        if all(d.status == "sent" for d in _rows(casebook)):
            break
    rows = [d for d in _rows(casebook) if d.id not in before]
    assert {d.status for d in rows} == {"sent"}
    for decision in _decisions(casebook):
        posts = [m for m in fake.messages_in(REVIEW_CHANNEL) if f"#{decision.id}" in m.text]
        assert len(posts) == 1, f"decision #{decision.id} posted {len(posts)} times"
    delivered = [m.metadata["event_payload"]["delivery_id"] for m in fake.messages if m.metadata]
    assert len(delivered) == len(set(delivered)), "no delivery posted twice"
    assert not [d for d in _rows(casebook) if d.job == faults.ALERT_JOB], "a transient outage alerts nobody"


def test_transient_errors_give_up_only_after_the_retry_window(sessions, clock) -> None:
    with transaction(sessions) as session:
        row = enqueue_send(session, now=clock.now(), recipient="C0X", text="x")
        for _ in range(200):  # 200 failures over ~16 h: still pending
            ledger.mark_retry(
                session=session, now=clock.now(), delivery=row, reason="http_500", wait=ledger.backoff(99)
            )
            clock.advance(ledger.backoff(99))
        assert row.status == "pending" and ledger.backoff(99) == timedelta(minutes=5)
        clock.advance(timedelta(hours=8))
        ledger.mark_retry(
            session=session, now=clock.now(), delivery=row, reason="http_500", wait=timedelta(1)
        )
        assert row.status == "failed" and row.last_error == "gave up after 24 h: http_500"


def test_an_archived_review_channel_alerts_the_admin_once_and_retry_sends_after_the_fix(
    casebook,
    server,
    slack: Simulator,
    fake: FakeSlack,
    clock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    fake.archive(REVIEW_CHANNEL)
    for _ in range(2):
        view_id = open_log_modal(slack, fake)
        assert slack.submit(ENG, view_id, GOOD).status == 200
    eventually(lambda: len(_decisions(casebook)) == 2)
    _settle(casebook, clock, timedelta(seconds=5))
    _settle(casebook, clock, timedelta(seconds=5))
    posts = [d for d in _rows(casebook) if d.job == "review-post"]
    assert [(d.status, d.last_error) for d in posts] == [("failed", "is_archived")] * 2
    assert fake.messages_in(REVIEW_CHANNEL) == []

    alerts = [m for m in fake.dms_to(ADMIN) if "is_archived" in m.text]
    assert len(alerts) == 1, "one alert per cause, not per message"
    assert REVIEW_CHANNEL in alerts[0].text and "unarchive" in alerts[0].text
    assert "casebook deliveries retry --failed" in alerts[0].text
    notices = [m.text for m in fake.dms_to(ENG) if "has not reached the review channel" in m.text]
    assert sorted(notices) == sorted(
        f"Your decision #{d.id} was saved but has not reached the review channel yet; your admin was "
        "told and it will be posted once they fix it."
        for d in _decisions(casebook)
    )
    with urllib.request.urlopen(server.url + "/healthz", timeout=10) as resp:
        health = json.loads(resp.read())
    assert resp.status == 200
    (cause,) = [c for c in health["deliveries"]["causes"] if c["recipient"] == REVIEW_CHANNEL]
    assert cause["error"] == "is_archived" and cause["count"] == 2 and "unarchive" in cause["fix"]

    fake.archive(REVIEW_CHANNEL, archived=False)  # the admin fixes the cause
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    clock.advance(SystemClock().now() - clock.now())  # the CLI runs on the real clock
    assert main(["deliveries", "retry", "--failed", "--since", "2026-11-01"]) == 0
    for _ in range(5):
        _settle(casebook, clock, timedelta(seconds=5))
    for decision in _decisions(casebook):
        assert len([m for m in fake.messages_in(REVIEW_CHANNEL) if f"#{decision.id}" in m.text]) == 1
    assert {d.status for d in _rows(casebook) if d.job == "review-post"} == {"sent"}
    assert len([m for m in fake.dms_to(ADMIN) if "is_archived" in m.text]) == 1


def test_a_card_that_cannot_be_updated_tells_its_owner_and_the_admin(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    view_id, values = _decide_practice_card(slack, fake)
    fake.fail("chat.update", error="cant_update_message")
    assert slack.submit(ENG, view_id, values).status == 200
    eventually(lambda: len(_decisions(casebook)) == 1)
    for _ in range(3):
        _settle(casebook, clock, timedelta(seconds=5))
    (update,) = [d for d in _rows(casebook) if d.job == "scenario-card-update"]
    assert (update.status, update.last_error) == ("failed", "cant_update_message")
    notice = eventually(lambda: [m.text for m in fake.dms_to(ENG) if "could not be updated" in m.text])
    assert notice == [
        "Your decision was saved, but the card above could not be updated to show it; your admin was told."
    ]
    assert len([m for m in fake.dms_to(ADMIN) if "cant_update_message" in m.text]) == 1
