"""Slack slow or down while people click: acks stay fast, decisions are saved, nothing is lost."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.db.engine import transaction
from bot.db.models import Decision, Delivery
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.e2e.cards import card_actions, click_decision, good_values, justify_modal, open_card
from tests.helpers import eventually, load_roster, texts
from tests.live_support import GOOD, REVIEW_CHANNEL, open_log_modal

ENG = "U0ENG1"
ACK_DEADLINE = 3.0


def _pending(casebook) -> int:
    with transaction(casebook.deps.sessions) as session:
        return int(
            session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "pending"))
            or 0
        )


def _decision(casebook) -> Decision | None:
    with transaction(casebook.deps.sessions) as session:
        return session.execute(select(Decision)).scalar_one_or_none()


def _drain(casebook, clock, rounds: int = 12) -> None:
    for _ in range(rounds):
        clock.advance(timedelta(seconds=30))
        casebook.deps.dispatcher.kick()
        casebook.deps.dispatcher.wait_idle(5)
        if _pending(casebook) == 0:
            return


def test_slow_then_down_slack_while_practising(casebook, slack: Simulator, fake: FakeSlack, clock) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    slack.command(ENG, "practice")
    card = open_card(fake, ENG)

    fake.latency = 5.0  # every Web API call now takes 5 s
    click = slack.click(
        ENG,
        action_id=card_actions(card)["elements"][0]["action_id"],
        value=card_actions(card)["elements"][0]["value"],
        block_id="card_actions",
        channel=card.channel,
        message_ts=card.ts,
    )
    assert click.status == 200 and click.elapsed < ACK_DEADLINE
    verdict = card_actions(card)["elements"][0]["action_id"].removeprefix("card_")
    view_id = justify_modal(fake)  # the modal opens late, after the slow views.open

    fake.latency = 0.0
    fake.down = True  # and now Slack is gone entirely
    reply = slack.submit(ENG, view_id, good_values(verdict))
    assert reply.status == 200 and reply.elapsed < ACK_DEADLINE
    decision = eventually(lambda: _decision(casebook))
    assert decision.verdict == verdict, "the decision is saved while Slack is down"
    eventually(lambda: _pending(casebook) >= 2)  # card update, feedback, review post wait in the ledger
    before = len(fake.messages)

    fake.down = False
    _drain(casebook, clock)
    assert _pending(casebook) == 0
    assert len(fake.messages) > before
    posts = [m for m in fake.messages_in(REVIEW_CHANNEL) if f"#{decision.id}" in m.text]
    assert len(posts) == 1, "the review post arrives once Slack is back, exactly once"
    feedback = [m for m in fake.dms_to(ENG) if "Next scenario" in texts(m.blocks)]
    assert len(feedback) == 1
    updated = next(m for m in fake.dms_to(ENG) if m.ts == card.ts)
    assert card_actions(updated) is None and updated.edited == 1


def test_live_log_submitted_during_an_outage_is_posted_for_review_afterwards(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    view_id = open_log_modal(slack, fake)
    fake.down = True
    reply = slack.submit(ENG, view_id, GOOD)
    assert reply.status == 200 and reply.elapsed < ACK_DEADLINE
    decision = eventually(lambda: _decision(casebook))
    assert fake.messages_in(REVIEW_CHANNEL) == []
    fake.down = False
    _drain(casebook, clock)
    posts = eventually(lambda: [m for m in fake.messages_in(REVIEW_CHANNEL) if f"#{decision.id}" in m.text])
    assert len(posts) == 1


def test_clicks_are_acked_fast_even_when_every_slack_call_is_slow(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    fake.latency = 5.0
    replies = [slack.command(ENG, "help"), slack.command(ENG, "practice"), slack.open_home(ENG)]
    assert all(r.status == 200 and r.elapsed < ACK_DEADLINE for r in replies), [r.elapsed for r in replies]
    fake.latency = 0.0
    eventually(lambda: len(fake.responses) >= 2, timeout=20)
    eventually(lambda: fake.home.get(ENG), timeout=20)
    card = open_card(fake, ENG)
    click_decision(slack, ENG, card, "deny")
