"""Sends what the delivery ledger owes: paced to Slack's limits, concurrent, retried, never twice.

A sending process runs one (`casebook serve`: its first worker). A pass reads due rows, reserves
a send slot for each from the :class:`~bot.slack.pacing.Pacer` (workspace cap plus the per-channel
gap), claims the rows it can send within a short horizon (a compare-and-set lease, so two processes
never send the same row), and hands them to a small thread pool that sleeps until each slot and
sends; sent marks are group-committed (:mod:`bot.slack.sent_marks`). At most one delivery per
channel is in flight in a process, so its messages go out in ledger order (a post before replies).

Failures: a 429 waits for its Retry-After (in the worker when short, through the
ledger's ``next_attempt_at`` when long) and pauses that channel in the pacer;
5xx and connection errors retry a couple of times in the worker and then with
capped exponential backoff through the ledger for the whole retry window (24 h by
default); permanent errors (``is_archived`` …) stop at once and alert the admins
(:mod:`bot.flows.delivery_faults`). A timeout, or a claim whose worker died, may
have reached Slack: such a row is re-checked against the channel's history before
it is sent again (:mod:`bot.slack.dispatcher_recovery`). Ledger times use the
injected clock; pacing and Retry-After waits use real time, as Slack does.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db.engine import read_transaction, transaction
from bot.db.models import Delivery
from bot.domain import deliveries as ledger
from bot.domain import delivery_batches as batches
from bot.slack import dispatcher_recovery as recovery
from bot.slack.dispatcher_ledger import LEASE, NETWORK_ERRORS, LedgerRecorder
from bot.slack.pacing import Pacer
from bot.slack.sending import (
    FINISHED,
    INLINE_BACKOFF,
    INLINE_MAX_WAIT,
    INLINE_TRIES,
    PACED_METHODS,
    Outcome,
    Send,
    classify,
    done,
    link_parent,
    post,
)
from bot.slack.sent_marks import SentMarks

__all__ = ["LEASE", "Dispatcher", "Outcome"]

log = logging.getLogger(__name__)
CHANNEL_HORIZON = 0.05  # a channel that cannot send within this is left for a later pass
KICK_COALESCE = 0.005  # seconds a woken loop waits for more kicks before its pass


class Dispatcher(LedgerRecorder):
    """Works through due deliveries; one loop thread and a small send pool per process."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        client: WebClient,
        clock: Clock,
        poll_seconds: float = 2.0,
        batch: int = 50,
        pacer: Pacer | None = None,
        threads: int = 4,
        horizon: float = 2.0,
        retry_window: timedelta = ledger.RETRY_WINDOW,
    ) -> None:
        self._sessions = sessions
        self._marks = SentMarks(sessions=sessions, clock=clock)
        self._window = retry_window
        self._client = client
        self._clock = clock
        self.poll_seconds = poll_seconds  # between looks when nothing kicks it
        self._pacer = pacer or Pacer(rate=5.0, channel_gap=1.0, channel_burst=5)
        # Enough rows per pass to keep the pool busy for the whole pacing horizon; the loop
        # reads the ledger again once half of them are done (not after every send).
        self._batch = max(batch, int(self._pacer.rate * horizon) + threads)
        self._low_water = self._batch // 2
        self._threads = threads
        self._horizon = horizon
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._lock = threading.Lock()
        self._inflight: dict[int, str] = {}  # delivery id -> key
        self._started: set[int] = set()
        self._cancelled: list[int] = []
        self._kicks = 0
        self._pool: ThreadPoolExecutor | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="casebook-dispatcher", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking work, finish sends already on the wire, give back unused claims."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            unused = [i for i in self._inflight if i not in self._started] + self._cancelled
            self._inflight.clear()
            self._cancelled = []
        if unused:
            try:
                with transaction(self._sessions) as session:
                    batches.release(session=session, delivery_ids=unused)
            except Exception:
                log.exception("could not release unused delivery claims")

    def kick(self) -> None:
        """Ask the loop to look for work now (after a commit that enqueued something)."""
        with self._lock:
            self._kicks += 1
        self._idle.clear()
        self._wake.set()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """For tests and shutdown: block until a pass found nothing more to do."""
        return self._idle.wait(timeout)

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix="casebook-send")
            return self._pool

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            with self._lock:
                kicks = self._kicks
                inflight = len(self._inflight)
            retry_in: float | None = None
            submitted: list[Future[str]] = []
            if inflight <= self._low_water:
                try:
                    submitted, retry_in = self._pump(limit=self._batch - inflight)
                except Exception:
                    log.exception("dispatcher pass failed")
                    retry_in = self.poll_seconds
            with self._lock:
                busy = bool(self._inflight)
                quiet = not busy and not submitted and retry_in is None and kicks == self._kicks
            if quiet:
                self._idle.set()
                woken = self._wake.wait(self.poll_seconds)
            elif len(submitted) >= self._batch - inflight and retry_in is None:
                continue  # the pass took all it could: more is due right behind it
            else:
                # Woken early by finished sends (at half a batch) or a kick; else when a channel frees up.
                woken = self._wake.wait(min(self.poll_seconds, retry_in if retry_in is not None else 0.5))
            if woken:
                # Kicks come one per committed interaction: a few ms lets a burst of them share
                # one pass instead of paying a ledger pass each (CPU per interaction, BENCHMARKS.md).
                self._stop.wait(KICK_COALESCE)

    # -- passes ----------------------------------------------------------------------
    def run_once(self) -> int:
        """One pass over due deliveries; returns how many were finished (sent/failed/missed)."""
        futures, _ = self._pump(limit=self._batch)
        return sum(1 for f in futures if f.result() in FINISHED)

    def _pump(self, *, limit: int) -> tuple[list[Future[str]], float | None]:
        """Reserve slots, claim and load what can go out within the horizon, and submit it.

        Returns the futures and, when due rows had to wait (a busy or paced channel,
        a full horizon), how many seconds until it is worth looking again.
        """
        now = self._clock.now()
        with self._lock:
            busy = set(self._inflight.values())
        paused, gapped = self._pacer.blocked(CHANNEL_HORIZON)
        # Reads only: on SQLite a pass takes no write lock (the acks' inserts need it).
        with read_transaction(self._sessions) as session:
            rows = batches.due_rows(
                session=session,
                now=now,
                limit=limit * 2,
                skip=busy | paused.keys(),
                skip_posts_to=gapped.keys(),
                posting=PACED_METHODS,
            )
            blocked = gapped | paused
            left_out = batches.waiting_recipients(session=session, now=now, among=blocked.keys())
        picked, expired, retry_in = self._pick(rows, now=now, limit=limit)
        # A channel left out of the pass with rows waiting: look again when it may send.
        waits = [min(self._horizon, max(0.05, blocked[key])) for key in left_out]
        retry_in = min([*waits, *([retry_in] if retry_in is not None else [])], default=None)
        futures, sends = self._claim(picked, expired, now=now)
        if sends:
            pool = self._executor()
            with self._lock:
                self._inflight.update({s.delivery_id: s.key for s in sends})
            for send in sends:
                future = pool.submit(self._run, send)
                future.add_done_callback(functools.partial(self._finished, send.delivery_id))
                futures.append(future)
        return futures, retry_in

    def _pick(
        self, rows: list[batches.DueRow], *, now: datetime, limit: int
    ) -> tuple[list[tuple[batches.DueRow, float]], list[batches.DueRow], float | None]:
        """Split due rows into (row, pacer slot) to send, rows past their grace, and when to look again."""
        with self._lock:
            busy = set(self._inflight.values())
        picked: list[tuple[batches.DueRow, float]] = []
        expired: list[batches.DueRow] = []
        waits: list[float] = []
        for row in rows:
            if row.grace_until is not None and now > row.grace_until:
                expired.append(row)
                continue
            paced = row.method in PACED_METHODS
            if row.key in busy:
                waits.append(self._horizon)  # woken earlier when the in-flight send finishes
                continue
            if len(picked) >= limit:
                waits.append(0.05)
                continue
            slot = self._pacer.reserve(
                row.key, paced=paced, horizon=self._horizon, channel_horizon=CHANNEL_HORIZON
            )
            if slot is None:
                waits.append(max(0.05, min(self._pacer.ready_in(row.key, paced=paced), self._horizon)))
                continue
            busy.add(row.key)
            picked.append((row, slot))
        return picked, expired, min(waits) if waits else None

    def _claim(
        self, picked: list[tuple[batches.DueRow, float]], expired: list[batches.DueRow], *, now: datetime
    ) -> tuple[list[Future[str]], list[Send]]:
        """Claim the picked rows (and record the expired ones missed) in one transaction."""
        futures: list[Future[str]] = []
        sends: list[Send] = []
        token = now + LEASE
        with transaction(self._sessions) as session:
            won = batches.claim_many(
                session=session,
                now=now,
                delivery_ids=[row.id for row in expired] + [row.id for row, _ in picked],
                lease=LEASE,
            )
            for row in expired:
                if row.id in won:
                    delivery = self._load(session, row.id)
                    ledger.mark_missed(session=session, delivery=delivery, reason="past its grace window")
                    futures.append(done(Outcome.MISSED))
            for row, slot in picked:
                if row.id not in won:
                    continue
                prepared = self._prepare(session, row.id, lapsed=row.lapsed)
                if isinstance(prepared, str):
                    futures.append(done(prepared))
                else:
                    sends.append(dataclasses.replace(prepared, slot=slot, token=token))
        return futures, sends

    def _finished(self, delivery_id: int, future: Future[str]) -> None:
        with self._lock:
            self._inflight.pop(delivery_id, None)
            self._started.discard(delivery_id)
            if future.cancelled():
                self._cancelled.append(delivery_id)
            drained = len(self._inflight) <= self._low_water
        if drained:
            self._wake.set()

    def send_one(self, delivery_id: int) -> str:
        """Claim, send and record one delivery; no database lock is held while Slack is called."""
        now = self._clock.now()
        with transaction(self._sessions) as session:
            if not ledger.claim(session=session, now=now, delivery_id=delivery_id, lease=LEASE):
                return Outcome.LOST
            prepared = self._prepare(session, delivery_id)
        if isinstance(prepared, str):
            return prepared
        slot = self._pacer.reserve(prepared.key, paced=prepared.paced) or 0.0
        return self._run(dataclasses.replace(prepared, slot=slot, token=now + LEASE))

    # -- one delivery ------------------------------------------------------------------
    def _prepare(self, session: Session, delivery_id: int, *, lapsed: bool = False) -> Send | str:
        """Load a just-claimed row: the payload to send, or why it must not be sent (now, or ever).

        ``lapsed``: the row's previous claim ran out unfinished, so its send may have happened.
        """
        now = self._clock.now()
        delivery = self._load(session, delivery_id)
        if delivery.grace_until is not None and now > delivery.grace_until:
            ledger.mark_missed(session=session, delivery=delivery, reason="past its grace window")
            return Outcome.MISSED
        payload = dict(delivery.payload)
        parent_field = payload.pop("_parent", None)
        if delivery.parent_id is not None:
            parent = session.get(Delivery, delivery.parent_id)
            if parent is None or parent.status in ("failed", "missed", "skipped"):
                ledger.mark_failed(
                    session=session, delivery=delivery, reason="parent message was not delivered"
                )
                return Outcome.FAILED
            if parent.status != "sent":
                delivery.claimed_until = None
                delivery.next_attempt_at = now + timedelta(seconds=1)
                return Outcome.WAITING
            if parent_field == "link":  # posted elsewhere, linking to the parent (bot.flows.alert_notes)
                payload = link_parent(payload, channel=parent.channel, ts=parent.ts)
            else:
                payload[str(parent_field or "thread_ts")] = parent.ts
            if parent_field == "ts":
                payload["channel"] = parent.channel
        suspect = lapsed or (delivery.last_error or "").startswith(recovery.AMBIGUOUS)
        return Send(
            delivery.id,
            delivery.method,
            delivery.job,
            delivery.recipient,
            payload,
            suspect=suspect and delivery.method == "chat.postMessage",
        )

    def _run(self, send: Send) -> str:
        with self._lock:
            self._started.add(send.delivery_id)
        try:
            return self._send(send)
        except Exception:
            log.exception("delivery crashed", extra={"delivery_id": send.delivery_id})
            return self._retry(send.delivery_id, "internal error while sending", None)

    def _send(self, send: Send) -> str:
        slot, token, error, suspect = send.slot, send.token, "", send.suspect
        for attempt in range(INLINE_TRIES):
            if not self._pacer.wait(slot, self._stop) or not self._pacer.admit(self._stop):
                return self._give_back(send.delivery_id)
            if attempt and token is not None:
                token = self._renew(send.delivery_id, token)  # we slept: is the row still ours?
                if token is None:
                    return Outcome.LOST
            if suspect:
                settled = self._already_sent(send)
                if settled is not None:
                    return settled
            started = time.monotonic()
            try:
                channel, ts = post(self._client, send.method, send.payload, delivery_id=send.delivery_id)
            except SlackApiError as exc:
                error, wait = classify(exc)
                if error in ledger.PERMANENT_ERRORS or wait is None:
                    return self._fail(send, error)
                if error == "ratelimited":
                    self._pacer.pause(send.key, wait)
                    if wait > INLINE_MAX_WAIT:
                        return self._retry(send.delivery_id, _marked(error, suspect), timedelta(seconds=wait))
                else:
                    wait = INLINE_BACKOFF[min(attempt, len(INLINE_BACKOFF) - 1)]
            except NETWORK_ERRORS as exc:
                error = f"network: {exc}"
                wait = INLINE_BACKOFF[min(attempt, len(INLINE_BACKOFF) - 1)]
                if send.method == "chat.postMessage" and recovery.is_ambiguous(exc):
                    # It may still arrive: give Slack as long again, then look before re-posting.
                    suspect, error = True, f"{recovery.AMBIGUOUS}: {exc}"
                    wait = max(wait, float(self._client.timeout))
            else:
                return self._sent(send, started, channel, ts)
            if attempt + 1 < INLINE_TRIES:
                log.info("delivery retrying", extra={"delivery_id": send.delivery_id, "error": error[:100]})
                if self._stop.wait(wait):
                    return self._give_back(send.delivery_id)
                slot = self._pacer.reserve(send.key, paced=send.paced) or 0.0
        return self._retry(send.delivery_id, _marked(error, suspect), None)


def _marked(error: str, suspect: bool) -> str:
    """Keep a row suspect until it is sent: an earlier post may still land after a later 5xx."""
    if suspect and not error.startswith(recovery.AMBIGUOUS):
        return f"{recovery.AMBIGUOUS}: {error}"
    return error
