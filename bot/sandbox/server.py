"""The sandbox web server: the page, a small JSON API and live updates (Server-Sent Events).

stdlib ``ThreadingHTTPServer`` on 127.0.0.1 only. GETs read state; POSTs (JSON only,
so a foreign web page cannot forge them without a CORS preflight we never grant) are
what a person does in Slack and become signed Slack requests to the bot. This module
says what each API call does; the HTTP handling is :mod:`bot.sandbox.webui`.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bot.sandbox import interact, program_controls, state
from bot.sandbox.interact import ClientError
from bot.sandbox.runtime import Sandbox
from bot.sandbox.validation import METHOD_ARGS
from bot.sandbox.webapi import PERMALINK_BASE
from bot.sandbox.webui import Changes, PostHandler, handler_for

log = logging.getLogger(__name__)
Handler = Callable[[Sandbox, dict[str, Any]], dict[str, Any]]


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


def _typed(send: Callable[..., dict[str, Any]], sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    """What a person types in a channel or thread: a slash command or a message, as ``send`` takes it."""
    return send(
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
        return {"ok": True, **sb.run_job(name, at).as_json()}
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


def _permalink(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    found = state.resolve_permalink(sb.fake, _str(d, "url"))
    if found is None:
        return {"ok": False, "error": "That message is not in this workspace (any more)."}
    return {"ok": True, **found}


def _client_start(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    sb.fake.client_restarted()
    return {"ok": True}


def _program(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    return program_controls.load_program(sb)


def _report(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    return program_controls.build_report(sb)


def _reset(sb: Sandbox, d: dict[str, Any]) -> dict[str, Any]:
    sb.reset()
    return {"ok": True}


POSTS: dict[str, Handler] = {
    "/api/command": functools.partial(_typed, interact.slash_command),
    "/api/message": functools.partial(_typed, interact.post_message),
    "/api/action": _action,
    "/api/shortcut": _shortcut,
    "/api/submit": _submit,
    "/api/close": _close,
    "/api/home": _home,
    "/api/dismiss": _dismiss,
    "/api/clock": _clock,
    "/api/job": _job,
    "/api/reset": _reset,
    "/api/client-start": _client_start,
    "/api/permalink": _permalink,
    "/api/fault": _fault,
    "/api/outage": _outage,
    "/api/program": _program,
    "/api/report": _report,
}


class SandboxServer:
    """Serves the sandbox page and API for one ``Sandbox`` on 127.0.0.1."""

    def __init__(self, sandbox: Sandbox, *, port: int = 3000, host: str = "127.0.0.1") -> None:
        self.sandbox = sandbox
        self.changes = Changes()
        sandbox.fake.listeners.append(self.changes.bump)
        self._server = ThreadingHTTPServer((host, port), handler_for(self))
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

    def post_handler(self, path: str) -> PostHandler | None:
        """What a POST to ``path`` does, bound to this sandbox; None for an unknown path."""
        handler = POSTS.get(path)
        return None if handler is None else functools.partial(handler, self.sandbox)

    def report_file(self, name: str) -> Path | None:
        """A file of the last report the sandbox built (``/report/<name>``)."""
        return program_controls.report_file(self.sandbox, name)

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
            reading=query.get("read") != "0",
        )
        data.update(
            _time_info(self.sandbox),
            people=people,
            version=self.changes.version,
            dm_read_only=self.sandbox.dm_read_only,
            permalink_base=PERMALINK_BASE,
        )
        return data
