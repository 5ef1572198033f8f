"""`casebook serve`: gunicorn with threaded workers around the WSGI app, plus `casebook worker`.

Why gunicorn: a mature pre-fork server with graceful SIGTERM handling (in-flight
requests finish) and worker health management. Its workers are
:class:`bot.web.aioworker.BufferingWorker`: an event loop reads whole requests (slow
clients cost a coroutine, not a thread) and a pool of ``threads`` runs the WSGI app.

The gunicorn workers only answer: check, ack, store in the inbox. The work behind the
acks (the inbox, the outbox, the scheduler) runs in separate `casebook worker` processes
that the gunicorn master spawns when it is ready and stops when it exits, so work never
shares a process, or its GIL, with the acks.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.config import Settings

log = logging.getLogger(__name__)
PEER_DISPATCH_POLL_S = 0.05  # the sending worker's look for due sends when other workers feed it


class CasebookServer(BaseApplication):  # type: ignore[misc]
    """Builds the app inside each worker (post-fork), so nothing is shared across forks."""

    def __init__(
        self,
        settings: Settings,
        *,
        port: int,
        workers: int,
        threads: int,
        with_scheduler: bool,
        work_processes: int = 1,
    ) -> None:
        self.settings = settings
        self.port = port
        self.workers = workers
        self.threads = threads
        self.with_scheduler = with_scheduler
        self.work_processes = work_processes
        self.casebook: Any = None
        self.children: list[subprocess.Popen[bytes]] = []
        super().__init__()

    def load_config(self) -> None:
        server = self
        options = {
            "bind": f"0.0.0.0:{self.port}",
            "workers": self.workers,
            "worker_class": "bot.web.aioworker.BufferingWorker",
            "threads": self.threads,
            "graceful_timeout": 25,
            "timeout": 60,
            "keepalive": 5,
            "accesslog": None,
            "loglevel": self.settings.log_level.lower(),
            "when_ready": lambda arbiter: server.spawn_work(),
            "on_exit": lambda arbiter: server.stop_work(),
            "worker_exit": lambda _arbiter, worker: server._stop(worker),
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def spawn_work(self) -> None:
        """Start the `casebook worker` processes: all run stored work; the first alone runs the
        scheduler (if any) and sends the outbox, so Slack's pacing is kept by one sender. It
        looks for due sends every 50 ms, as the others' new sends do not kick it."""
        for n in range(self.work_processes):
            command = [sys.executable, "-m", "bot", "worker", "--parent-pid", str(os.getpid())]
            if n or not self.with_scheduler:
                command.append("--no-scheduler")
            if n:
                command.append("--no-dispatcher")
            elif self.work_processes > 1:
                command += ["--dispatch-poll", str(PEER_DISPATCH_POLL_S)]
            self.children.append(subprocess.Popen(command))

    def stop_work(self, timeout: float = 30.0) -> None:
        """After the front has stopped taking requests: let the workers finish and drain, then go."""
        for child in self.children:
            child.terminate()
        for child in self.children:
            try:
                child.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("worker did not stop in time; killed (its claims come back after the lease)")
                child.kill()

    def _stop(self, worker: Any) -> None:
        if self.casebook is not None:
            self.casebook.shutdown()

    def load(self) -> Any:
        from bot.app import create_app
        from bot.web.wsgi import make_wsgi

        self.casebook = create_app(self.settings)
        return make_wsgi(self.casebook)
