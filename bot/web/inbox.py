"""The durable receipt: Bolt's lazy listeners, stored in the inbox before the ack and run by workers.

Each listener is an ``ack`` function (pure: parse, validate, answer) plus ``lazy`` work.
Bolt runs with ``process_before_response=True``, so the ack function runs in the request
thread and Bolt hands each lazy function to its lazy-listener runner *before* it returns
the response. :class:`DurableLazyRunner` is that runner: instead of starting the work in a
thread it commits one inbox row, so once Slack has its 200 the work is on disk. A crash
after the ack loses nothing; a replay of the same signed body stores nothing new.

:class:`InboxWorker` claims rows and replays each through a worker Bolt app as a
"lazy-only" request (Bolt's own mechanism for deferred work, as its Lambda adapter uses),
which runs just the named lazy function, synchronously, with the original payload.
The worker app skips signature checks: its requests come from our own inbox, verified
when they arrived; the front end strips Bolt's lazy headers from what clients send.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta

from slack_bolt import App, BoltResponse
from slack_bolt.kwargs_injection import build_required_kwargs
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_bolt.listener.thread_runner import ThreadListenerRunner
from slack_bolt.request import BoltRequest
from slack_bolt.util.utils import get_arg_names_of_callable, get_name_for_callable
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db.engine import read_transaction, transaction
from bot.domain import inbox
from bot.logs import request_id

log = logging.getLogger(__name__)
LAZY_ONLY = "x-slack-bolt-lazy-only"
LAZY_NAME = "x-slack-bolt-lazy-function-name"
ATTEMPT = "x-casebook-inbox-attempt"  # set by the worker: which attempt at this row this run is
FINAL = "x-casebook-inbox-final"  # set by the worker on the last attempt: errors must be told now
ROW = "x-casebook-inbox-row"  # set by the worker: "inbox-<row>", the key of effects with no key of their own
NOT_STORED = "inbox_not_stored"  # context key: the ack to answer instead when the row cannot be stored
SKIP = "inbox_skip"  # context key: the ack refused the request, so there is no work to store
Refusal = Callable[[BoltRequest], None]
PURGE_EVERY_S = 60.0  # how often the first worker loop forgets old finished rows


def work_key(function: str, body: str) -> str:
    """The inbox key: the same work on the same signed body is the same row, whoever sends it."""
    return hashlib.sha256(f"{function}\n{body}".encode()).hexdigest()


class DurableLazyRunner(LazyListenerRunner):
    """Stores lazy work in the inbox (start), and runs it without swallowing errors (run)."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        clock: Clock,
        on_stored: Callable[[], None],
        on_not_stored: Refusal | None = None,
    ) -> None:
        self.logger = log
        self.sessions = sessions
        self.clock = clock
        self.on_stored = on_stored
        self.on_not_stored = on_not_stored

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        ack = request.context.ack
        if request.context.get(SKIP) or _refused(ack.response if ack is not None else None):
            return  # the ack answered with errors (or failed): nothing was accepted, so nothing to do
        name = request.lazy_function_name or get_name_for_callable(function)
        content_type = (request.headers.get("content-type") or ["application/x-www-form-urlencoded"])[0]
        try:
            with transaction(self.sessions) as session:
                stored = inbox.receive(
                    session=session,
                    now=self.clock.now(),
                    key=work_key(name, request.raw_body),
                    function=name,
                    body=request.raw_body,
                    content_type=content_type,
                )
        except DBAPIError:
            # Not on disk, so not accepted: the person must hear so now, in the answer itself
            # when it can carry it (a form's inline error), else by response_url.
            log.warning("inbox unavailable; request refused", extra={"function": name})
            self._not_stored(request)
            return
        if stored:
            self.on_stored()
        else:
            log.info("replayed request ignored", extra={"function": name})

    def _not_stored(self, request: BoltRequest) -> None:
        ack = request.context.ack
        answer = request.context.get(NOT_STORED)
        if ack is not None and ack.response is not None and isinstance(answer, dict):
            ack.response.body = json.dumps(answer)
            ack.response.headers["content-type"] = ["application/json;charset=utf-8"]
        elif self.on_not_stored is not None:
            self.on_not_stored(request)

    def run(self, function: Callable[..., None], request: BoltRequest) -> None:
        # Bolt's default logs and swallows errors; here they reach App.dispatch, whose error
        # handler answers 5xx, so the worker knows to retry instead of marking the row done.
        kwargs = build_required_kwargs(
            logger=self.logger,
            required_arg_names=get_arg_names_of_callable(function),
            request=request,
            response=None,
            this_func=function,
        )
        function(**kwargs)


