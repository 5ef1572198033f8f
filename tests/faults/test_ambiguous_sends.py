"""Issue 15 item 2: a send that timed out, or whose worker died mid-send, produces one message."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.config import Settings
from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.domain import deliveries as ledger
from bot.sandbox.fakeslack import FakeSlack
from bot.slack.dispatcher import LEASE, Dispatcher, Outcome
from bot.slack.dispatcher_recovery import EVENT_TYPE
from bot.slack.pacing import Pacer
from tests.delivery_support import delivery_rows, enqueue_send, impatient_client

CHANNEL = "C0AMBIG"
USERS = ["U0AMB1", "U0AMB2", "U0AMB3"]


def _workspace(fake: FakeSlack) -> None:
    fake.add_channel(CHANNEL)
    for uid in USERS:
        fake.add_user(uid, uid)


@contextmanager
def _dispatcher(
    sessions: sessionmaker[Session], settings: Settings, clock: FixedClock
) -> Iterator[Dispatcher]:
    """A dispatcher whose Web API client gives up after one second, stopped when the block ends."""
    dispatcher = Dispatcher(
        sessions=sessions,
        client=impatient_client(settings),
        clock=clock,
        pacer=Pacer(rate=100, channel_gap=0.0),
        threads=4,
    )
    try:
        yield dispatcher
    finally:
        dispatcher.stop(5)


def _enqueue(sessions: sessionmaker[Session], clock: FixedClock) -> list[int]:
    with transaction(sessions) as session:
        rows = [
            enqueue_send(session, now=clock.now(), recipient=to, text=f"hello {to}")
            for to in [*USERS, CHANNEL]
        ]
        reply = enqueue_send(
            session,
            now=clock.now(),
            job="t-reply",
            recipient=CHANNEL,
            text="a reply in the thread",
            parent=rows[-1],
        )
        return [r.id for r in [*rows, reply]]


def _claimed(sessions: sessionmaker[Session], clock: FixedClock, *, recipient: str, text: str) -> int:
    """A send whose worker claimed it and then died (its lease still running): its id."""
    with transaction(sessions) as session:
        row = enqueue_send(session, now=clock.now(), recipient=recipient, text=text)
        assert ledger.claim(session=session, now=clock.now(), delivery_id=row.id, lease=LEASE)
        return row.id


def _statuses(sessions: sessionmaker[Session]) -> list[str]:
    return [d.status for d in delivery_rows(sessions)]


def _per_delivery(fake: FakeSlack) -> Counter[int]:
    return Counter(
        m.metadata["event_payload"]["delivery_id"]
        for m in fake.messages
        if m.metadata and m.metadata.get("event_type") == EVENT_TYPE
    )


def test_slack_accepting_after_the_client_timeout_gives_one_message_per_delivery(
    sessions, settings: Settings, fake: FakeSlack, clock: FixedClock
) -> None:
    _workspace(fake)
    ids = _enqueue(sessions, clock)
    fake.accept_late("chat.postMessage", delay=1.6, count=len(ids))  # each post lands after we gave up
    with _dispatcher(sessions, settings, clock) as dispatcher:
        for _ in range(6):
            dispatcher.run_once()
            clock.advance(timedelta(seconds=2))
            if set(_statuses(sessions)) == {"sent"}:
                break
    assert set(_statuses(sessions)) == {"sent"}
    assert _per_delivery(fake) == Counter(dict.fromkeys(ids, 1)), "one message per delivery"
    assert len(fake.messages) == len(ids)
    (reply,) = [m for m in fake.messages if m.thread_ts]
    assert reply.text == "a reply in the thread"
    assert fake.calls_to("conversations.history") and fake.calls_to("conversations.replies")


def test_a_worker_that_died_after_posting_is_not_posted_again(
    sessions, settings: Settings, fake: FakeSlack, clock: FixedClock
) -> None:
    _workspace(fake)
    delivery_id = _claimed(sessions, clock, recipient=CHANNEL, text="once")
    # The dead worker's post reached Slack, with its delivery id; the ledger never heard back.
    client = WebClient(token=settings.slack_bot_token, base_url=settings.api_url)
    posted = client.chat_postMessage(
        channel=CHANNEL,
        text="once",
        metadata={"event_type": EVENT_TYPE, "event_payload": {"delivery_id": delivery_id}},
    )
    clock.advance(LEASE + timedelta(seconds=1))
    with _dispatcher(sessions, settings, clock) as dispatcher:
        dispatcher.run_once()
    with transaction(sessions) as session:
        done = session.get(Delivery, delivery_id)
        assert done is not None and done.status == "sent" and done.ts == posted["ts"]
    assert len(fake.messages_in(CHANNEL)) == 1


def test_a_worker_that_died_before_posting_is_sent_after_the_check(
    sessions, settings: Settings, fake: FakeSlack, clock: FixedClock
) -> None:
    _workspace(fake)
    _claimed(sessions, clock, recipient=USERS[0], text="hello")
    clock.advance(LEASE + timedelta(seconds=1))
    with _dispatcher(sessions, settings, clock) as dispatcher:
        assert dispatcher.run_once() == 1
    assert len(fake.dms_to(USERS[0])) == 1
    assert fake.calls_to("conversations.history"), "the history was checked before sending"


def test_a_timeout_whose_post_never_arrived_is_sent_once(
    sessions, settings: Settings, fake: FakeSlack, clock: FixedClock
) -> None:
    _workspace(fake)
    fake.fail("chat.postMessage", status=500, delay=1.5)  # too late and not done either
    with transaction(sessions) as session:
        delivery_id = enqueue_send(session, now=clock.now(), recipient=CHANNEL, text="hi").id
    with _dispatcher(sessions, settings, clock) as dispatcher:
        assert dispatcher.send_one(delivery_id) == Outcome.SENT
    assert len(fake.messages_in(CHANNEL)) == 1


def test_the_app_posts_each_message_once_when_slack_answers_after_the_timeout(
    casebook, slack, fake: FakeSlack, settings: Settings, clock: FixedClock, monkeypatch
) -> None:
    """End to end: a live decision's review post and receipts, every post accepted late."""
    from tests.helpers import eventually, load_roster
    from tests.live_support import GOOD, REVIEW_CHANNEL, open_log_modal

    load_roster(casebook.deps.sessions, clock.now())
    monkeypatch.setattr(casebook.deps.dispatcher, "_client", impatient_client(settings))
    view_id = open_log_modal(slack, fake)
    fake.accept_late("chat.postMessage", delay=1.6, count=10)
    assert slack.submit("U0ENG1", view_id, GOOD).status == 200

    def settled() -> bool:
        clock.advance(timedelta(seconds=20))
        casebook.deps.dispatcher.kick()
        return bool(_statuses(casebook.deps.sessions)) and set(_statuses(casebook.deps.sessions)) == {"sent"}

    eventually(settled, timeout=30)
    counts = _per_delivery(fake)
    assert counts and set(counts.values()) == {1}, counts
    assert len(fake.messages_in(REVIEW_CHANNEL, top_level=True)) == 1
    assert len(counts) == len(_statuses(casebook.deps.sessions)) >= 2
    assert fake.calls_to("conversations.history"), "each late post was found, not re-sent"
