"""A bare Bolt app that only acks, served exactly like Casebook (gunicorn gthread): the baseline."""

from __future__ import annotations

import re
import sys
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient


class BareServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, *, port: int, workers: int, threads: int, secret: str, api_url: str) -> None:
        self.port, self.workers, self.threads, self.secret, self.api_url = (
            port,
            workers,
            threads,
            secret,
            api_url,
        )
        super().__init__()

    def load_config(self) -> None:
        for key, value in {
            "bind": f"127.0.0.1:{self.port}",
            "workers": self.workers,
            "worker_class": "gthread",
            "threads": self.threads,
            "accesslog": None,
            "loglevel": "warning",
            "keepalive": 5,
        }.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        client = WebClient(token="xoxb-bench", base_url=self.api_url)
        app = App(
            client=client,
            signing_secret=self.secret,
            token_verification_enabled=False,
            # As Casebook does: one workspace, no auth.test round trip per request.
            authorize=lambda enterprise_id, team_id: AuthorizeResult(
                enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-bench"
            ),
            process_before_response=False,
        )

        @app.command("/casebook")
        def command(ack: Ack) -> None:
            ack()

        @app.action(re.compile(".*"))
        def action(ack: Ack) -> None:
            ack()

        @app.view(re.compile(".*"))
        def view(ack: Ack) -> None:
            ack()

        handler = SlackRequestHandler(app, path="/slack/events")

        def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
            if environ.get("PATH_INFO") == "/healthz":
                start_response("200 OK", [("Content-Type", "text/plain")])
                return [b"ok"]
            return handler(environ, start_response)

        return wsgi


if __name__ == "__main__":
    port, workers, threads, secret, api_url = sys.argv[1:6]
    BareServer(
        port=int(port), workers=int(workers), threads=int(threads), secret=secret, api_url=api_url
    ).run()
