"""The dispatcher against the fake Slack: pacing, concurrency, faults, permanent errors, ordering."""

from __future__ import annotations

import itertools
import logging
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.config import Settings
from bot.db.engine import transaction
from bot.domain import deliveries as ledger
from bot.sandbox.fakeslack import FakeSlack
from bot.slack.client import make_client
from bot.slack.dispatcher import Dispatcher, Outcome
from bot.slack.pacing import Pacer
from tests.delivery_support import delivery_rows, enqueue_send, impatient_client
from tests.helpers import eventually

Built = tuple[Dispatcher, sessionmaker[Session]]


@pytest.fixture
def build(sessions: sessionmaker[Session], settings: Settings, clock: FixedClock) -> Iterator[callable]:  # type: ignore[valid-type]
    made: list[Dispatcher] = []

    def make(pacer: Pacer, *, threads: int = 4, client: WebClient | None = None) -> Dispatcher:
        dispatcher = Dispatcher(
            sessions=sessions,
            client=client or make_client(settings, retries=False),
            clock=clock,
            pacer=pacer,
            threads=threads,
            poll_seconds=0.2,
        )
        made.append(dispatcher)
        return dispatcher

    yield make
    for dispatcher in made:
        dispatcher.stop(5)


def _enqueue(
    sessions: sessionmaker[Session], clock: FixedClock, channels: list[str], job: str = "t"
) -> list[int]:
    with transaction(sessions) as session:
        return [
            enqueue_send(
                session, now=clock.now(), job=job, recipient=channel, period=f"p{i}", text=f"message {i}"
            ).id
            for i, channel in enumerate(channels)
        ]


def _users(fake: FakeSlack, n: int) -> list[str]:
    ids = [f"U0R{i:04d}" for i in range(n)]
    for uid in ids:
        fake.add_user(uid, uid)
    return ids


def _run(dispatcher: Dispatcher, sessions: sessionmaker[Session], timeout: float = 30) -> None:
    dispatcher.start()
    dispatcher.kick()
    eventually(lambda: all(d.status != "pending" for d in delivery_rows(sessions)), timeout=timeout)


def test_paced_to_slacks_limits_without_a_single_429(build, sessions, fake: FakeSlack, clock) -> None:
    fake.rate_limits["chat.postMessage"] = 1.0  # one per second per channel
    fake.workspace_cap = 20  # per second, all channels
    users = _users(fake, 40)
    _enqueue(sessions, clock, ["C0CBREVIEW"] * 3 + users)
    # 25 % headroom: in tests the fake shares our interpreter, so arrival times jitter a lot.
    _run(build(Pacer(rate=15, channel_gap=1.0, channel_burst=1), threads=6), sessions)
    posts = fake.calls_to("chat.postMessage")
    assert [(c.args["channel"], c.response.get("error")) for c in posts if not c.response["ok"]] == []
    assert len(posts) == 43
    review = [c.at for c in posts if c.args["channel"] == "C0CBREVIEW"]
    assert [b - a >= 0.95 for a, b in itertools.pairwise(review)] == [True, True]
    per_second = Counter(int(c.at - posts[0].at) for c in posts)
    assert max(per_second.values()) <= 20


def test_sends_run_concurrently_across_recipients(build, sessions, fake: FakeSlack, clock) -> None:
    fake.latency = 0.2
    _enqueue(sessions, clock, _users(fake, 16))
    started = time.monotonic()
    _run(build(Pacer(rate=1000, channel_gap=1.0), threads=8), sessions)
    assert time.monotonic() - started < 16 * 0.2 / 2  # well under serial time
    assert {d.status for d in delivery_rows(sessions)} == {"sent"}


def test_messages_to_one_channel_go_out_in_ledger_order(build, sessions, fake: FakeSlack, clock) -> None:
    _enqueue(sessions, clock, ["C0CBREVIEW"] * 6)
    _run(build(Pacer(rate=1000, channel_gap=0.05, channel_burst=1), threads=6), sessions)
    assert [m.text for m in fake.messages_in("C0CBREVIEW")] == [f"message {i}" for i in range(6)]


