"""A local Slack Web API: answers like Slack, records every call, validates every payload.

The test suite and the sandbox both run this real HTTP server and point the bot at
it through SLACK_API_URL. Block Kit is validated with ``slack_sdk.models`` exactly
as the issue asks (``Block.parse(d).to_dict()``, ``View(**v).to_dict()``), arguments
are checked against the Web API's real parameter names, and faults (errors, 429 with
Retry-After, 5xx, latency, an outage, per-channel rate limits) can be injected.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.sandbox.clientside import ClientSide, Ephemeral

VALID_TOKEN_PREFIXES = ("xoxb-",)
METHOD_ARGS: dict[str, set[str]] = {
    "auth.test": {"team_id"},
    "chat.postMessage": {
        "as_user",
        "attachments",
        "blocks",
        "channel",
        "container_id",
        "icon_emoji",
        "icon_url",
        "link_names",
        "markdown_text",
        "metadata",
        "mrkdwn",
        "parse",
        "reply_broadcast",
        "text",
        "thread_ts",
        "unfurl_links",
        "unfurl_media",
        "username",
    },
    "chat.update": {
        "as_user",
        "attachments",
        "blocks",
        "channel",
        "file_ids",
        "link_names",
        "markdown_text",
        "metadata",
        "parse",
        "reply_broadcast",
        "text",
        "ts",
    },
    "chat.postEphemeral": {
        "as_user",
        "attachments",
        "blocks",
        "channel",
        "icon_emoji",
        "icon_url",
        "link_names",
        "markdown_text",
        "parse",
        "text",
        "thread_ts",
        "user",
        "username",
    },
    "chat.getPermalink": {"channel", "message_ts"},
    "views.open": {"interactivity_pointer", "trigger_id", "view"},
    "views.update": {"external_id", "hash", "view", "view_id"},
    "views.push": {"interactivity_pointer", "trigger_id", "view"},
    "views.publish": {"hash", "user_id", "view"},
    "conversations.open": {"channel", "return_im", "users"},
    "conversations.replies": {
        "channel",
        "cursor",
        "include_all_metadata",
        "inclusive",
        "latest",
        "limit",
        "oldest",
        "ts",
    },
    "users.info": {"include_locale", "user"},
    "users.list": {"cursor", "include_locale", "limit", "team_id"},
    "files.getUploadURLExternal": {"alt_txt", "alt_text", "filename", "length", "snippet_type"},
    "files.completeUploadExternal": {"channel_id", "channels", "files", "initial_comment", "thread_ts"},
}
REQUIRED_ARGS: dict[str, set[str]] = {
    "chat.postMessage": {"channel"},
    "chat.update": {"channel", "ts"},
    "chat.postEphemeral": {"channel", "user"},
    "chat.getPermalink": {"channel", "message_ts"},
    "views.open": {"trigger_id", "view"},
    "views.push": {"trigger_id", "view"},
    "views.update": {"view"},
    "views.publish": {"user_id", "view"},
    "users.info": {"user"},
    "files.getUploadURLExternal": {"filename", "length"},
    "files.completeUploadExternal": {"files"},
}
# Accepted by every method: the token, and the team_id that slack_sdk adds to each call
# made through Bolt's per-request client (needed with org-wide tokens).
UNIVERSAL_ARGS = frozenset({"token", "team_id"})
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    response: dict[str, Any]
    at: float


@dataclass
class Message:
    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    edited: int = 0


@dataclass
class Fault:
    method: str | None  # None: any method
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    count: int = 1
    delay: float = 0.0


@dataclass
class RandomFault:
    """Fail a share of calls (after any scripted faults): ``fraction`` in [0, 1]."""

    method: str | None
    fraction: float
    status: int = 500
    error: str | None = None
    retry_after: int | None = None


@dataclass
class FakeUser:
    id: str
    name: str
    tz: str = "America/New_York"
    deleted: bool = False
    is_bot: bool = False


def validate_blocks(blocks: Any, *, limit: int) -> str | None:
    """Slack's own checks: a list of valid blocks, at most ``limit`` of them."""
    if not isinstance(blocks, list):
        return "blocks must be a list"
    if len(blocks) > limit:
        return f"too many blocks: {len(blocks)} > {limit}"
    for index, raw in enumerate(blocks):
        try:
            parsed = Block.parse(raw)
            if parsed is None:
                return f"block {index}: not a block"
            parsed.to_dict()
            if raw.get("type") not in {
                "section",
                "divider",
                "image",
                "actions",
                "context",
                "input",
                "header",
                "rich_text",
                "file",
                "video",
            }:
                return f"block {index}: unknown type {raw.get('type')!r}"
        except Exception as exc:
            return f"block {index} ({raw.get('type') if isinstance(raw, dict) else '?'}): {exc}"
    return None


