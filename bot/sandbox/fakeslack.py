"""A local Slack Web API: answers like Slack, records every call, validates every payload.

The test suite and the sandbox both run this real HTTP server and point the bot at
it through SLACK_API_URL. Block Kit is validated with ``slack_sdk.models`` and
arguments are checked against the Web API's real parameter names
(:mod:`bot.sandbox.validation`); each method is a handler in
:mod:`bot.sandbox.webapi`; what a person's client shows is
:mod:`bot.sandbox.clientside`. Here: the workspace's state, faults (errors, 429
with Retry-After, 5xx, latency, an outage, per-channel rate limits) and HTTP.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.sandbox.clientside import ClientSide
from bot.sandbox.records import Call, Ephemeral, FakeUser, Fault, Message, RandomFault
from bot.sandbox.validation import (
    MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
    METHOD_ARGS,
    VALID_TOKEN_PREFIXES,
    validate_blocks,
    validate_view,
)
from bot.sandbox.webapi import WebApi

# The names tests and the sandbox import from here.
__all__ = [
    "MAX_MESSAGE_BLOCKS",
    "MAX_VIEW_BLOCKS",
    "METHOD_ARGS",
    "Call",
    "Ephemeral",
    "FakeSlack",
    "FakeUser",
    "Fault",
    "Message",
    "RandomFault",
    "validate_blocks",
    "validate_view",
]


class FakeSlack(ClientSide, WebApi):
    """State and behaviour of the fake workspace; ``start()`` serves it over HTTP."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, team_id: str = "T0CASEBOOK") -> None:
        self.team_id = team_id
        self.bot_user_id = "U0CBBOT"
        self.lock = threading.RLock()
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.ephemerals: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []  # posts to response_url
        self.views: dict[str, dict[str, Any]] = {}
        self.home: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.users: dict[str, FakeUser] = {}
        self.channels: set[str] = set()
        self.bot_channels: set[str] = set()
        self.archived: set[str] = set()  # posting there answers is_archived
        self.invalid: list[str] = []
        self.faults: list[Fault] = []
        self.latency = 0.0
        self.down = False
        self.rate_limits: dict[str, float] = {}  # method -> min seconds between calls per channel
        self.workspace_cap: float | None = None  # max calls per second over all channels
        self._last_by_channel: dict[tuple[str, str], float] = {}
        self._window: list[float] = []
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self.listeners: list[Callable[[str, dict[str, Any]], None]] = []
        self.channel_names: dict[str, str] = {}
        self.clock: Callable[[], float] | None = None  # message ts from this time source
        self.init_client_side()
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.strict = True
        self.random_faults: list[RandomFault] = []
        self._rng = random.Random(0)

    # -- lifecycle -----------------------------------------------------------------
    @property
    def url(self) -> str:
        host = self._server.server_address[0]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{self._server.server_port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def start(self) -> FakeSlack:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- workspace set-up ----------------------------------------------------------
    def add_user(self, user_id: str, name: str, tz: str = "America/New_York", **kw: Any) -> None:
        with self.lock:
            self.users[user_id] = FakeUser(id=user_id, name=name, tz=tz, **kw)

    def add_channel(self, channel_id: str, *, bot_member: bool = True, name: str | None = None) -> None:
        with self.lock:
            self.channels.add(channel_id)
            if bot_member:
                self.bot_channels.add(channel_id)
            if name:
                self.channel_names[channel_id] = name

    def fail(
        self,
        method: str | None,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        count: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail as Slack would."""
        with self.lock:
            self.faults.append(Fault(method, status, error, retry_after, count, delay))

    def accept_late(self, method: str | None, *, delay: float, count: int = 1) -> None:
        """Answer the next ``count`` calls of ``method`` only after ``delay`` seconds, but do them:
        a client that times out first has still posted (an ambiguous send)."""
        self.fail(method, delay=delay, count=count)

    def archive(self, channel_id: str, archived: bool = True) -> None:
        """Archive (or unarchive) a channel: posts to it answer ``is_archived``."""
        with self.lock:
            (self.archived.add if archived else self.archived.discard)(channel_id)

    def fail_fraction(
        self,
        method: str | None,
        fraction: float,
        *,
        status: int = 500,
        error: str | None = None,
        retry_after: int | None = None,
        seed: int | None = None,
    ) -> None:
        """Make a random ``fraction`` of calls to ``method`` fail (429 gets a Retry-After)."""
        with self.lock:
            if seed is not None:
                self._rng.seed(seed)
            self.random_faults.append(RandomFault(method, fraction, status, error, retry_after))

    def response_url(self, key: str = "", *, origin: dict[str, Any] | None = None) -> str:
        """A response_url; ``origin`` ({user, channel, message_ts?, ephemeral_id?, thread_ts?})
        says where Slack would show what is posted to it."""
        key = key or str(next(self._ids))
        if origin is not None:
            with self.lock:
                self.response_origins[key] = dict(origin)
        return f"{self.url}/response/{key}"

    # -- queries for tests ---------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def messages_in(
        self, channel: str, *, thread_ts: str | None = None, top_level: bool = False
    ) -> list[Message]:
        with self.lock:
            out = [m for m in self.messages if m.channel == channel]
            if thread_ts is not None:
                out = [m for m in out if m.thread_ts == thread_ts]
            elif top_level:
                out = [m for m in out if m.thread_ts is None]
            return out

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id[1:]

    def dms_to(self, user_id: str) -> list[Message]:
        return self.messages_in(self.dm_channel(user_id))

    def reset_records(self) -> None:
        with self.lock:
            self.calls.clear()
            self.messages.clear()
            self.ephemerals.clear()
            self.responses.clear()
            self.invalid.clear()

    def reset_state(self) -> None:
        """Forget the whole workspace (users, channels, messages, views, files); keep the server."""
        with self.lock:
            self.reset_records()
            for store in (
                self.views,
                self.home,
                self.files,
                self.users,
                self.channel_names,
                self.response_origins,
                self.triggers,
                self.view_stacks,
                self.last_read,
            ):
                store.clear()
            self.channels.clear()
            self.bot_channels.clear()
            self.archived.clear()
            self.visible_ephemerals.clear()
            self.faults.clear()
            self.down = False
            self.latency = 0.0
        self.notify("sandbox.reset", {"ok": True})

    def _next_ts(self) -> str:
        if self.clock is not None:
            return f"{int(self.clock())}.{next(self._ids):06d}"
        return f"{1_700_000_000 + next(self._ts)}.{next(self._ids):06d}"

    def _rate_limited(self, method: str, args: dict[str, Any], now: float) -> int | None:
        gap = self.rate_limits.get(method)
        if gap is not None:
            key = (method, str(args.get("channel", "")))
            last = self._last_by_channel.get(key)
            if last is not None and now - last < gap:
                return max(1, int(gap - (now - last) + 0.999))
            self._last_by_channel[key] = now
        if self.workspace_cap is not None:
            self._window = [t for t in self._window if now - t < 1.0]
            if len(self._window) >= self.workspace_cap:
                return 1
            self._window.append(now)
        return None

    def handle(
        self, method: str, args: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Answer one Web API call like Slack: (HTTP status, JSON body, headers)."""
        headers: dict[str, str] = {}
        with self.lock:
            fault = next((f for f in self.faults if f.method in (None, method) and f.count > 0), None)
            if fault:
                fault.count -= 1
                self.faults = [f for f in self.faults if f.count > 0]
            else:
                for rf in self.random_faults:
                    if rf.method in (None, method) and self._rng.random() < rf.fraction:
                        fault = Fault(method, rf.status, rf.error, rf.retry_after)
                        break
            latency = self.latency + (fault.delay if fault else 0.0)
        if latency:
            time.sleep(latency)
        with self.lock:
            if self.down:
                return 503, {"ok": False, "error": "service_unavailable"}, headers
            if fault and (fault.status != 200 or fault.error):
                if fault.status == 429 or fault.error == "ratelimited":
                    headers["Retry-After"] = str(fault.retry_after or 1)
                    return 429, {"ok": False, "error": "ratelimited"}, headers
                return fault.status, {"ok": False, "error": fault.error or "internal_error"}, headers
            wait = self._rate_limited(method, args, time.monotonic())
            if wait is not None:
                headers["Retry-After"] = str(wait)
                body = {"ok": False, "error": "ratelimited"}
                self.calls.append(Call(method, args, body, time.time()))
                return 429, body, headers
            if not token or not token.startswith(VALID_TOKEN_PREFIXES):
                body = {"ok": False, "error": "not_authed" if not token else "invalid_auth"}
            else:
                body = self.dispatch(method, args)
            self.calls.append(Call(method, args, body, time.time()))
        for listener in list(self.listeners):
            listener(method, body)
        return 200, body, headers

    def _upload(self, file_id: str, data: bytes) -> int:
        with self.lock:
            meta = self.files.get(file_id)
            if meta is None:
                return 404
            meta["content"] = data
            return 200

    def _respond(self, key: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            problem = None
            if "blocks" in payload:
                problem = validate_blocks(payload["blocks"], limit=MAX_MESSAGE_BLOCKS)
            if problem:
                self.invalid.append(f"response_url: {problem}")
                return 400, {"ok": False, "error": "invalid_blocks"}
            payload = dict(payload, _key=key)
            self.responses.append(payload)
            origin = self.response_origins.get(key)
            if origin is not None:
                self._apply_response(origin, payload)
        for listener in list(self.listeners):
            listener("response_url", payload)
        return 200, {"ok": True}

    # -- HTTP ----------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _send(
                self, status: int, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None
            ) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._send(404, {"ok": False, "error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = urllib.parse.urlparse(self.path).path
                if path.startswith("/upload/"):
                    self._send(fake._upload(path.rsplit("/", 1)[1], raw), {"ok": True})
                    return
                if path.startswith("/response/"):
                    status, body = fake._respond(path.rsplit("/", 1)[1], json.loads(raw or b"{}"))
                    self._send(status, body)
                    return
                if not path.startswith("/api/"):
                    self._send(404, {"ok": False, "error": "not_found"})
                    return
                method = path[len("/api/") :]
                ctype = self.headers.get("Content-Type", "")
                if "json" in ctype:
                    args = json.loads(raw or b"{}")
                else:
                    args = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
                auth = self.headers.get("Authorization", "")
                token = auth.removeprefix("Bearer ").strip() or args.pop("token", None)
                args.pop("token", None)
                status, body, headers = fake.handle(method, args, token)
                self._send(status, body, headers)

        return Handler
