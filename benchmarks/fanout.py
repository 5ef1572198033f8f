"""Fan-out benchmark: one scheduled send to 10,000 people against a rate-limited fake Slack.

The fake Slack runs in its own process (its own interpreter, as Slack is) and enforces
chat.postMessage at one message per second per channel plus a workspace-wide cap.
Casebook enqueues the daily sync for 10,000 engineers through the real job
(``run_job("daily-sync")``) and its dispatcher sends them. Reported, as one JSON line:
messages per second as a share of the cap (target >= 0.90), duplicates (target 0),
429s received, and how long enqueueing took.

    python -m benchmarks.fanout [--recipients 10000] [--cap 200] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import insert

CHANNEL_GAP = 1.0
SYNC_AT = datetime(2026, 11, 17, 22, 46, tzinfo=UTC)  # Tuesday 17:46 New York, parallel run


def _slack_process(conn: Connection, recipients: int, cap: float) -> None:
    """Child: serve the fake Slack until told to stop, then report what it received."""
    from bot.sandbox.fakeslack import FakeSlack

    fake = FakeSlack()
    fake.rate_limits["chat.postMessage"] = CHANNEL_GAP
    fake.workspace_cap = cap
    for i in range(recipients):
        fake.add_user(f"U{i:07d}", f"Engineer {i}")
    fake.start()
    conn.send(fake.api_url)
    conn.recv()  # "stop"
    with fake.lock:
        posts = [c for c in fake.calls if c.method == "chat.postMessage"]
        ok = [(c.args.get("channel"), c.at) for c in posts if c.response.get("ok")]
        limited = sum(1 for c in posts if c.response.get("error") == "ratelimited")
        invalid = list(fake.invalid)
    conn.send({"ok": ok, "ratelimited": limited, "invalid": invalid})
    fake.stop()


def _roster(sessions: Any, recipients: int) -> None:
    """Bulk-load engineers (set-up, not measured; the roster importer audits row by row)."""
    from bot.db.engine import transaction
    from bot.db.models import Person, PersonRole

    joined = datetime(2026, 11, 1, tzinfo=UTC)
    with transaction(sessions) as session:
        session.execute(
            insert(Person),
            [
                {
                    "slack_user_id": f"U{i:07d}",
                    "name": f"Engineer {i}",
                    "timezone": "America/New_York",
                    "status": "active",
                    "created_at": joined,
                    "updated_at": joined,
                }
                for i in range(recipients)
            ],
        )
        ids = session.query(Person.id).all()
        session.execute(insert(PersonRole), [{"person_id": pid, "role": "engineer"} for (pid,) in ids])


def run(
    recipients: int, cap: float, database_url: str | None, headroom: float, threads: int
) -> dict[str, Any]:
    from bot.app import create_app
    from bot.clock import FixedClock
    from bot.config import Settings
    from bot.db.migrate import upgrade
    from bot.jobs.runner import run_job, tick

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    slack = ctx.Process(target=_slack_process, args=(child, recipients, cap), daemon=True)
    slack.start()
    api_url = parent.recv()
    tmp = tempfile.mkdtemp(prefix="casebook-fanout-")
    url = database_url or f"sqlite:///{Path(tmp) / 'fanout.db'}"
    upgrade(url)
    settings = Settings(
        slack_bot_token="xoxb-bench",
        slack_signing_secret="bench",
        slack_api_url=api_url,
        database_url=url,
        casebook_slack_rate=cap * headroom,
        casebook_slack_channel_gap=CHANNEL_GAP,
        casebook_slack_channel_burst=1,
        casebook_dispatch_threads=threads,
        casebook_db_pool=threads + 4,
    )
    clock = FixedClock(SYNC_AT)
    app = create_app(settings, clock=clock)
    _roster(app.deps.sessions, recipients)

    started = time.perf_counter()
    enqueued = run_job(deps=app.deps, name="daily-sync", at=SYNC_AT)
    enqueue_seconds = time.perf_counter() - started

    t0 = time.perf_counter()
    app.deps.dispatcher.start()
    app.deps.dispatcher.kick()
    while not app.deps.dispatcher.wait_idle(1.0) or time.perf_counter() - t0 < 1.0:
        if time.perf_counter() - t0 > recipients / (cap * 0.5) + 120:
            break
    wall = time.perf_counter() - t0
    # What every later scheduler tick costs with this many people (everything already in the ledger).
    app.deps.dispatcher.stop()
    started = time.perf_counter()
    tick(deps=app.deps, at=SYNC_AT)
    tick_seconds = time.perf_counter() - started
    app.shutdown(timeout=10)
    parent.send("stop")
    report = parent.recv()
    slack.join(10)

    ok = report["ok"]
    per_channel = Counter(channel for channel, _ in ok)
    duplicates = sum(n - 1 for n in per_channel.values() if n > 1)
    stamps = sorted(at for _, at in ok)
    seconds = Counter(int(t - stamps[0]) for t in stamps) if stamps else Counter()
    full = sorted(n for second, n in seconds.items() if second < max(seconds, default=0))
    span = (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    rate = (len(stamps) - 1) / span if span else 0.0
    return {
        "benchmark": "fanout",
        "database": url.split(":", 1)[0],
        "recipients": recipients,
        "enqueued": enqueued,
        "delivered": len(per_channel),
        "duplicates": duplicates,
        "ratelimited_429": report["ratelimited"],
        "invalid_payloads": len(report["invalid"]),
        "workspace_cap_per_s": cap,
        "channel_gap_s": CHANNEL_GAP,
        "dispatcher_rate_per_s": round(cap * headroom, 1),
        "dispatch_threads": threads,
        "messages_per_s": round(rate, 1),
        "share_of_cap": round(rate / cap, 3),
        "per_second": {"min": full[0], "median": full[len(full) // 2], "max": full[-1]} if full else {},
        "send_seconds": round(span, 1),
        "wall_seconds": round(wall, 1),
        "enqueue_seconds": round(enqueue_seconds, 1),
        "noop_tick_seconds": round(tick_seconds, 2),
        "targets": {"share_of_cap": ">= 0.90", "duplicates": 0},
        "passed": rate / cap >= 0.90 and duplicates == 0 and len(per_channel) == recipients,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--cap", type=float, default=200.0, help="workspace cap, messages per second")
    parser.add_argument("--headroom", type=float, default=0.97, help="dispatcher rate as a share of the cap")
    parser.add_argument("--threads", type=int, default=8, help="dispatcher send threads")
    parser.add_argument(
        "--database-url", default=os.environ.get("CASEBOOK_BENCH_DATABASE_URL"), help="default: a temp SQLite"
    )
    args = parser.parse_args(argv)
    result = run(args.recipients, args.cap, args.database_url, args.headroom, args.threads)
    print(json.dumps(result))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
