"""The dispatcher's ledger pass: rows it cannot send are left out, claims are won once."""

from __future__ import annotations

import gc
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.domain import deliveries as ledger
from bot.domain import delivery_batches as batches
from tests.delivery_support import enqueue_send

POST, UPDATE = "chat.postMessage", "chat.update"


def _enqueue(session: Session, clock: FixedClock, recipient: str, method: str, period: str) -> int:
    return enqueue_send(
        session, now=clock.now(), job="test", recipient=recipient, period=period, method=method, text=period
    ).id


def test_a_pass_leaves_out_busy_recipients_and_posts_to_gapped_channels(
    sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    with transaction(sessions) as session:
        post = _enqueue(session, clock, "C0REVIEW", POST, "p1")
        edit = _enqueue(session, clock, "C0REVIEW", UPDATE, "e1")
        dm = _enqueue(session, clock, "D0ENG1", POST, "d1")
        busy = _enqueue(session, clock, "D0ENG2", POST, "b1")
    with transaction(sessions) as session:
        every = batches.due_rows(session=session, now=clock.now(), limit=10)
        assert {r.id for r in every} == {post, edit, dm, busy}
        rows = batches.due_rows(
            session=session,
            now=clock.now(),
            limit=10,
            skip={"D0ENG2"},
            skip_posts_to={"C0REVIEW"},
            posting={POST},
        )
        assert {r.id for r in rows} == {edit, dm}, "the gapped channel's edit may still go"
        waiting = batches.waiting_recipients(session=session, now=clock.now(), among={"C0REVIEW", "C0NONE"})
        assert waiting == {"C0REVIEW"}


def test_claim_many_wins_each_row_once_and_loads_it(
    sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    with transaction(sessions) as session:
        ids = [_enqueue(session, clock, f"D0ENG{i}", POST, f"d{i}") for i in range(3)]
    lease = timedelta(seconds=60)
    with transaction(sessions) as session:
        first = batches.claim_many(session=session, now=clock.now(), delivery_ids=ids[:2], lease=lease)
        assert set(first.rows) == set(ids[:2]) and all(i in first for i in ids[:2])
    with transaction(sessions) as session:
        won = batches.claim_many(session=session, now=clock.now(), delivery_ids=ids, lease=lease)
        assert set(won.rows) == {ids[2]}, "rows another claim holds are not won again"
        assert batches.due_rows(session=session, now=clock.now(), limit=10) == []
    clock.advance(lease + timedelta(seconds=1))
    with transaction(sessions) as session:
        lapsed = batches.due_rows(session=session, now=clock.now(), limit=10)
        assert {r.id for r in lapsed} == set(ids) and all(r.lapsed for r in lapsed)


def test_a_claim_keeps_its_rows_and_their_parents_so_preparing_a_send_reads_nothing(
    sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    with transaction(sessions) as session:
        now = clock.now()
        post = enqueue_send(session, now=now, recipient="C0REVIEW", text="post", period="p")
        ledger.mark_sent_many(session=session, now=now, sent=[(post.id, "C0REVIEW", "1.1")])
        reply = enqueue_send(session, now=now, recipient="C0REVIEW", text="r", period="r", parent=post)
        ids = [reply.id, post.id]
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with transaction(sessions) as session:
        claimed = batches.claim_many(session=session, now=clock.now(), delivery_ids=ids, lease=timedelta(60))
        assert set(claimed.rows) == {reply.id} and set(claimed.parents) == {post.id}
        gc.collect()  # the identity map holds rows weakly: only the claim's own references keep them
        event.listen(Engine, "before_cursor_execute", record)
        try:
            row, parent = session.get(Delivery, reply.id), session.get(Delivery, post.id)
        finally:
            event.remove(Engine, "before_cursor_execute", record)
        assert row is not None and parent is not None and parent.ts == "1.1"
    assert statements == [], "the claimed row and its parent were read again"
