"""100 slow clients trickling request bodies cannot starve `casebook serve` (issue 14).

Each holds a connection open and sends its body a byte at a time; meanwhile health checks and
signed Slack requests must answer as fast as they did before the crowd arrived. With
gunicorn's gthread worker every trickling body held a thread, and 33 of them stopped the service.
"""

from __future__ import annotations

import socket
import statistics
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.serve_support import free_port, migrate_with_roster, serve_env, simulator, start_serve

SLOW_CLIENTS = 100
FORM = "application/x-www-form-urlencoded"


def _trickle(port: int, stop: threading.Event, opened: list[socket.socket]) -> None:
    sock = socket.create_connection(("127.0.0.1", port))
    opened.append(sock)
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: casebook\r\n"
        f"Content-Type: {FORM}\r\nContent-Length: 100000\r\n\r\n"
    )
    sock.sendall(head.encode())
    while not stop.wait(0.25):
        try:
            sock.sendall(b"a")
        except OSError:
            return  # the server cut the trickle off (its body deadline): as intended


def _latencies(port: int, slack: Simulator) -> tuple[list[float], list[float]]:
    health, signed = [], []
    for _ in range(10):
        start = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as resp:
            assert resp.status == 200
        health.append(time.perf_counter() - start)
        body = urllib.parse.urlencode(slack.command_fields("U0ENG1", "help")).encode()
        reply = slack.post(body, FORM, timeout=10)
        assert reply.status == 200
        signed.append(reply.elapsed)
    return health, signed


def test_slow_clients_do_not_delay_health_checks_or_signed_requests(
    tmp_path: Path, fake: FakeSlack, database_url: str
) -> None:
    env = serve_env(fake=fake, database_url=database_url)
    migrate_with_roster(env=env, tmp_path=tmp_path)
    port = free_port()
    proc = start_serve(env, port=port, new_session=True)
    slack = simulator(port, fake)
    stop = threading.Event()
    opened: list[socket.socket] = []
    try:
        usual_health, usual_signed = _latencies(port, slack)
        crowd = [threading.Thread(target=_trickle, args=(port, stop, opened)) for _ in range(SLOW_CLIENTS)]
        for t in crowd:
            t.start()
        time.sleep(1.0)  # every slow client is connected and mid-body
        assert len(opened) == SLOW_CLIENTS
        health, signed = _latencies(port, slack)
    finally:
        stop.set()
        for sock in opened:
            sock.close()
        proc.terminate()
        proc.wait(40)
    # "usual": within 5x the median seen without the crowd, and never near Slack's 3 s
    for usual, during in ((usual_health, health), (usual_signed, signed)):
        bound = max(5 * statistics.median(usual), 0.25)
        assert max(during) < max(bound, 0.5), (usual, during)