def _refused(response: BoltResponse | None) -> bool:
    """True when the ack turned the request down (an error status, or a form's inline errors)."""
    if response is None:
        return False
    if response.status >= 300:
        return True
    body = response.body if isinstance(response.body, str) else ""
    if not body.startswith("{"):
        return False
    try:
        return bool(json.loads(body).get("response_action") == "errors")
    except ValueError:
        return False


class DurableListenerRunner(ThreadListenerRunner):
    """Bolt's listener runner, handing lazy work to the inbox with the live request.

    Bolt deep-copies the request for each lazy function (it would run in another thread);
    the inbox stores only the raw body, and needs the live ``ack`` to answer when the row
    cannot be stored, so the copy is skipped.
    """

    def _start_lazy_function(self, lazy_func: Callable[..., None], request: BoltRequest) -> None:
        self.lazy_listener_runner.start(function=lazy_func, request=request)


def make_durable(app: App, runner: DurableLazyRunner) -> None:
    """Give ``app`` the durable runners (Bolt builds its own in App(); they are swapped here)."""
    old = app.listener_runner
    durable = DurableListenerRunner(
        logger=old.logger,
        process_before_response=True,
        listener_error_handler=old.listener_error_handler,
        listener_start_handler=old.listener_start_handler,
        listener_completion_handler=old.listener_completion_handler,
        listener_executor=old.listener_executor,
        lazy_listener_runner=runner,
    )
    app._listener_runner = durable  # Bolt offers no setter for its runner


def strip_lazy_headers(headers: dict[str, list[str]]) -> dict[str, list[str]]:
    """Headers from a client, without the ones that would make Bolt run deferred work inline."""
    return {k: v for k, v in headers.items() if k.lower() not in (LAZY_ONLY, LAZY_NAME, ROW)}