def test_injected_429s_and_500s_on_a_fraction_of_calls_still_deliver_each_once(
    build, sessions, fake: FakeSlack, clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.slack.dispatcher")
    users = _users(fake, 60)
    fake.fail_fraction("chat.postMessage", 0.15, status=429, retry_after=1, seed=7)
    fake.fail_fraction("chat.postMessage", 0.15, status=500)
    _enqueue(sessions, clock, users)
    dispatcher = build(Pacer(rate=200, channel_gap=1.0), threads=8)
    dispatcher.start()

    def settled() -> bool:
        # A send that failed all its quick retries waits for the ledger's backoff: let time pass.
        clock.advance(timedelta(seconds=5))
        dispatcher.kick()
        return all(d.status != "pending" for d in delivery_rows(sessions))

    eventually(settled, timeout=60, interval=0.5)
    assert Counter(m.channel for m in fake.messages) == Counter(fake.dm_channel(u) for u in users)
    assert {d.status for d in delivery_rows(sessions)} == {"sent"}
    retries = [r for r in caplog.records if r.getMessage() == "delivery retrying"]
    assert len(retries) >= 10  # the faults really happened, and were absorbed


def test_permanent_errors_are_recorded_once_with_their_reason(
    build, sessions, fake: FakeSlack, clock
) -> None:
    fake.add_user("U0GONE", "Gone", deleted=True)
    fake.add_channel("C0NOTIN", bot_member=False)
    _enqueue(sessions, clock, ["U0NOBODY", "U0GONE", "C0NOTIN", "C0MISSING"])
    _run(build(Pacer(rate=100)), sessions)
    reasons = {d.recipient: (d.status, d.last_error, d.attempts) for d in delivery_rows(sessions)}
    assert reasons == {
        "U0NOBODY": ("failed", "channel_not_found", 1),
        "U0GONE": ("failed", "account_inactive", 1),
        "C0NOTIN": ("failed", "not_in_channel", 1),
        "C0MISSING": ("failed", "channel_not_found", 1),
    }
    assert len(fake.calls_to("chat.postMessage")) == 4  # none retried


def test_a_long_retry_after_is_waited_out_through_the_ledger(build, sessions, fake: FakeSlack, clock) -> None:
    (uid,) = _users(fake, 1)
    fake.fail("chat.postMessage", status=429, retry_after=30)
    (delivery_id,) = _enqueue(sessions, clock, [uid])
    skew = [0.0]  # the pacer's real-time clock, pushed forward along with the business clock
    dispatcher = build(Pacer(rate=100, monotonic=lambda: time.monotonic() + skew[0]))
    assert dispatcher.send_one(delivery_id) == Outcome.RETRY
    (row,) = delivery_rows(sessions)
    assert (row.status, row.last_error) == ("pending", "ratelimited")
    assert row.next_attempt_at == clock.now() + timedelta(seconds=30)
    assert dispatcher.run_once() == 0  # not due yet
    clock.advance(timedelta(seconds=31))
    assert dispatcher.run_once() == 0  # due, but the channel is still paused for Retry-After
    skew[0] = 31.0
    assert dispatcher.run_once() == 1
    assert len(fake.dms_to(uid)) == 1


def test_repeated_5xx_falls_back_to_ledger_backoff_then_succeeds(
    build, sessions, fake: FakeSlack, clock
) -> None:
    (uid,) = _users(fake, 1)
    fake.fail("chat.postMessage", status=503, error="service_unavailable", count=3)
    (delivery_id,) = _enqueue(sessions, clock, [uid])
    dispatcher = build(Pacer(rate=100))
    assert dispatcher.send_one(delivery_id) == Outcome.RETRY
    (row,) = delivery_rows(sessions)
    assert row.status == "pending" and row.attempts == 1 and row.last_error == "service_unavailable"
    assert row.next_attempt_at == clock.now() + ledger.backoff(1)
    clock.advance(ledger.backoff(1))
    dispatcher.start()
    dispatcher.kick()
    eventually(lambda: fake.dms_to(uid))
    # The ledger row is marked just after Slack answers, so wait for it rather than race it.
    eventually(lambda: [d.status for d in delivery_rows(sessions)] == ["sent"])
    assert len(fake.dms_to(uid)) == 1


def test_timeouts_are_retried(build, sessions, fake: FakeSlack, clock, settings: Settings) -> None:
    (uid,) = _users(fake, 1)
    fake.fail("chat.postMessage", status=500, delay=1.5)  # answers too late: the client gives up
    (delivery_id,) = _enqueue(sessions, clock, [uid])
    assert build(Pacer(rate=100), client=impatient_client(settings)).send_one(delivery_id) == Outcome.SENT
    assert len(fake.dms_to(uid)) == 1


def test_replies_and_edits_wait_for_their_parent_even_under_other_keys(
    build, sessions, fake: FakeSlack, clock
) -> None:
    fake.latency = 0.1  # the parent is still on the wire when the pool could take the children
    with transaction(sessions) as session:
        now = clock.now()
        post = enqueue_send(session, now=now, recipient="C0CBREVIEW", period="post", text="decision 1")
        enqueue_send(
            session,
            now=now,
            job="t-reply",
            recipient="U0ENG1",
            channel="C0CBREVIEW",
            period="reply",
            text="a reply",
            parent=post,
        )
        enqueue_send(
            session,
            now=now,
            job="t-edit",
            recipient="U0MENTOR",
            channel="C0CBREVIEW",
            period="edit",
            method="chat.update",
            text="decision 1 (upheld)",
            extra={"_parent": "ts"},
            parent=post,
        )
    _run(build(Pacer(rate=100, channel_gap=0.0), threads=4), sessions)
    (top,) = fake.messages_in("C0CBREVIEW", top_level=True)
    assert top.text == "decision 1 (upheld)" and top.edited == 1
    assert [m.text for m in fake.messages_in("C0CBREVIEW", thread_ts=top.ts)] == ["a reply"]
    assert {d.status for d in delivery_rows(sessions)} == {"sent"}
