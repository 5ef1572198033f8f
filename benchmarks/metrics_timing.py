"""Timing a week's scorecard: in-process (what the service does) and through the CLI (start-up included)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bot.config import EXAMPLE_PROGRAM

ROOT = Path(__file__).resolve().parents[1]
WEEK = "2026-W47"


def measure(url: str, runs: int) -> dict[str, Any]:
    """Time the CLI from a small helper process, so the children's peak RSS is the CLI's own.

    A child starts life sharing its parent's pages, and Linux carries that high-water
    mark through exec; spawned from this (large, data-generating) process the CLI would
    report our size, not its own. The helper (benchmarks/_measure.py) imports nothing
    but the standard library.
    """
    env = dict(os.environ, DATABASE_URL=url, CASEBOOK_PROGRAM=str(EXAMPLE_PROGRAM), LOG_LEVEL="WARNING")
    command = [sys.executable, "-m", "bot", "metrics", "--week", WEEK, "--json"]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks._measure", "--runs", str(runs), "--", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"measurement failed ({done.returncode}):\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def in_process(url: str, runs: int) -> dict[str, Any]:
    """Time ``compute_scorecard`` for the week inside one process, as the Home tab and digest call it.

    The engine and its pool are built once, as in the running service; the first call
    (a fresh connection, cold caches) is reported apart from the warm ones.
    """
    from bot.db.engine import make_engine, make_session_factory, transaction
    from bot.domain.metrics import compute_scorecard
    from bot.domain.weeks import parse_week
    from bot.program import load_program

    program = load_program(EXAMPLE_PROGRAM)
    week = parse_week(WEEK, program.tz)
    engine = make_engine(url, pool_size=2)
    sessions = make_session_factory(engine)
    times: list[float] = []
    live = None
    try:
        for _ in range(runs + 1):
            start = time.perf_counter()
            with transaction(sessions) as session:
                card = compute_scorecard(session=session, program=program, week=week)
            times.append(time.perf_counter() - start)
            live = card.facts.live.total
    finally:
        engine.dispose()
    warm = times[1:]
    return {
        "first_s": round(times[0], 3),
        "runs_s": [round(t, 3) for t in warm],
        "median_s": round(statistics.median(warm), 3),
        "max_s": round(max(warm), 3),
        "live": live,
    }
