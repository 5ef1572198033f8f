"""Group-committed sent marks: every sender's mark is committed before it returns, errors reach all."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.domain import deliveries
from bot.slack.sent_marks import SentMarks
from tests.delivery_support import enqueue_send


def _rows(sessions: sessionmaker[Session], clock: FixedClock, n: int) -> list[int]:
    with transaction(sessions) as session:
        return [
            enqueue_send(
                session,
                now=clock.now(),
                job="t",
                recipient=f"D0M{i}",
                period="p",
                method="chat.postMessage",
                text="x",
            ).id
            for i in range(n)
        ]


def test_senders_finishing_together_share_commits_and_each_returns_with_its_mark_kept(
    sessions: sessionmaker[Session], clock: FixedClock, engine: Engine
) -> None:
    ids = _rows(sessions, clock, 24)
    marks = SentMarks(sessions=sessions, clock=clock)
    commits: list[int] = []

    def count(_conn: Any) -> None:
        commits.append(1)

    event.listen(engine, "commit", count)
    start = threading.Barrier(len(ids))
    seen_after_return: dict[int, str] = {}

    def send(delivery_id: int) -> None:
        start.wait()
        marks.mark(delivery_id=delivery_id, channel="D0X", ts=f"1.{delivery_id}")
        with Session(engine) as s:  # read back at once: returning means committed
            seen_after_return[delivery_id] = s.scalars(
                select(Delivery.status).where(Delivery.id == delivery_id)
            ).one()

    threads = [threading.Thread(target=send, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    event.remove(engine, "commit", count)
    assert seen_after_return == {i: "sent" for i in ids}
    with Session(engine) as s:
        rows = s.scalars(select(Delivery).where(Delivery.id.in_(ids))).all()
    assert {r.id: (r.ts, r.attempts, r.claimed_until) for r in rows} == {i: (f"1.{i}", 1, None) for i in ids}
    assert 1 <= len(commits) < len(ids), "marks waiting together went in one transaction"


def test_a_failed_commit_reaches_every_sender_of_its_batch_and_the_next_mark_goes_through(
    sessions: sessionmaker[Session], clock: FixedClock, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _rows(sessions, clock, 2)
    marks = SentMarks(sessions=sessions, clock=clock)
    real = deliveries.mark_sent_many

    def broken(**_kw: Any) -> None:
        raise RuntimeError("database away")

    monkeypatch.setattr(deliveries, "mark_sent_many", broken)
    with pytest.raises(RuntimeError, match="database away"):
        marks.mark(delivery_id=ids[0], channel="D0X", ts="1.1")
    monkeypatch.setattr(deliveries, "mark_sent_many", real)
    marks.mark(delivery_id=ids[1], channel="D0X", ts="1.2")
    with Session(engine) as s:
        rows = s.execute(select(Delivery.id, Delivery.status).where(Delivery.id.in_(ids))).all()
    status = {delivery_id: value for delivery_id, value in rows}
    assert status == {ids[0]: "pending", ids[1]: "sent"}
