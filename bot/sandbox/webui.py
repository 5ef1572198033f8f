"""The sandbox page's HTTP side: static files, JSON in and out, uploaded files, live updates (SSE).

Answers on 127.0.0.1 only (any other Host header is refused). POSTs must be JSON,
so a foreign web page cannot forge them without a CORS preflight we never grant.
What each GET and POST means is the app's (:class:`bot.sandbox.server.SandboxServer`).
"""

from __future__ import annotations

import json
import logging
import mimetypes
import threading
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from bot.sandbox import state
from bot.sandbox.interact import ClientError

if TYPE_CHECKING:
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
# The report is static HTML with inline CSS and SVG: no scripts, no fetches, nothing framed.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox"
PostHandler = Callable[[dict[str, Any]], dict[str, Any]]


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


class UiApp(Protocol):
    """What the HTTP side needs from the sandbox app."""

    sandbox: Sandbox
    changes: Changes

    def state(self, query: dict[str, str]) -> dict[str, Any]: ...

    def post_handler(self, path: str) -> PostHandler | None: ...

    def report_file(self, name: str) -> Path | None: ...


def handler_for(app: UiApp) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to ``app``."""
    return type("SandboxHandler", (UiHandler,), {"app": app})


class UiHandler(BaseHTTPRequestHandler):
    """One request to the sandbox page or its API."""

    protocol_version = "HTTP/1.1"
    server_version = "CasebookSandbox"
    app: ClassVar[UiApp]

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
            self._get(url.path, query)
        except ClientError as exc:
            self._json(400, {"ok": False, "error": str(exc)})

    def _get(self, path: str, query: dict[str, str]) -> None:
        if path in ("/", "/index.html"):
            self._static("index.html")
        elif path.startswith("/static/"):
            self._static(path.removeprefix("/static/"))
        elif path == "/api/state":
            self._json(200, self.app.state(query))
        elif path == "/api/events":
            self._events()
        elif path.startswith("/files/"):
            self._file(path.removeprefix("/files/"))
        elif path.startswith("/report/"):
            self._report(path.removeprefix("/report/"))
        elif path == "/healthz":
            self._json(200, {"ok": True, "bot": self.app.sandbox.bot_url})
        else:
            self._json(404, {"ok": False, "error": "not_found"})

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
        handler = self.app.post_handler(path)
        if handler is None:
            self._json(404, {"ok": False, "error": "not_found"})
            return
        try:
            data = json.loads(raw or b"{}")
            if not isinstance(data, dict):
                raise ClientError("send a JSON object")
            self._json(200, handler(data))
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
        found = self.app.sandbox.fake.file_content(file_id)
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

    def _report(self, name: str) -> None:
        """The last report the sandbox built: index.html renders (inline CSS only), the rest downloads."""
        path = self.app.report_file(urllib.parse.unquote(name))
        if path is None:
            self._json(404, {"ok": False, "error": "no such report file: build the report first"})
            return
        ctype = mimetypes.guess_type(path.name)[0] or "text/plain"
        headers = {"Content-Security-Policy": REPORT_CSP, "Referrer-Policy": "no-referrer"}
        self._send(200, path.read_bytes(), ctype + "; charset=utf-8", headers)

    def _events(self) -> None:
        """Server-Sent Events: ``change`` with the new version, keep-alives in between."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        changes = self.app.changes
        seen = -1
        try:
            while not changes.closed:
                version = changes.wait(seen, KEEPALIVE_SECONDS)
                if version != seen:
                    seen = version
                    self.wfile.write(f"event: change\ndata: {version}\n\n".encode())
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return
