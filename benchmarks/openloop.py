"""Open-loop load from wrk: pre-signed requests sent at a fixed rate, whatever the answers' latency.

wrk (a compiled load generator from Debian's packages) runs ``openloop.lua``, which turns
its closed loop into a fixed-rate schedule: a free connection claims the next arrival slot
and waits for it. Each send's lateness behind its slot is logged, so a run shows whether
the generator kept the schedule (it did if lateness stays near zero), and ack latency is
wrk's own histogram (send to answer). The requests are signed just before the run, with
fresh timestamps, so the server's 5-minute replay window accepts them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import percentile
from bot.sandbox.simulator import sign

LUA = Path(__file__).with_name("openloop.lua")


def ensure_wrk() -> str:
    """The wrk binary; installed with apt-get (Debian's ``wrk``) when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("benchmarks need wrk: apt-get install wrk")


@dataclass(frozen=True)
class Sent:
    id: str
    slot: float  # scheduled arrival, epoch seconds
    at: float  # actual send, epoch seconds


def _write_requests(folder: Path, bodies: list[tuple[str, bytes]], threads: int, secret: str) -> None:
    ts = str(int(time.time()))
    files = [(folder / f"req-{n}.tsv").open("w") for n in range(threads)]
    try:
        for i, (rid, body) in enumerate(bodies):
            text = body.decode()
            assert "\n" not in text and "\t" not in text, "form bodies are url-encoded"
            files[i % threads].write(f"{rid}\t{ts}\t{sign(secret, ts, body)}\t{text}\n")
    finally:
        for f in files:
            f.close()


def run(
    *,
    url: str,
    bodies: list[tuple[str, bytes]],
    rate: float,
    secret: str,
    connections: int,
    threads: int = 2,
) -> dict[str, Any]:
    """Send ``bodies`` (id, url-encoded form) to ``url`` at ``rate``/s over ``connections``.

    Keep ``connections`` near the server's thread count: gunicorn's gthread worker answers
    a keep-alive connection late when there are more of them than threads (its poller
    re-arms idle connections on its own schedule), for Casebook and the floor alike; if
    they are too few, sends fall behind the schedule, which ``late_p99_ms`` shows.
    """
    wrk = ensure_wrk()
    threads = max(1, min(threads, len(bodies)))
    conns = max(connections - connections % threads, threads)
    seconds = len(bodies) / rate
    folder = Path(tempfile.mkdtemp(prefix="casebook-wrk-"))
    try:
        _write_requests(folder, bodies, threads, secret)
        start_us = int((time.time() + 0.5 + conns / 2000) * 1e6)  # after wrk has connected
        duration = int(seconds + 2.5 + conns / 2000)
        cmd = [wrk, "-t", str(threads), "-c", str(conns), "-d", f"{duration}s", "--timeout", "10s"]
        cmd += ["-s", str(LUA), url, "--", str(folder), str(rate / threads), str(start_us)]
        env = dict(os.environ, CASEBOOK_WRK_DIR=str(folder))
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
        summary_path = folder / "summary.json"
        if done.returncode != 0 or not summary_path.exists():
            raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-800:]}")
        summary = json.loads(summary_path.read_text())
        sent: list[Sent] = []
        for n in range(threads):
            for line in (folder / f"sent-{n}.tsv").read_text().splitlines():
                rid, slot, at = line.split("\t")
                sent.append(Sent(rid, int(slot) / 1e6, int(at) / 1e6))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return figures(summary, sent, rate=rate, offered=len(bodies), connections=conns)


def figures(
    summary: dict[str, Any], sent: list[Sent], *, rate: float, offered: int, connections: int
) -> dict[str, Any]:
    """Ack latency (wrk's histogram), errors, and how well the sends kept to the schedule."""
    late_ms = [max(0.0, (s.at - s.slot) * 1000) for s in sent]
    span = (max(s.at for s in sent) - min(s.at for s in sent)) if len(sent) > 1 else 0.0
    errors = sum(summary[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "rate": rate,
        "offered": offered,
        "sent": len(sent),
        "answered": summary["requests"],
        "send_rate": round((len(sent) - 1) / span, 1) if span else None,
        "errors": errors,
        "error_kinds": {
            k: summary[k] for k in ("connect", "read", "write", "status", "timeout") if summary[k]
        },
        "p50_ms": round(summary["p50_us"] / 1000, 2),
        "p90_ms": round(summary["p90_us"] / 1000, 2),
        "p99_ms": round(summary["p99_us"] / 1000, 2),
        "max_ms": round(summary["max_us"] / 1000, 2),
        "late_p99_ms": round(percentile(late_ms, 99), 2),
        "late_max_ms": round(max(late_ms), 2) if late_ms else None,
        "connections": connections,
        "sends": sent,
    }