class InboxWorker:
    """Claims stored work and runs it through the worker Bolt app, a batch at a time.

    ``threads`` loops run side by side: each row's work spends much of its time waiting on
    Slack and on the database, so one loop leaves the CPU idle while rows queue (measured:
    one loop capped the service at ~50 interactions/s on 2 cores). Only the first loop polls;
    the others sleep until it (or a kick) finds more work than one batch.
    """

    def __init__(
        self,
        *,
        bolt: App,
        sessions: sessionmaker[Session],
        clock: Clock,
        batch: int = 8,
        lease: timedelta = timedelta(minutes=2),
        poll: float = 0.05,
        threads: int = 1,
    ) -> None:
        self.bolt = bolt
        self.sessions = sessions
        self.clock = clock
        self.batch = batch
        self.lease = lease
        self.poll = poll
        self.threads = max(1, threads)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._idle = threading.Condition()
        self._in_flight = 0  # claims under way or rows claimed and not yet finished, in this process
        self._purged_at = 0.0  # monotonic time of the last purge of finished rows
        bind = sessions.kw.get("bind")
        self._sqlite = bind is None or bind.dialect.name == "sqlite"

    def kick(self) -> None:
        """Look for work now instead of at the next poll."""
        self._wake.set()

    def run_once(self, *, look_first: bool = True) -> int:
        """Claim and run one batch; the number of rows run.

        ``look_first=False``: the last batch came back full, so work is almost surely due and
        the read that would look for it first is skipped."""
        self._busy(+1)  # counted from before the claim, so wait_idle never sees a claimed row as idle
        try:
            # Polls mostly find nothing: on SQLite, looking first with a read keeps the write
            # lock, which every ack's insert needs, free of them (PostgreSQL's claim locks only
            # the rows it takes, so there the extra look would be pure cost).
            if self._sqlite and look_first:
                with read_transaction(self.sessions) as session:
                    if not inbox.any_due(session=session, now=self.clock.now()):
                        return 0
            with transaction(self.sessions) as session:
                claimed = inbox.claim(
                    session=session, now=self.clock.now(), lease=self.lease, limit=self.batch
                )
            outcomes = [(work, self._run(work)) for work in claimed]
            if outcomes:
                self._settle(outcomes)
            return len(claimed)
        finally:
            self._busy(-1)

    def _busy(self, change: int) -> None:
        with self._idle:
            self._in_flight += change
            if not self._in_flight:
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Run what is due here, then wait for this process's other runs to finish (tests, shutdown)."""
        self.drain()
        with self._idle:
            return self._idle.wait_for(lambda: not self._in_flight, timeout)

    def _settle(self, outcomes: list[tuple[inbox.Work, str | None]]) -> None:
        """Mark a batch's rows done (or due again) in one transaction: one commit, not one per row.

        A crash before it leaves the batch claimed; its lease runs out and the rows run again,
        which the listeners' idempotency keys make harmless, as for a crash during the work."""
        with transaction(self.sessions) as session:
            now = self.clock.now()
            done = [work.id for work, error in outcomes if error is None]
            inbox.finish_many(session=session, now=now, item_ids=done)
            for work, error in outcomes:
                if error is not None:
                    inbox.retry(
                        session=session, now=now, item_id=work.id, attempts=work.attempts, error=error
                    )

    def _run(self, work: inbox.Work) -> str | None:
        """Run one row's work; None when it ran to the end, else the error to retry on."""
        headers: dict[str, str | Sequence[str]] = {
            "content-type": [work.content_type],
            LAZY_ONLY: ["1"],
            LAZY_NAME: [work.function],
        }
        headers[ATTEMPT] = [str(work.attempts)]
        headers[ROW] = [f"inbox-{work.id}"]
        if work.attempts >= inbox.MAX_ATTEMPTS:
            headers[FINAL] = ["1"]
        request = BoltRequest(body=work.body, headers=headers)
        token = request_id.set(f"inbox-{work.id}")  # the stored work's log lines say which row they ran
        try:
            response = self.bolt.dispatch(request)
            error = None if response.status < 500 else f"status {response.status}: {response.body[:200]}"
        except Exception as exc:  # the worker outlives any one piece of work
            log.exception("inbox work raised", extra={"function": work.function})
            error = f"{type(exc).__name__}: {exc}"
        finally:
            request_id.reset(token)
        return error

    def drain(self, *, rounds: int = 100) -> int:
        """Run until nothing is due (tests and shutdown); the number of rows run."""
        total = 0
        for _ in range(rounds):
            ran = self.run_once()
            total += ran
            if not ran:
                break
        return total

    def start(self) -> None:
        """Run in ``threads`` background threads until :meth:`stop`."""
        self._stop.clear()
        self._threads = [
            threading.Thread(target=self._loop, args=(n,), name=f"inbox-worker-{n}", daemon=True)
            for n in range(self.threads)
        ]
        for thread in self._threads:
            thread.start()

    def purge(self) -> int:
        """Forget rows finished long enough ago that no replay of theirs can still be signed."""
        self._purged_at = time.monotonic()
        with transaction(self.sessions) as session:
            return inbox.purge_done(session=session, now=self.clock.now())

    def _loop(self, n: int = 0) -> None:
        # The first loop polls; the others wake when a batch came back full (more is waiting),
        # so an idle worker costs one claim per poll, not one per thread.
        wait = self.poll if n == 0 else max(1.0, self.poll)
        ran = 0
        while not self._stop.is_set():
            try:
                if n == 0 and time.monotonic() - self._purged_at >= PURGE_EVERY_S:
                    self.purge()
                ran = self.run_once(look_first=ran < self.batch)
            except Exception:  # the database may be away; try again at the next poll
                log.exception("inbox claim failed")
                ran = 0
            if ran >= self.batch and self.threads > 1:
                self._wake.set()  # a full batch: the rest of the loops take what follows it
            elif not ran:
                self._wake.wait(wait)
                self._wake.clear()

    def stop(self, timeout: float = 20.0) -> None:
        """Finish the batches in hand and stop."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []
