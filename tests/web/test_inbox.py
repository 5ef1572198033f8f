"""The durable receipt: lazy work is on disk before the ack, replays store nothing, workers run it once."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from slack_bolt import Ack, App
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import InboxItem
from bot.domain import inbox
from bot.web.inbox import LAZY_NAME, LAZY_ONLY, DurableLazyRunner, InboxWorker, strip_lazy_headers

SECRET = "inbox-test-secret"


def _app(sessions: sessionmaker[Session], clock: FixedClock, done: list[str], *, front: bool) -> App:
    app = App(
        signing_secret=SECRET,
        authorize=lambda enterprise_id, team_id: AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-unused"
        ),
        process_before_response=True,
        request_verification_enabled=front,
    )
    app.listener_runner.lazy_listener_runner = DurableLazyRunner(
        sessions=sessions, clock=clock, on_stored=lambda: None
    )

    def answer(ack: Ack) -> None:
        ack("Saved.")

    def record(body: dict[str, Any]) -> None:
        if body["text"] == "boom":
            raise RuntimeError("the database went away")
        done.append(body["text"])

    app.command("/casebook")(ack=answer, lazy=[record])
    return app


def _signed(text: str, *, at: float | None = None) -> BoltRequest:
    body = urlencode({"command": "/casebook", "text": text, "user_id": "U0ENG1", "team_id": "T1"})
    ts = str(int(at or time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    headers = {
        "content-type": ["application/x-www-form-urlencoded"],
        "x-slack-request-timestamp": [ts],
        "x-slack-signature": [signature],
    }
    return BoltRequest(body=body, headers=headers)


def _rows(sessions: sessionmaker[Session]) -> list[tuple[str, str, int]]:
    with transaction(sessions) as session:
        items = session.execute(select(InboxItem).order_by(InboxItem.id)).scalars()
        return [(i.function, i.status, i.attempts) for i in items]


def _worker(sessions, clock, done: list[str]) -> InboxWorker:
    return InboxWorker(bolt=_app(sessions, clock, done, front=False), sessions=sessions, clock=clock)


def test_the_ack_waits_for_the_row_and_not_for_the_work(sessions, clock) -> None:
    done: list[str] = []
    front = _app(sessions, clock, done, front=True)
    response = front.dispatch(_signed("practice"))
    assert response.status == 200 and "Saved." in response.body
    assert _rows(sessions) == [("record", "pending", 0)]
    assert done == [], "nothing ran on the request path"

    assert _worker(sessions, clock, done).drain() == 1
    assert done == ["practice"]
    assert _rows(sessions) == [("record", "done", 1)]


def test_a_replayed_signed_request_stores_nothing_new(sessions, clock) -> None:
    done: list[str] = []
    front = _app(sessions, clock, done, front=True)
    request = _signed("role @ben mentor")
    for _ in range(3):
        assert (
            front.dispatch(
                _signed("role @ben mentor", at=float(request.headers["x-slack-request-timestamp"][0]))
            ).status
            == 200
        )
    assert len(_rows(sessions)) == 1
    _worker(sessions, clock, done).drain()
    assert done == ["role @ben mentor"]


def test_failing_work_is_retried_with_backoff_then_kept_as_failed(sessions, clock: FixedClock) -> None:
    done: list[str] = []
    _app(sessions, clock, done, front=True).dispatch(_signed("boom"))
    worker = _worker(sessions, clock, done)
    for attempt in range(1, inbox.MAX_ATTEMPTS + 1):
        assert worker.run_once() == 1
        assert worker.run_once() == 0, "not again before its backoff"
        clock.advance(timedelta(seconds=4**attempt))
    assert _rows(sessions) == [("record", "failed", inbox.MAX_ATTEMPTS)]
    with transaction(sessions) as session:
        assert inbox.backlog(session=session, now=clock.now()) == inbox.Backlog(0, 0.0, 1)


def test_a_crashed_workers_claim_comes_back_after_its_lease(sessions, clock: FixedClock) -> None:
    done: list[str] = []
    _app(sessions, clock, done, front=True).dispatch(_signed("sync"))
    with transaction(sessions) as session:  # a worker claims the row, then dies (kill -9)
        assert len(inbox.claim(session=session, now=clock.now(), lease=timedelta(minutes=2), limit=8)) == 1
    worker = _worker(sessions, clock, done)
    assert worker.run_once() == 0, "still leased"
    with transaction(sessions) as session:
        assert inbox.backlog(session=session, now=clock.now() + timedelta(seconds=30)).pending == 1
    clock.advance(timedelta(minutes=3))
    assert worker.run_once() == 1 and done == ["sync"]


def test_clients_cannot_ask_for_inline_lazy_work() -> None:
    headers = {"content-type": ["x"], LAZY_ONLY: ["1"], LAZY_NAME.upper(): ["record"]}
    assert strip_lazy_headers(headers) == {"content-type": ["x"]}


def test_a_batch_is_settled_together_each_row_by_its_own_outcome(sessions, clock: FixedClock) -> None:
    done: list[str] = []
    front = _app(sessions, clock, done, front=True)
    for text in ("one", "boom", "two"):
        assert front.dispatch(_signed(text)).status == 200
    worker = _worker(sessions, clock, done)
    assert worker.run_once() == 3
    assert done == ["one", "two"]
    assert [status for _, status, _ in _rows(sessions)] == ["done", "pending", "done"]
    with transaction(sessions) as session:
        (failed,) = session.execute(select(InboxItem).where(InboxItem.status == "pending")).scalars()
        assert failed.claimed_until is None and (failed.last_error or "").startswith("status 500")
        assert failed.next_attempt_at > clock.now(), "retried after its backoff, not at once"
    assert worker.run_once() == 0


def test_an_idle_poll_only_reads(sessions, clock: FixedClock, monkeypatch) -> None:
    """Nothing due: on SQLite the worker looks with a read and never takes the write lock."""
    from bot.web import inbox as web_inbox

    def no_write(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("an idle poll opened a write transaction")

    if sessions.kw["bind"].dialect.name == "sqlite":  # PostgreSQL's claim locks only the rows it takes
        monkeypatch.setattr(web_inbox, "transaction", no_write)
    assert _worker(sessions, clock, []).run_once() == 0


def test_finished_work_forgets_its_body_and_keeps_its_key(sessions, clock: FixedClock) -> None:
    """A stored body is the raw payload (who, and what they typed): gone once the work is over,
    while its key still turns a replay away."""
    done: list[str] = []
    front = _app(sessions, clock, done, front=True)
    request = _signed("survey my secret answer")
    at = float(request.headers["x-slack-request-timestamp"][0])
    front.dispatch(_signed("survey my secret answer", at=at))
    _app(sessions, clock, done, front=True).dispatch(_signed("boom", at=at))
    worker = _worker(sessions, clock, done)
    for _ in range(inbox.MAX_ATTEMPTS):  # the first row runs once; the second fails to the end
        worker.drain()
        clock.advance(timedelta(minutes=5))
    with transaction(sessions) as session:
        rows = session.execute(select(InboxItem.status, InboxItem.body).order_by(InboxItem.id)).all()
    assert [tuple(r) for r in rows] == [("done", ""), ("failed", "")]
    front.dispatch(_signed("survey my secret answer", at=at))  # the same signed body again
    assert len(_rows(sessions)) == 2 and worker.drain() == 0
    assert done == ["survey my secret answer"]


def test_finished_rows_are_purged_after_the_replay_window(sessions, clock: FixedClock) -> None:
    done: list[str] = []
    front = _app(sessions, clock, done, front=True)
    for text in ("sync", "practice", "boom"):
        front.dispatch(_signed(text))
    worker = _worker(sessions, clock, done)
    worker.drain()
    front.dispatch(_signed("later"))  # still pending when the purge runs
    clock.advance(inbox.KEEP_DONE - timedelta(seconds=1))
    assert worker.purge() == 0, "within the hour: kept"
    clock.advance(timedelta(seconds=2))
    assert worker.purge() == 2, "the two finished rows go"
    assert sorted(status for _, status, _ in _rows(sessions)) == ["pending", "pending"]
