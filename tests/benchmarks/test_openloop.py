"""The load generator keeps its schedule and the effect tracing counts what it should (not timed)."""

from __future__ import annotations

import shutil
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from benchmarks import openloop
from benchmarks.latency import effect_figures
from benchmarks.workload import Card, Request, click, command
from bot.sandbox.simulator import sign


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[tuple[float, bytes, dict[str, str]]]] = []
    lock = threading.Lock()

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.lock:
            self.seen.append((time.time(), body, dict(self.headers)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk not installed (apt-get install wrk)")
def test_wrk_sends_each_signed_body_once_on_a_fixed_schedule() -> None:
    Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bodies = [(f"r{i}", urllib.parse.urlencode({"n": str(i)}).encode()) for i in range(60)]
    try:
        result = openloop.run(
            url=f"http://127.0.0.1:{server.server_port}/slack/events",
            bodies=bodies,
            rate=60,
            secret="s",
            connections=4,
        )
    finally:
        server.shutdown()
    posted = sorted(Recorder.seen)
    assert sorted(b for _, b, _ in posted) == sorted(b for _, b in bodies)  # each once, none twice
    for _, body, headers in posted:
        assert headers["X-Slack-Signature"] == sign("s", headers["X-Slack-Request-Timestamp"], body)
    span = posted[-1][0] - posted[0][0]
    assert 0.8 < span < 1.3, span  # 60 arrivals at 60/s spread over a second, not one burst
    assert result["sent"] == 60 and result["errors"] == 0
    assert result["late_p99_ms"] < 100


def test_every_request_body_is_distinct() -> None:
    card = Card("U1", 7, '{"assignment_id": 7}', "D1", "1.1")
    reqs = [command(f"r{i}", "U1", "http://fake") for i in range(5)]
    reqs += [click(f"c{i}", card, "http://fake") for i in range(5)]
    assert len({r.body for r in reqs}) == len(reqs)  # a receipt keyed on the body dedupes none
    assert len({r.trace for r in reqs}) == len(reqs)  # each effect belongs to one request


def test_effect_figures_count_missing_effects_and_backlog() -> None:
    reqs = [Request(f"r{i}", "command", b"", ("response", f"r{i}")) for i in range(4)]
    sends = {r.id: openloop.Sent(r.id, 100.0 + i, 100.0 + i) for i, r in enumerate(reqs)}
    seen = {("response", "r0"): 100.1, ("response", "r1"): 101.5, ("response", "r2"): 103.2}
    figures = effect_figures(reqs, sends, seen, {("response", "r0"): 100.1}, rate=1.0, end=103.0)
    assert figures["effects_missing"] == 1
    assert figures["backlog_at_end"] == 3
    assert figures["effect_p50_ms"] == pytest.approx(500.0, abs=1)  # send to effect: 100, 500, 1200 ms
    assert figures["effect_p99_ms"] == pytest.approx(1200.0, abs=1)
    assert figures["kept_up"] is False
