"""create_app(): build the Bolt app, its dependencies and background workers — nothing at import."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.jobs.scheduler import Scheduler
from bot.logs import new_request_id, request_id
from bot.program import Program
from bot.slack.client import make_client
from bot.slack.deps import Deps
from bot.slack.dispatcher import Dispatcher
from bot.slack.listeners import commands, home, ooo, survey, sync
from bot.slack.pacing import Pacer
from bot.slack.router import CommandRouter

log = logging.getLogger(__name__)

# Each module exposes register(app, deps); order decides help listing order.
LISTENER_MODULES: list[Any] = [commands, home, sync, survey, ooo]


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool that carries the submitting request's context (its request id) along."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        ctx = contextvars.copy_context()
        return super().submit(ctx.run, fn, *args, **kwargs)


@dataclass
class Casebook:
    """The assembled service: the Bolt app, its dependencies and its background workers."""

    bolt: App
    deps: Deps
    executor: ThreadPoolExecutor

    def start_background(self, *, scheduler: bool = False) -> None:
        """Start the outbox dispatcher, and the scheduler when this process should run one."""
        self.deps.dispatcher.start()
        if scheduler:
            for service in self.deps.services:
                service.start()

    def shutdown(self, timeout: float = 20.0) -> None:
        """Let in-flight listeners finish, then stop background work."""
        self.executor.shutdown(wait=True)
        for service in self.deps.services:
            service.stop()
        self.deps.dispatcher.stop(timeout)


def create_app(
    settings: Settings,
    *,
    program: Program | None = None,
    clock: Clock | None = None,
    engine: Engine | None = None,
    client: WebClient | None = None,
) -> Casebook:
    """Assemble Casebook from explicit inputs; tests pass their own clock, engine and client."""
    program = program or settings.load_program()
    clock = clock or SystemClock()
    engine = engine or make_engine(settings.database_url, pool_size=settings.casebook_db_pool)
    sessions = make_session_factory(engine)
    client = client or make_client(settings)
    dispatcher = Dispatcher(
        sessions=sessions,
        client=make_client(settings, retries=False),
        clock=clock,
        pacer=Pacer(
            rate=settings.casebook_slack_rate,
            channel_gap=settings.casebook_slack_channel_gap,
            channel_burst=settings.casebook_slack_channel_burst,
        ),
        threads=settings.casebook_dispatch_threads,
    )
    deps = Deps(
        settings=settings,
        program=program,
        engine=engine,
        sessions=sessions,
        clock=clock,
        client=client,
        dispatcher=dispatcher,
        router=CommandRouter(),
    )
    deps.services.append(Scheduler(deps=deps))
    executor = ContextExecutor(max_workers=settings.casebook_threads, thread_name_prefix="listener")
    bolt = App(
        signing_secret=settings.slack_signing_secret or "",
        client=client,
        token_verification_enabled=False,
        process_before_response=False,
        listener_executor=executor,
        raise_error_for_unhandled_request=False,
        request_verification_enabled=True,
    )

    @bolt.middleware
    def tag_request(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
        if request_id.get() == "-":
            request_id.set(new_request_id())
        log.debug("slack request", extra={"type": body.get("type") or "command"})
        return next()

    for module in LISTENER_MODULES:
        module.register(bolt, deps)
    return Casebook(bolt=bolt, deps=deps, executor=executor)
