"""Acknowledgement latency of `casebook serve` under N concurrent clients, vs a bare Bolt app.

Both servers run under the same gunicorn set-up; clients send correctly signed slash
commands and button clicks over keep-alive connections for T seconds. Prints one JSON
line with count, errors, p50/p90/p99/max for each, and the p99 ratio.

    python -m benchmarks.latency --clients 32 --seconds 20 --db sqlite
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, free_port, machine, percentile, save, wait_healthy
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import sign

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
USERS = 32


def roster_csv() -> str:
    lines = ["slack_user_id,name,email,roles,mentor,timezone", "U0BMENTOR,Bench Mentor,,mentor;lead,,"]
    lines += [f"U0B{i:04d},Bench Engineer {i},,engineer,U0BMENTOR,America/New_York" for i in range(USERS)]
    return "\n".join(lines) + "\n"


def request_bodies(user: str, fake_url: str) -> list[tuple[str, bytes]]:
    """The request mix for one client, as Slack sends it: slash commands and button clicks.

    `help` and `stats` read; `practice` and the App Home "Practise" click deal a card
    (database writes plus a ledger row the dispatcher sends after the ack).
    """
    command = {
        "token": "x",
        "team_id": "T0CASEBOOK",
        "team_domain": "bench",
        "channel_id": "C0CBGENERAL",
        "channel_name": "general",
        "user_id": user,
        "user_name": user,
        "command": "/casebook",
        "api_app_id": "A0CASEBOOK",
        "response_url": f"{fake_url}/response/bench",
        "trigger_id": "1.2.valid",
    }
    click = {
        "type": "block_actions",
        "user": {"id": user, "username": user, "name": user, "team_id": "T0CASEBOOK"},
        "api_app_id": "A0CASEBOOK",
        "token": "x",
        "trigger_id": "1.2.valid",
        "team": {"id": "T0CASEBOOK", "domain": "bench"},
        "container": {"type": "view", "view_id": "V0BENCH"},
        "actions": [
            {
                "action_id": "home_practice",
                "block_id": "b",
                "type": "button",
                "value": '{"after": 0}',
                "action_ts": "1.2",
            }
        ],
    }
    form = "application/x-www-form-urlencoded"
    mix = [
        (form, urllib.parse.urlencode(dict(command, text="help")).encode()),
        (form, urllib.parse.urlencode({"payload": json.dumps(click)}).encode()),
        (form, urllib.parse.urlencode(dict(command, text="stats")).encode()),
        (form, urllib.parse.urlencode(dict(command, text="practice")).encode()),
    ]
    only = os.environ.get("CASEBOOK_BENCH_MIX")  # e.g. "0,2": profile one kind of request
    return [mix[int(i)] for i in only.split(",")] if only else mix


def _client_proc(port: int, users: list[str], seconds: float, fake_url: str, rate: float, out: Any) -> None:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def run(user: str) -> None:
        nonlocal errors
        bodies = request_bodies(user, fake_url)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        i = 0
        while time.perf_counter() < stop_at:
            ctype, body = bodies[i % len(bodies)]
            i += 1
            ts = str(int(time.time()))
            headers = {
                "Content-Type": ctype,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": sign(SECRET, ts, body),
            }
            start = time.perf_counter()
            try:
                conn.request("POST", "/slack/events", body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1
            if rate > 0:  # a person's pace: think, then click again (jittered so clients don't align)
                time.sleep(max(0.0, random.uniform(0.5, 1.5) / rate - elapsed))
        conn.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put((latencies, errors))


def drive(
    port: int, clients: int, seconds: float, fake_url: str, rate: float = 0.0, procs: int = 2
) -> dict[str, Any]:
    users = [f"U0B{i:04d}" for i in range(clients)]
    queue: Any = mp.get_context("fork").Queue()
    chunks = [users[i::procs] for i in range(procs)]
    workers = [
        mp.get_context("fork").Process(target=_client_proc, args=(port, c, seconds, fake_url, rate, queue))
        for c in chunks
        if c
    ]
    for w in workers:
        w.start()
    latencies: list[float] = []
    errors = 0
    for _ in workers:
        lat, err = queue.get()
        latencies += lat
        errors += err
    for w in workers:
        w.join()
    ms = [x * 1000 for x in latencies]
    return {
        "count": len(ms),
        "errors": errors,
        "rps": round(len(ms) / seconds, 1),
        "p50_ms": round(percentile(ms, 50), 2),
        "p90_ms": round(percentile(ms, 90), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(max(ms), 2) if ms else None,
    }


def database(kind: str, tmp: Path) -> tuple[str, Any]:
    if kind == "sqlite":
        return f"sqlite:///{tmp}/bench.db", None
    from sqlalchemy import create_engine, text

    base = os.environ.get("CASEBOOK_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    name = f"casebook_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return base.rsplit("/", 1)[0] + f"/{name}", drop


def run(clients: int, seconds: float, db: str, workers: int, threads: int, rate: float) -> dict[str, Any]:
    fake = FakeSlack().start()
    fake.strict = False
    for i in range(clients):
        fake.add_user(f"U0B{i:04d}", f"Bench {i}")
    fake.add_user("U0BMENTOR", "Bench Mentor")
    for channel in ("C0CBREVIEW", "C0CBPMDIGST", "C0CBANNOUNC", "C0CBGENERAL"):
        fake.add_channel(channel)
    tmp = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    url, cleanup = database(db, tmp)
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "CASEBOOK_THREADS": str(threads),
    }
    env.pop("SLACK_APP_TOKEN", None)
    py = [sys.executable, "-m", "bot"]
    subprocess.run([*py, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    (tmp / "roster.csv").write_text(roster_csv())
    subprocess.run(
        [*py, "roster", "import", str(tmp / "roster.csv")], env=env, cwd=ROOT, check=True, capture_output=True
    )
    result: dict[str, Any] = {
        "benchmark": "latency",
        "rate_per_client": rate,
        "db": db,
        "clients": clients,
        "seconds": seconds,
        "workers": workers,
        "threads": threads,
        "machine": machine(),
    }
    try:
        port = free_port()
        server = subprocess.Popen(
            [
                *py,
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--no-scheduler",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_healthy(f"http://127.0.0.1:{port}/healthz", server)
            drive(port, clients, 2, fake.url, rate)  # warm-up
            result["casebook"] = drive(port, clients, seconds, fake.url, rate)
            result["casebook_saturated"] = drive(port, clients, seconds, fake.url, 0.0)
        finally:
            server.terminate()
            server.wait(30)
        port = free_port()
        bare = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.bare_app",
                str(port),
                str(workers),
                str(threads),
                SECRET,
                fake.api_url,
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_healthy(f"http://127.0.0.1:{port}/healthz", bare)
            drive(port, clients, 2, fake.url, rate)
            result["bare"] = drive(port, clients, seconds, fake.url, rate)
            result["bare_saturated"] = drive(port, clients, seconds, fake.url, 0.0)
        finally:
            bare.terminate()
            bare.wait(30)
    finally:
        fake.stop()
        if cleanup:
            cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    result["p99_ratio"] = round(result["casebook"]["p99_ms"] / max(result["bare"]["p99_ms"], 0.001), 2)
    result["saturated_p99_ratio"] = round(
        result["casebook_saturated"]["p99_ms"] / max(result["bare_saturated"]["p99_ms"], 0.001), 2
    )
    result["targets"] = {"p99_ms": 100, "p99_ratio": 2.0}
    result["met"] = (
        result["casebook"]["p99_ms"] < 100
        and result["p99_ratio"] <= 2.0
        and result["casebook"]["errors"] == 0
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument(
        "--rate",
        type=float,
        default=5.0,
        help="requests per second per client (a person's pace); 0 = back-to-back saturation",
    )
    args = parser.parse_args()
    result = run(args.clients, args.seconds, args.db, args.workers, args.threads, args.rate)
    save(f"latency-{args.db}", result)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
