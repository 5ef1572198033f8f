"""create_app(): build the Bolt apps, their dependencies and background workers — nothing at import.

Two Bolt apps share the listeners. The *front* app answers Slack: it checks the signature,
runs each listener's pure ack function and stores the listener's lazy work in the inbox
before the ack leaves (bot.web.inbox). The *worker* app runs that stored work, off the
request path: in `casebook worker` processes (spawned by `casebook serve`), or in a thread
of this process for `casebook socket`, the sandbox and the tests.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory, transaction
from bot.db.inbox_store import InboxStore, open_inbox
from bot.deps import Deps
from bot.domain.library import Library, load_library, resolve_dir
from bot.domain.scenario_sync import sync_library
from bot.jobs.scheduler import Scheduler
from bot.logs import new_request_id, request_id
from bot.program import Program
from bot.slack import middleware
from bot.slack.client import make_client
from bot.slack.dispatcher import Dispatcher
from bot.slack.listeners import (
    admin,
    assessment,
    commands,
    home,
    lessons,
    ooo,
    post_survey,
    practice,
    reflections,
    reviews,
    stats,
    survey,
    sync,
)
from bot.slack.listeners import calib as calib_listeners
from bot.slack.listeners import incidents as incident_listeners
from bot.slack.listeners import leavers as leaver_listeners
from bot.slack.listeners import log as live_log
from bot.slack.listeners import metrics as metrics_listeners
from bot.slack.listeners import patterns as pattern_listeners
from bot.slack.listeners import policy_feedback as policy_feedback_listeners
from bot.slack.listeners import report as report_listeners
from bot.slack.listeners import review2 as review2_listeners
from bot.slack.listeners import training as training_listeners
from bot.slack.pacing import Pacer
from bot.slack.router import CommandRouter
from bot.slack.util import SERVER_ERROR, reply_error
from bot.web.inbox import DurableLazyRunner, InboxWorker, make_durable

log = logging.getLogger(__name__)

# Each module exposes register(app, deps); order decides help listing order.
LISTENER_MODULES: list[Any] = [commands, home, practice, assessment, live_log, stats, reviews, admin]
LISTENER_MODULES += [metrics_listeners, report_listeners, incident_listeners, leaver_listeners]
LISTENER_MODULES += [sync, survey, ooo]
LISTENER_MODULES += [training_listeners]
LISTENER_MODULES += [reflections, lessons, post_survey]
LISTENER_MODULES += [policy_feedback_listeners]
LISTENER_MODULES += [calib_listeners]
LISTENER_MODULES += [pattern_listeners]
LISTENER_MODULES += [review2_listeners]


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool that carries the submitting request's context (its request id) along."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        ctx = contextvars.copy_context()
        return super().submit(ctx.run, fn, *args, **kwargs)


@dataclass
class Casebook:
    """The assembled service: the front and worker Bolt apps, their dependencies and background work."""

    bolt: App
    deps: Deps
    executor: ThreadPoolExecutor
    worker_bolt: App
    inbox: InboxWorker
    store: InboxStore

    def start_background(
        self, *, scheduler: bool = False, inbox: bool = True, dispatcher: bool = True
    ) -> None:
        """Start the outbox dispatcher and the inbox worker, and the scheduler when asked."""
        if dispatcher:
            self.deps.dispatcher.start()
        if inbox:
            self.inbox.start()
        if scheduler:
            for service in self.deps.services:
                service.start()

    def shutdown(self, timeout: float = 20.0) -> None:
        """Let in-flight work finish, then stop background work."""
        self.executor.shutdown(wait=True)
        self.inbox.stop(timeout)
        for service in self.deps.services:
            service.stop()
        self.deps.dispatcher.stop(timeout)
        self.store.close()


def _retry_in_background(task: Callable[[], None], *, every: float = 5.0, attempts: int = 720) -> None:
    def run() -> None:
        for _ in range(attempts):
            time.sleep(every)
            try:
                task()
                log.info("deferred scenario sync done")
                return
            except DBAPIError:
                continue

    threading.Thread(target=run, name="deferred-sync", daemon=True).start()


def sync_scenarios(*, sessions: sessionmaker[Session], clock: Clock, library: Library) -> None:
    """Bring scenario versions in line with the library at start-up (idempotent, multi-process safe)."""
    with transaction(sessions) as session:
        report = sync_library(session=session, now=clock.now(), library=library)
    if report.changed:
        log.info(
            "scenario library synced",
            extra={  # LogRecord reserves names like "created"; these are prefixed
                "scenarios_created": len(report.created),
                "scenarios_new_versions": len(report.new_versions),
                "scenarios_retired": len(report.retired),
            },
        )


def _dispatcher(settings: Settings, *, sessions: sessionmaker[Session], clock: Clock) -> Dispatcher:
    """The outbox sender, with its own client: the ledger does the retrying, not the SDK."""
    return Dispatcher(
        sessions=sessions,
        client=make_client(settings, retries=False),
        clock=clock,
        pacer=Pacer(
            rate=settings.casebook_slack_rate,
            channel_gap=settings.casebook_slack_channel_gap,
            channel_burst=settings.casebook_slack_channel_burst,
        ),
        threads=settings.casebook_dispatch_threads,
        retry_window=timedelta(hours=settings.casebook_delivery_retry_hours),
    )


def _library(settings: Settings, *, sessions: sessionmaker[Session], clock: Clock) -> Library:
    """The scenario library, loaded and synced into the database (later, if it is not up yet)."""
    library = load_library(resolve_dir(settings.casebook_scenarios))
    try:
        sync_scenarios(sessions=sessions, clock=clock, library=library)
    except DBAPIError:
        # The database may come up after us (compose, k8s): serve /healthz as 503 meanwhile
        # and keep trying in the background instead of crashing the process.
        log.warning("database unreachable at start-up; scenario sync will be retried")
        _retry_in_background(lambda: sync_scenarios(sessions=sessions, clock=clock, library=library))
    return library


def _bolt(settings: Settings, *, client: WebClient, executor: ThreadPoolExecutor, front: bool) -> App:
    """A Bolt app: acks answered after the ack function (and the inbox row), request ids, error answers.

    The front app takes signed requests only; the worker app's come from the inbox, verified
    when they arrived (their signatures may have expired by the time a retry runs)."""
    bot_token = settings.slack_bot_token or ""

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        # One workspace, one bot token: no auth.test round trip before the first ack
        # (Bolt's default does one, and a slow Slack would delay that ack by its latency).
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=bot_token)

    bolt = App(
        logger=_bolt_logger(),
        signing_secret=settings.slack_signing_secret or "",
        client=client,
        authorize=authorize,
        process_before_response=True,
        listener_executor=executor,
        raise_error_for_unhandled_request=False,
        request_verification_enabled=front,
    )
    bolt.middleware(_tag_request)
    bolt.middleware(_reject_malformed)
    bolt.error(_on_error)
    return bolt


class _ExpectedBoltNotice(logging.Filter):
    """Drops Bolt's start-up notices that SLACK_BOT_TOKEN is ignored: our client and ``authorize``
    use it on purpose, so the warning at every start would only teach people to skip warnings."""

    NOTICES = (
        "As `installation_store` or `authorize` has been used",
        "As you gave `client` as well, `token` will be unused",
    )

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(self.NOTICES)


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("slack_bolt.App")
    if not any(isinstance(f, _ExpectedBoltNotice) for f in logger.filters):
        logger.addFilter(_ExpectedBoltNotice())
    return logger


def _tag_request(
    body: dict[str, Any], request: BoltRequest, next: Callable[[], BoltResponse]
) -> BoltResponse:
    """Give every request an id that its log lines carry; stored work replayed by a worker keeps its own."""
    if request_id.get() == "-":
        request_id.set(new_request_id())
    if not request.lazy_only:  # a replay from the inbox is not a second Slack request
        log.debug("slack request", extra={"type": body.get("type") or "command"})
    return next()


INTERACTIVE = frozenset({"block_actions", "view_submission", "view_closed", "message_action", "shortcut"})


def _reject_malformed(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
    """A signed payload without what its type needs (``actions: []``, a view without an id) gets 400."""
    kind = body.get("type")
    actions = body.get("actions")
    if kind == "block_actions" and not (
        isinstance(actions, list)
        and actions
        and all(isinstance(a, dict) and a.get("action_id") for a in actions)
    ):
        return _malformed("block_actions without actions")
    if kind in ("view_submission", "view_closed") and not isinstance(body.get("view"), dict):
        return _malformed(f"{kind} without a view")
    if kind in INTERACTIVE and not isinstance(body.get("user"), dict):
        return _malformed(f"{kind} without a user")
    return next()


def _malformed(why: str) -> BoltResponse:
    log.warning("malformed Slack payload", extra={"error": why})
    return BoltResponse(status=400, body='{"error":"malformed_payload"}')


def _on_error(error: Exception) -> BoltResponse:
    """What Bolt answers when a listener raised before acking."""
    # A signed but malformed payload (missing keys, wrong types) is the sender's fault:
    # answer 400 instead of Bolt's bare 500, and never show a traceback to anyone.
    if isinstance(error, (LookupError, TypeError, ValueError, AttributeError)):
        log.warning("malformed Slack payload", extra={"error": type(error).__name__})
        return BoltResponse(status=400, body='{"error":"malformed_payload"}')
    log.error("unhandled listener error", exc_info=error)
    return BoltResponse(status=500, body='{"error":"internal_error"}')


def create_app(
    settings: Settings,
    *,
    program: Program | None = None,
    clock: Clock | None = None,
    engine: Engine | None = None,
    client: WebClient | None = None,
) -> Casebook:
    """Assemble Casebook from explicit inputs; tests pass their own clock, engine and client."""
    clock = clock or SystemClock()
    engine = engine or make_engine(settings.database_url, pool_size=settings.casebook_db_pool)
    sessions = make_session_factory(engine, audit_keyring=settings.audit_keyring())
    client = client or make_client(settings)
    deps = Deps(
        settings=settings,
        program=program or settings.load_program(),
        engine=engine,
        sessions=sessions,
        clock=clock,
        client=client,
        dispatcher=_dispatcher(settings, sessions=sessions, clock=clock),
        router=CommandRouter(),
        library=_library(settings, sessions=sessions, clock=clock),
    )
    deps.services.append(Scheduler(deps=deps))
    executor = ContextExecutor(max_workers=settings.casebook_threads, thread_name_prefix="listener")
    bolt = _bolt(settings, client=client, executor=executor, front=True)
    worker_bolt = _bolt(settings, client=client, executor=executor, front=False)
    store = open_inbox(engine, sessions)
    worker = InboxWorker(bolt=worker_bolt, sessions=store.work, clock=clock)
    receipts = DurableLazyRunner(
        sessions=store.receipts, clock=clock, on_stored=worker.kick, on_not_stored=_not_stored
    )
    make_durable(bolt, receipts)
    make_durable(worker_bolt, DurableLazyRunner(sessions=store.work, clock=clock, on_stored=worker.kick))
    for app in (bolt, worker_bolt):
        middleware.install(app, deps)  # before the listeners: they read deps and the caller from context
    for module in LISTENER_MODULES:
        module.register(bolt, deps)
    # The same listeners (matchers, ack and lazy functions) answer in the front and work in the worker.
    worker_bolt._listeners = list(bolt._listeners)  # Bolt has no listener-copying API
    return Casebook(
        bolt=bolt, deps=deps, executor=executor, worker_bolt=worker_bolt, inbox=worker, store=store
    )


def _not_stored(request: BoltRequest) -> None:
    """The inbox could not take the work (the database is away): say so by response_url, if any."""
    respond = request.context.respond
    if respond is None:
        return  # an event or an App Home click: Slack shows nothing, and the person may click again

    def send() -> None:
        try:
            reply_error(respond, SERVER_ERROR)
        except Exception:  # Slack away too: nothing more to do
            log.warning("could not tell the caller their request was not stored")

    threading.Thread(target=send, name="not-stored", daemon=True).start()
