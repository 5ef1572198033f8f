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
import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from slack_bolt import App
from slack_bolt.kwargs_injection import build_required_kwargs
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_bolt.request import BoltRequest
from slack_bolt.util.utils import get_arg_names_of_callable, get_name_for_callable
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db.engine import transaction
from bot.domain import inbox

log = logging.getLogger(__name__)
LAZY_ONLY = "x-slack-bolt-lazy-only"
LAZY_NAME = "x-slack-bolt-lazy-function-name"


def work_key(function: str, body: str) -> str:
    """The inbox key: the same work on the same signed body is the same row, whoever sends it."""
    return hashlib.sha256(f"{function}\n{body}".encode()).hexdigest()


class DurableLazyRunner(LazyListenerRunner):
    """Stores lazy work in the inbox (start), and runs it without swallowing errors (run)."""

    def __init__(
        self, *, sessions: sessionmaker[Session], clock: Clock, on_stored: Callable[[], None]
    ) -> None:
        self.logger = log
        self.sessions = sessions
        self.clock = clock
        self.on_stored = on_stored

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        name = request.lazy_function_name or get_name_for_callable(function)
        content_type = (request.headers.get("content-type") or ["application/x-www-form-urlencoded"])[0]
        with transaction(self.sessions) as session:
            stored = inbox.receive(
                session=session,
                now=self.clock.now(),
                key=work_key(name, request.raw_body),
                function=name,
                body=request.raw_body,
                content_type=content_type,
            )
        if stored:
            self.on_stored()
        else:
            log.info("replayed request ignored", extra={"function": name})

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


def strip_lazy_headers(headers: dict[str, list[str]]) -> dict[str, list[str]]:
    """Headers from a client, without the ones that would make Bolt run deferred work inline."""
    return {k: v for k, v in headers.items() if k.lower() not in (LAZY_ONLY, LAZY_NAME)}


class InboxWorker:
    """Claims stored work and runs it through the worker Bolt app, a batch at a time."""

    def __init__(
        self,
        *,
        bolt: App,
        sessions: sessionmaker[Session],
        clock: Clock,
        batch: int = 8,
        lease: timedelta = timedelta(minutes=2),
        poll: float = 0.05,
    ) -> None:
        self.bolt = bolt
        self.sessions = sessions
        self.clock = clock
        self.batch = batch
        self.lease = lease
        self.poll = poll
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def kick(self) -> None:
        """Look for work now instead of at the next poll."""
        self._wake.set()

    def run_once(self) -> int:
        """Claim and run one batch; the number of rows run."""
        with transaction(self.sessions) as session:
            claimed = inbox.claim(session=session, now=self.clock.now(), lease=self.lease, limit=self.batch)
        for work in claimed:
            self._run(work)
        return len(claimed)

    def _run(self, work: inbox.Work) -> None:
        request = BoltRequest(
            body=work.body,
            headers={"content-type": [work.content_type], LAZY_ONLY: ["1"], LAZY_NAME: [work.function]},
        )
        try:
            response = self.bolt.dispatch(request)
            error = None if response.status < 500 else f"status {response.status}: {response.body[:200]}"
        except Exception as exc:  # the worker outlives any one piece of work
            log.exception("inbox work raised", extra={"function": work.function})
            error = f"{type(exc).__name__}: {exc}"
        with transaction(self.sessions) as session:
            now = self.clock.now()
            if error is None:
                inbox.finish(session=session, now=now, item_id=work.id)
            else:
                inbox.retry(session=session, now=now, item_id=work.id, attempts=work.attempts, error=error)

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
        """Run in a background thread until :meth:`stop`."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="inbox-worker", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                ran = self.run_once()
            except Exception:  # the database may be away; try again at the next poll
                log.exception("inbox claim failed")
                ran = 0
            if not ran:
                self._wake.wait(self.poll)
                self._wake.clear()

    def stop(self, timeout: float = 20.0) -> None:
        """Finish the batch in hand and stop."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
