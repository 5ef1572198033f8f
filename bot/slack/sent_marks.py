"""Marks sends as sent in group commits: senders that finish together share one transaction.

Every send used to mark its row in a transaction of its own; on SQLite those queued on the
process's one write lock behind the interactions' writes, a sixth of all the lock's holds
(benchmarks/NOTES.md, fifth round). Here the first sender to arrive takes the lock for
every mark waiting at that moment, and each sender returns only once its own mark is
committed, so the window in which a crash could re-send a message is no wider than before
(a sender waited for the lock anyway); the ledger's recovery covers that window as before.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db.engine import transaction
from bot.domain import deliveries as ledger


@dataclass
class _Mark:
    delivery_id: int
    channel: str | None
    ts: str | None
    done: bool = False
    error: BaseException | None = field(default=None)


class SentMarks:
    """One committer at a time takes every mark waiting and commits them together."""

    def __init__(self, *, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock
        self._cond = threading.Condition()
        self._waiting: list[_Mark] = []
        self._committing = False

    def mark(self, *, delivery_id: int, channel: str | None, ts: str | None) -> None:
        """Record the send as sent; returns once that is committed, raises if it could not be."""
        mine = _Mark(delivery_id, channel, ts)
        with self._cond:
            self._waiting.append(mine)
            self._cond.wait_for(lambda: mine.done or not self._committing)
            if not mine.done:
                self._committing = True
                batch, self._waiting = self._waiting, []
        if not mine.done:
            self._commit(batch)
        if mine.error is not None:
            raise mine.error

    def _commit(self, batch: list[_Mark]) -> None:
        error: BaseException | None = None
        try:
            with transaction(self._sessions) as session:
                ledger.mark_sent_many(
                    session=session,
                    now=self._clock.now(),
                    sent=[(m.delivery_id, m.channel, m.ts) for m in batch],
                )
        except BaseException as exc:  # every sender in the batch hears it and retries its own
            error = exc
        with self._cond:
            for m in batch:
                m.done, m.error = True, error
            self._committing = False
            self._cond.notify_all()