def validate_view(view: Any) -> str | None:
    if not isinstance(view, dict):
        return "view must be an object"
    try:
        View(**view).to_dict()
    except Exception as exc:
        return f"view: {exc}"
    if view.get("type") not in ("modal", "home"):
        return f"view: unknown type {view.get('type')!r}"
    if view.get("type") == "modal" and not view.get("title"):
        return "view: a modal needs a title"
    return validate_blocks(view.get("blocks", []), limit=MAX_VIEW_BLOCKS)


class FakeSlack(ClientSide):
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
            ):
                store.clear()
            self.channels.clear()
            self.bot_channels.clear()
            self.visible_ephemerals.clear()
            self.faults.clear()
            self.down = False
            self.latency = 0.0
        self.notify("sandbox.reset", {"ok": True})

    def _next_ts(self) -> str:
        if self.clock is not None:
            return f"{int(self.clock())}.{next(self._ids):06d}"
        return f"{1_700_000_000 + next(self._ts)}.{next(self._ids):06d}"

    def _resolve_channel(self, channel: str) -> tuple[str | None, str | None]:
        """Slack posts to a user id as a DM with the app; unknown ids are channel_not_found."""
        if channel.startswith(("U", "W")):
            user = self.users.get(channel)
            if user is None:
                return None, "channel_not_found"
            if user.deleted:
                return None, "account_inactive"
            return self.dm_channel(channel), None
        if channel.startswith("D"):
            return channel, None
        if channel not in self.channels:
            return None, "channel_not_found"
        if channel not in self.bot_channels:
            return None, "not_in_channel"
        return channel, None

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
                body = self._dispatch(method, args)
            self.calls.append(Call(method, args, body, time.time()))
        for listener in list(self.listeners):
            listener(method, body)
        return 200, body, headers

    def _check_args(self, method: str, args: dict[str, Any]) -> str | None:
        known = METHOD_ARGS.get(method)
        if known is None:
            return "unknown_method"
        unknown = set(args) - known - UNIVERSAL_ARGS
        if unknown:
            self.invalid.append(f"{method}: unknown argument(s) {sorted(unknown)}")
            return "invalid_arguments"
        missing = REQUIRED_ARGS.get(method, set()) - set(args)
        if method == "views.update" and not ({"view_id", "external_id"} & set(args)):
            missing = {"view_id"}
        if missing:
            self.invalid.append(f"{method}: missing argument(s) {sorted(missing)}")
            return "invalid_arguments"
        return None

    def _blocks_error(self, method: str, args: dict[str, Any]) -> str | None:
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            try:
                blocks = json.loads(blocks)
            except ValueError:
                blocks = None
            args["blocks"] = blocks
        if blocks is None:
            if method.startswith("chat.") and not args.get("text"):
                return "no_text"
            return None
        problem = validate_blocks(blocks, limit=MAX_MESSAGE_BLOCKS)
        if problem:
            self.invalid.append(f"{method}: {problem}")
            return "invalid_blocks"
        if method.startswith("chat.") and not args.get("text"):
            # Slack accepts this but warns; we hold ourselves to sending a fallback text.
            self.invalid.append(f"{method}: blocks without a fallback `text`")
        return None

    def _view_error(self, method: str, args: dict[str, Any]) -> str | None:
        view = args.get("view")
        if isinstance(view, str):
            try:
                view = json.loads(view)
            except ValueError:
                view = None
            args["view"] = view
        problem = validate_view(view)
        if problem:
            self.invalid.append(f"{method}: {problem}")
            return "invalid_arguments"
        return None

    def _dispatch(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        error = self._check_args(method, args)
        if error:
            return {"ok": False, "error": error}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://casebook-sandbox.slack.com/",
                "team": "Casebook",
                "user": "casebook",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": "B0CBBOT",
                "is_enterprise_install": False,
            }
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            error = self._blocks_error(method, args)
            if error:
                return {"ok": False, "error": error}
            channel, error = self._resolve_channel(str(args["channel"]))
            if error or channel is None:
                return {"ok": False, "error": error}
            if method == "chat.postMessage":
                thread_ts = args.get("thread_ts")
                if thread_ts and not any(m.ts == thread_ts and m.channel == channel for m in self.messages):
                    return {"ok": False, "error": "thread_not_found"}
                msg = Message(
                    channel,
                    self._next_ts(),
                    self.bot_user_id,
                    str(args.get("text", "")),
                    list(args.get("blocks") or []),
                    thread_ts,
                )
                self.messages.append(msg)
                return {
                    "ok": True,
                    "channel": channel,
                    "ts": msg.ts,
                    "message": {"type": "message", "text": msg.text, "ts": msg.ts, "blocks": msg.blocks},
                }
            if method == "chat.update":
                target = next((m for m in self.messages if m.channel == channel and m.ts == args["ts"]), None)
                if target is None:
                    return {"ok": False, "error": "message_not_found"}
                if "text" in args:
                    target.text = str(args["text"])
                if "blocks" in args:
                    target.blocks = list(args.get("blocks") or [])
                target.edited += 1
                return {"ok": True, "channel": channel, "ts": target.ts, "text": target.text}
            message_ts = self._next_ts()
            self.ephemerals.append(
                {
                    "channel": channel,
                    "user": args.get("user"),
                    "text": args.get("text"),
                    "blocks": args.get("blocks"),
                }
            )
            self.visible_ephemerals.append(
                Ephemeral(
                    message_ts,
                    channel,
                    str(args.get("user")),
                    str(args.get("text") or ""),
                    list(args.get("blocks") or []),
                    args.get("thread_ts"),
                )
            )
            return {"ok": True, "message_ts": message_ts}
        if method == "chat.getPermalink":
            ts = str(args["message_ts"]).replace(".", "")
            return {
                "ok": True,
                "channel": args["channel"],
                "permalink": f"https://casebook-sandbox.slack.com/archives/{args['channel']}/p{ts}",
            }
        if method.startswith("views."):
            error = self._view_error(method, args)
            if error:
                return {"ok": False, "error": error}
            view = dict(args["view"])
            if method == "views.publish":
                user = str(args["user_id"])
                if user not in self.users:
                    return {"ok": False, "error": "user_not_found"}
                view_id = self.home.get(user, {}).get("id") or f"V{next(self._ids):08d}"
                view.update(id=view_id, team_id=self.team_id)
                self.home[user] = view
                return {"ok": True, "view": view}
            if method in ("views.open", "views.push"):
                trigger = str(args["trigger_id"])
                if not trigger or trigger.startswith("expired"):
                    return {"ok": False, "error": "expired_trigger_id"}
                if self._stack_full(trigger, method):
                    return {"ok": False, "error": "push_limit_reached"}
                view_id = f"V{next(self._ids):08d}"
                view.update(
                    id=view_id,
                    team_id=self.team_id,
                    state={"values": {}},
                    hash=f"{int(time.time())}.{view_id}",
                )
                view["_stack"] = "push" if method == "views.push" else "open"
                self._stack_view(trigger, method, view)
                self.views[view_id] = view
                return {"ok": True, "view": view}
            view_id = str(args.get("view_id") or "")
            if view_id not in self.views:
                return {"ok": False, "error": "not_found"}
            view.update(id=view_id, team_id=self.team_id, state={"values": {}})
            self.views[view_id] = view
            return {"ok": True, "view": view}
        if method == "users.info":
            found = self.users.get(str(args["user"]))
            if found is None:
                return {"ok": False, "error": "user_not_found"}
            return {
                "ok": True,
                "user": {
                    "id": found.id,
                    "team_id": self.team_id,
                    "name": found.name,
                    "real_name": found.name,
                    "deleted": found.deleted,
                    "tz": found.tz,
                    "is_bot": found.is_bot,
                    "profile": {"real_name": found.name, "display_name": found.name},
                },
            }
        if method == "conversations.open":
            users = str(args.get("users", "")).split(",")
            return {"ok": True, "channel": {"id": self.dm_channel(users[0])}}
        if method == "conversations.replies":
            ts = str(args.get("ts"))
            replies = [
                m
                for m in self.messages
                if m.channel == args.get("channel") and (m.ts == ts or m.thread_ts == ts)
            ]
            return {
                "ok": True,
                "messages": [{"ts": m.ts, "text": m.text, "thread_ts": m.thread_ts} for m in replies],
            }
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):08d}"
            self.files[file_id] = {
                "id": file_id,
                "name": args["filename"],
                "length": int(args["length"]),
                "content": b"",
            }
            return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = args["files"]
            if isinstance(files, str):
                files = json.loads(files)
            shared = []
            for item in files:
                meta = self.files.get(item.get("id"))
                if meta is None:
                    return {"ok": False, "error": "file_not_found"}
                meta["title"] = item.get("title")
                shared.append({"id": meta["id"], "name": meta["name"], "title": meta.get("title")})
            channel = args.get("channel_id")
            if channel:
                resolved, error = self._resolve_channel(str(channel))
                if error or resolved is None:
                    return {"ok": False, "error": error}
                msg = Message(
                    resolved,
                    self._next_ts(),
                    self.bot_user_id,
                    str(args.get("initial_comment", "")),
                    [],
                    args.get("thread_ts"),
                    files=shared,
                )
                self.messages.append(msg)
            return {"ok": True, "files": shared}
        return {"ok": False, "error": "unknown_method"}

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
