"""The sandbox web server: the page, a small JSON API and live updates (Server-Sent Events).

stdlib ``ThreadingHTTPServer`` on 127.0.0.1 only. GETs read state; POSTs (JSON only,
so a foreign web page cannot forge them without a CORS preflight we never grant) are
what a person does in Slack and become signed Slack requests to the bot.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import threading
import urllib.parse
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bot.sandbox import interact, state
from bot.sandbox.fakeslack import METHOD_ARGS
from bot.sandbox.interact import ClientError
from bot.sandbox.runtime import Sandbox

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}
MAX_BODY = 64 * 1024
KEEPALIVE_SECONDS = 15.0
CSP = (
    "default-src 'self'; img-src 'self' data: http: https:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)
Handler = Callable[[Sandbox, dict[str, Any]], dict[str, Any]]


class Changes:
    """A version number that goes up whenever the workspace changes; SSE clients wait on it."""

    def __init__(self) -> None:
        self.version = 0
        self.closed = False
        self._cond = threading.Condition()

    def bump(self, *_: Any) -> None:
        with self._cond:
            self.version += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen or self.closed, timeout)
            return self.version

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


def _parse_time(sb: Sandbox, raw: Any) -> datetime:
    """ISO-8601; without an offset it is read in the program's timezone."""
    try:
        when = datetime.fromisoformat(str(raw))
    except ValueError:
        raise ClientError(f"not a date and time: {raw!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=sb.program.tz)


def _time_info(sb: Sandbox) -> dict[str, Any]:
    now = sb.clock.now()
    jobs = sb.jobs()
    return {
        "now": now.timestamp(),
        "now_local": now.astimezone(sb.program.tz).strftime("%Y-%m-%dT%H:%M"),
        "program_tz": sb.program.timezone,
        "program": sb.program.name,
        "jobs": {"available": jobs.available, "names": jobs.names, "message": jobs.message},
        "slack": {
            "down": sb.fake.down,
            "pending_faults": _pending(sb),
            "methods": sorted(METHOD_ARGS),
            "faults": list(FAULTS),
        },
    }


def _str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise ClientError(f"missing {key}")
    return value


def _opt(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _command(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    return interact.slash_command(
        sb,
        user=_str(d, "user"),
        channel=_str(d, "channel"),
        text=_str(d, "text"),
        thread_ts=_opt(d, "thread_ts"),
    )


def _message(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    return interact.post_message(
        sb,
        user=_str(d, "user"),
        channel=_str(d, "channel"),
        text=_str(d, "text"),
        thread_ts=_opt(d, "thread_ts"),
    )


def _action(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    source = d.get("source")
    if not isinstance(source, dict):
        raise ClientError("missing source")
    values = d.get("values")
    return interact.block_action(
        sb,
        user=_str(d, "user"),
        source=source,
        block_index=int(d.get("block_index", -1)),
        element_index=int(d.get("element_index", -1)),
        value=d.get("value"),
        values=values if isinstance(values, dict) else None,
    )


def _shortcut(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    return interact.message_shortcut(
        sb,
        user=_str(d, "user"),
        channel=_str(d, "channel"),
        ts=_str(d, "ts"),
        callback_id=_str(d, "callback_id"),
    )


def _submit(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    values = d.get("values")
    return interact.submit_view(
        sb,
        user=_str(d, "user"),
        view_id=_str(d, "view_id"),
        values=values if isinstance(values, dict) else {},
    )


def _close(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    return interact.close_view(
        sb, user=_str(d, "user"), view_id=_str(d, "view_id"), everything=bool(d.get("everything"))
    )


def _home(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    return interact.open_home(sb, user=_str(d, "user"))


def _dismiss(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    sb.fake.dismiss_ephemeral(_str(d, "user"), _str(d, "id"))
    return {"ok": True}


def _clock(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    sb.set_now(_parse_time(sb, d.get("now")))
    return {"ok": True, **_time_info(sb)}


def _job(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    name = _str(d, "name")
    info = sb.jobs()
    if not info.available:
        return {"ok": False, "error": info.message}
    if name not in info.names:
        raise ClientError(f"unknown job {name!r}")
    at = _parse_time(sb, d["at"]) if d.get("at") else sb.clock.now()
    try:
        return {"ok": True, "result": sb.run_job(name, at)}
    except Exception as exc:
        log.exception("sandbox job failed", extra={"job": name})
        return {"ok": False, "error": f"{name} failed: {exc}"}


# Faults a person can inject into the fake Slack: (HTTP status, error, Retry-After, delay).
FAULTS: dict[str, tuple[int, str | None, int | None, float]] = {
    "ratelimited": (429, "ratelimited", 1, 0.0),
    "internal_error": (500, "internal_error", None, 0.0),
    "service_unavailable": (503, "service_unavailable", None, 0.0),
    "channel_not_found": (200, "channel_not_found", None, 0.0),
    "not_in_channel": (200, "not_in_channel", None, 0.0),
    "expired_trigger_id": (200, "expired_trigger_id", None, 0.0),
    "slow_4s": (200, None, None, 4.0),
}


def _fault(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    kind = _str(d, "kind")
    if kind not in FAULTS:
        raise ClientError(f"unknown fault {kind!r}")
    method = _opt(d, "method")
    if method is not None and method not in METHOD_ARGS:
        raise ClientError(f"unknown Web API method {method!r}")
    status, error, retry_after, delay = FAULTS[kind]
    count = max(1, min(int(d.get("count") or 1), 50))
    sb.fake.fail(method, status=status, error=error, retry_after=retry_after, count=count, delay=delay)
    return {"ok": True, "pending": _pending(sb)}


def _outage(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    sb.fake.down = bool(d.get("down"))
    sb.fake.notify("sandbox.outage", {"down": sb.fake.down})
    return {"ok": True, "down": sb.fake.down}


def _pending(sb: Sandbox) -> int:
    with sb.fake.lock:
        return sum(f.count for f in sb.fake.faults)


def _reset(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    sb.reset()
    return {"ok": True}


POSTS: dict[str, Handler] = {
    "/api/command": _command,
    "/api/message": _message,
    "/api/action": _action,
    "/api/shortcut": _shortcut,
    "/api/submit": _submit,
    "/api/close": _close,
    "/api/home": _home,
    "/api/dismiss": _dismiss,
    "/api/clock": _clock,
    "/api/job": _job,
    "/api/reset": _reset,
    "/api/fault": _fault,
    "/api/outage": _outage,
}


class SandboxServer:
    """Serves the sandbox page and API for one ``Sandbox`` on 127.0.0.1."""

    def __init__(self, sandbox: Sandbox, *, port: int = 3000, host: str = "127.0.0.1") -> None:
        self.sandbox = sandbox
        self.changes = Changes()
        sandbox.fake.listeners.append(self.changes.bump)
        self._server = ThreadingHTTPServer((host, port), _make_handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="sandbox-ui", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self.changes.close()
        self._server.shutdown()
        self._server.server_close()
        if self.changes.bump in self.sandbox.fake.listeners:
            self.sandbox.fake.listeners.remove(self.changes.bump)

    def state(self, query: dict[str, str]) -> dict[str, Any]:
        people = self.sandbox.people()
        user = query.get("user") or people[0]["id"]
        if user not in {p["id"] for p in people}:
            raise ClientError(f"unknown person {user!r}")
        channel = query.get("channel") or None
        if channel == "home":
            channel = None
        data = state.snapshot(
            self.sandbox.fake,
            people=people,
            user_id=user,
            channel=channel,
            thread_ts=query.get("thread") or None,
        )
        data.update(_time_info(self.sandbox), people=people, version=self.changes.version)
        return data


def _make_handler(app: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "CasebookSandbox"

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("sandbox http: " + format, *args)

        def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-store")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, data: dict[str, Any]) -> None:
            self._send(status, json.dumps(data).encode(), "application/json; charset=utf-8")

        def _local(self) -> bool:
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            if host in LOCAL_HOSTS:
                return True
            self._json(403, {"ok": False, "error": "the sandbox only answers on 127.0.0.1"})
            return False

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            if not self._local():
                return
            url = urllib.parse.urlparse(self.path)
            query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
            try:
                if url.path in ("/", "/index.html"):
                    self._static("index.html")
                elif url.path.startswith("/static/"):
                    self._static(url.path.removeprefix("/static/"))
                elif url.path == "/api/state":
                    self._json(200, app.state(query))
                elif url.path == "/api/events":
                    self._events()
                elif url.path.startswith("/files/"):
                    self._file(url.path.removeprefix("/files/"))
                elif url.path == "/healthz":
                    self._json(200, {"ok": True, "bot": app.sandbox.bot_url})
                else:
                    self._json(404, {"ok": False, "error": "not_found"})
            except ClientError as exc:
                self._json(400, {"ok": False, "error": str(exc)})

        def do_POST(self) -> None:
            if not self._local():
                return
            path = urllib.parse.urlparse(self.path).path
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._json(413, {"ok": False, "error": "body too large"})
                return
            raw = self.rfile.read(length) if length else b""
            if "application/json" not in (self.headers.get("Content-Type") or ""):
                self._json(415, {"ok": False, "error": "send JSON"})
                return
            handler = POSTS.get(path)
            if handler is None:
                self._json(404, {"ok": False, "error": "not_found"})
                return
            try:
                data = json.loads(raw or b"{}")
                if not isinstance(data, dict):
                    raise ClientError("send a JSON object")
                self._json(200, handler(app.sandbox, data))
            except (ClientError, ValueError) as exc:
                self._json(400, {"ok": False, "error": str(exc)})
            except Exception as exc:
                log.exception("sandbox request failed", extra={"path": path})
                self._json(500, {"ok": False, "error": f"sandbox error: {exc}"})

        def _static(self, name: str) -> None:
            path = (STATIC_DIR / name).resolve()
            if path.parent != STATIC_DIR or not path.is_file():
                self._json(404, {"ok": False, "error": "not_found"})
                return
            ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix == ".js":
                ctype = "text/javascript"
            headers = {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer"}
            self._send(200, path.read_bytes(), ctype + "; charset=utf-8", headers)

        def _file(self, file_id: str) -> None:
            found = app.sandbox.fake.file_content(file_id)
            if found is None or not found[1]:
                self._json(404, {"ok": False, "error": "file_not_found"})
                return
            name, content = found
            suffix = name[name.rfind(".") :].lower() if "." in name else ""
            ctype = state.IMAGE_TYPES.get(suffix)
            if ctype is None and content[:8] == b"\x89PNG\r\n\x1a\n":
                ctype = "image/png"
            headers = {"Content-Security-Policy": "default-src 'none'; sandbox"}
            if ctype is None:
                ctype = "application/octet-stream"
                safe = "".join(c for c in name if c.isalnum() or c in "._-") or "file"
                headers["Content-Disposition"] = f'attachment; filename="{safe}"'
            self._send(200, content, ctype, headers)

        def _events(self) -> None:
            """Server-Sent Events: ``change`` with the new version, keep-alives in between."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            seen = -1
            try:
                while not app.changes.closed:
                    version = app.changes.wait(seen, KEEPALIVE_SECONDS)
                    if version != seen:
                        seen = version
                        self.wfile.write(f"event: change\ndata: {version}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                return

    return Handler
