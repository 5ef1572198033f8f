"""A gunicorn worker that reads requests on an event loop and runs only complete ones in threads.

gunicorn's ``gthread`` worker hands a connection to a thread as soon as it is readable, and
that thread then waits on the body: 32 clients trickling bodies held all 32 threads, and the
service (health checks included) stopped answering (issue 14). Here one asyncio loop reads
every connection's head and body, with a size limit and deadlines, and only a complete
request reaches the thread pool that runs the WSGI app (Bolt's ack, the inbox insert). A slow
or hostile client costs a coroutine, not a thread.

HTTP/1.1 with Content-Length bodies and keep-alive is all Slack and health checkers use;
chunked request bodies are refused (411), as are heads over 16 KB and bodies over 256 KB.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote

from gunicorn.workers.base import Worker

MAX_HEAD = 16 * 1024
MAX_BODY = 256 * 1024  # as bot.web.wsgi.MAX_BODY: refused before a byte of it is read
HEAD_TIMEOUT = 10.0  # seconds for a request's line and headers, from its first byte
BODY_TIMEOUT = 10.0  # seconds for the whole body: a trickle slower than that is cut off
IDLE_TIMEOUT = 5.0  # keep-alive: an idle connection is closed after this long
REASONS = {400: "Bad Request", 408: "Request Timeout", 411: "Length Required", 413: "Payload Too Large"}


class BufferingWorker(Worker):  # type: ignore[misc]
    """gunicorn worker: asyncio reads whole requests; ``threads`` threads run the WSGI app."""

    def run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=self.cfg.threads, thread_name_prefix="wsgi")
        self.in_flight = 0
        servers = [
            await asyncio.start_server(self._connection, sock=listener.sock, limit=MAX_HEAD)
            for listener in self.sockets
        ]
        while self.alive:
            self.notify()
            if self.ppid != os.getppid():
                break  # the master is gone
            await asyncio.sleep(0.5)
        for server in servers:
            server.close()  # no new connections; requests in hand finish (graceful_timeout)
        deadline = asyncio.get_running_loop().time() + self.cfg.graceful_timeout
        while self.in_flight and asyncio.get_running_loop().time() < deadline:
            self.notify()
            await asyncio.sleep(0.05)
        self.pool.shutdown(wait=True)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while self.alive:
                request = await self._read(reader, writer)
                if request is None:
                    break
                environ, keep_alive = request
                self.in_flight += 1
                try:
                    loop = asyncio.get_running_loop()
                    response = await loop.run_in_executor(self.pool, self._call, environ)
                    keep_alive = keep_alive and self.alive
                    writer.write(_encode(*response, keep_alive=keep_alive))
                    await writer.drain()
                finally:
                    self.in_flight -= 1
                if not keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # Shutdown: asyncio.run cancels connections still open (idle keep-alive, a head half
            # sent) once in-flight requests are done. Python 3.11's stream server then calls
            # task.exception() on the cancelled task and logs a traceback, so end normally.
            pass
        finally:
            writer.close()

    async def _read(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[dict[str, Any], bool] | None:
        """One complete request as a WSGI environ (and whether to keep the connection), or None."""
        try:
            first = await asyncio.wait_for(reader.read(1), IDLE_TIMEOUT)
            if not first:
                return None
            head = first + await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT)
        except (TimeoutError, asyncio.IncompleteReadError):
            return None
        except asyncio.LimitOverrunError:
            await _refuse(writer, 400)
            return None
        parsed = _parse_head(head)
        if parsed is None:
            await _refuse(writer, 400)
            return None
        environ, headers = parsed
        if "chunked" in headers.get("transfer-encoding", "").lower():
            await _refuse(writer, 411)
            return None
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            await _refuse(writer, 413 if length > MAX_BODY else 400)
            return None
        try:
            body = await asyncio.wait_for(reader.readexactly(length), BODY_TIMEOUT) if length else b""
        except TimeoutError:
            await _refuse(writer, 408)
            return None
        peer = writer.get_extra_info("peername") or ("", 0)
        environ.update(
            {
                "wsgi.input": io.BytesIO(body),
                "CONTENT_LENGTH": str(length),
                "REMOTE_ADDR": str(peer[0]),
                "SERVER_NAME": "casebook",
                "SERVER_PORT": str(self.cfg.address[0][1] if self.cfg.address else ""),
            }
        )
        keep_alive = environ["SERVER_PROTOCOL"] == "HTTP/1.1" and headers.get("connection") != "close"
        return environ, keep_alive

    def _call(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        """Run the WSGI app on a complete request (in a pool thread)."""
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started["status"], started["headers"] = status, headers
            return lambda data: None

        try:
            result = self.wsgi(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception:
            self.log.exception("error handling request")
            return "500 Internal Server Error", [("Content-Type", "text/plain")], b"internal error"
        return started["status"], started["headers"], body


def _parse_head(head: bytes) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The request line and headers as a partial WSGI environ, and the headers by lower-case name."""
    try:
        lines = head.decode("latin-1").split("\r\n")
        method, target, protocol = lines[0].split(" ")
    except ValueError:
        return None
    path, _, query = target.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(path),
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": protocol,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            return None
        key, value = name.strip().lower(), value.strip()
        headers[key] = value
        if key == "content-type":
            environ["CONTENT_TYPE"] = value
        elif key != "content-length":
            environ["HTTP_" + key.upper().replace("-", "_")] = value
    return environ, headers


def _encode(status: str, headers: list[tuple[str, str]], body: bytes, *, keep_alive: bool) -> bytes:
    names = {name.lower() for name, _ in headers}
    lines = [f"HTTP/1.1 {status}"] + [f"{name}: {value}" for name, value in headers]
    if "content-length" not in names:
        lines.append(f"Content-Length: {len(body)}")
    lines.append(f"Connection: {'keep-alive' if keep_alive else 'close'}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _refuse(writer: asyncio.StreamWriter, code: int) -> None:
    body = f'{{"error":"{REASONS[code].lower().replace(" ", "_")}"}}'.encode()
    headers = [("Content-Type", "application/json")]
    writer.write(_encode(f"{code} {REASONS[code]}", headers, body, keep_alive=False))
    with contextlib.suppress(ConnectionError):
        await writer.drain()
