"""`casebook serve`: gunicorn with threaded workers around the WSGI app.

Why gunicorn: a mature pre-fork server with graceful SIGTERM handling (in-flight
requests finish), worker health management, and a ``gthread`` worker whose thread
pool suits Bolt's ack-then-work model; it needs no extra web framework.
"""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.config import Settings

log = logging.getLogger(__name__)


class CasebookServer(BaseApplication):  # type: ignore[misc]
    """Builds the app inside each worker (post-fork), so nothing is shared across forks."""

    def __init__(
        self, settings: Settings, *, port: int, workers: int, threads: int, with_scheduler: bool
    ) -> None:
        self.settings = settings
        self.port = port
        self.workers = workers
        self.threads = threads
        self.with_scheduler = with_scheduler
        self.casebook: Any = None
        super().__init__()

    def load_config(self) -> None:
        server = self
        options = {
            "bind": f"0.0.0.0:{self.port}",
            "workers": self.workers,
            "worker_class": "gthread",
            "threads": self.threads,
            "graceful_timeout": 25,
            "timeout": 60,
            "keepalive": 5,
            "accesslog": None,
            "loglevel": self.settings.log_level.lower(),
            "post_worker_init": lambda worker: server._start(worker),
            "worker_exit": lambda _arbiter, worker: server._stop(worker),
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def _start(self, worker: Any) -> None:
        if self.casebook is not None:
            self.casebook.start_background(scheduler=self.with_scheduler)

    def _stop(self, worker: Any) -> None:
        if self.casebook is not None:
            self.casebook.shutdown()

    def load(self) -> Any:
        from bot.app import create_app
        from bot.web.wsgi import make_wsgi

        self.casebook = create_app(self.settings)
        return make_wsgi(self.casebook)
