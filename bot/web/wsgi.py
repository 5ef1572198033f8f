"""The WSGI application: `POST /slack/events` for Bolt and `GET /healthz`."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import __version__
from bot.app import Casebook
from bot.db.engine import ping, read_transaction, transaction
from bot.domain import delivery_faults, inbox
from bot.logs import new_request_id, request_id
from bot.web.inbox import LAZY_NAME, LAZY_ONLY, ROW

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024  # Slack's own payloads are far smaller; larger bodies are refused early
DRAIN_LIMIT = 8 * 1024 * 1024
StartResponse = Callable[..., Any]


def _json(start_response: StartResponse, status: str, data: dict[str, Any]) -> list[bytes]:
    body = json.dumps(data).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _drain(environ: dict[str, Any], length: int) -> None:
    """Read (and drop) a refused body so the client sees our 413, not a reset connection."""
    stream = environ.get("wsgi.input")
    remaining = min(max(length, 0), DRAIN_LIMIT)
    while stream is not None and remaining > 0:
        chunk = stream.read(min(65536, remaining))
        if not chunk:
            break
        remaining -= len(chunk)


# Bolt reads these from the client's headers; a client must never make the front app run stored work.
LAZY_ENVIRON = tuple("HTTP_" + name.upper().replace("-", "_") for name in (LAZY_ONLY, LAZY_NAME, ROW))


def strip_lazy_environ(environ: dict[str, Any]) -> None:
    """Drop Bolt's lazy-work headers from a client's request (the WSGI form of strip_lazy_headers)."""
    for key in LAZY_ENVIRON:
        environ.pop(key, None)


def health(casebook: Casebook) -> tuple[bool, dict[str, Any]]:
    """Whether the database answers, and the inbox backlog (pending, oldest age, failed) when it does."""
    healthy = ping(casebook.deps.engine)
    data: dict[str, Any] = {
        "status": "ok" if healthy else "degraded",
        "version": __version__,
        "database": "ok" if healthy else "unreachable",
    }
    if healthy:
        try:
            with read_transaction(casebook.inbox.sessions) as session:
                backlog = inbox.backlog(session=session, now=casebook.deps.clock.now())
            data["inbox"] = {
                "pending": backlog.pending,
                "oldest_seconds": round(backlog.oldest_seconds, 3),
                "failed": backlog.failed,
            }
        except Exception:  # the backlog is information; health is the ping
            log.warning("inbox backlog unavailable")
        # Undeliverable messages need an admin, not a restart: detail only, still 200.
        data["deliveries"] = _deliveries(casebook)
    return healthy, data


def _deliveries(casebook: Casebook) -> dict[str, Any]:
    """The delivery ledger's health: pending rows and recent failure causes with their fix."""
    try:
        with transaction(casebook.deps.sessions) as session:
            return delivery_faults.health(session=session, now=casebook.deps.clock.now())
    except Exception:
        log.exception("could not read the delivery ledger for /healthz")
        return {"status": "unknown"}


def make_wsgi(casebook: Casebook) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Route health checks ourselves and everything under /slack/events to Bolt."""
    bolt_handler = SlackRequestHandler(casebook.bolt, path="/slack/events")

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            healthy, data = health(casebook)
            return _json(start_response, "200 OK" if healthy else "503 Service Unavailable", data)
        if path != "/slack/events":
            return _json(start_response, "404 Not Found", {"error": "not_found"})
        if method != "POST":
            return _json(start_response, "405 Method Not Allowed", {"error": "method_not_allowed"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            _drain(environ, length)
            return _json(start_response, "413 Payload Too Large", {"error": "body_too_large"})
        strip_lazy_environ(environ)
        token = request_id.set(environ.get("HTTP_X_REQUEST_ID") or new_request_id())
        try:
            return bolt_handler(environ, start_response)
        except (ValueError, LookupError, TypeError, AttributeError):
            # Bolt parses the body before checking the signature (broken JSON lands here), and
            # its error handling itself trips over payloads missing required keys.
            return _json(start_response, "400 Bad Request", {"error": "malformed_body"})
        except Exception:
            log.exception("unhandled error while serving a Slack request")
            return _json(start_response, "500 Internal Server Error", {"error": "internal_error"})
        finally:
            request_id.reset(token)

    return application
