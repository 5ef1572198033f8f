"""Open-loop ack latency, click-to-effect and capacity of `casebook serve`, with the bare Bolt floor.

    python -m benchmarks.latency --db sqlite|postgres [--workers 1] [--seconds 10]

One run, one engine: wrk (benchmarks/openloop.py) sends pre-signed slash commands, button
clicks and view submissions (benchmarks/workload.py) at fixed rates, doubling from
``--start-rate`` until Casebook stops keeping up (its backlog of acknowledged requests
whose effect has not reached the fake Slack grows past one second of arrivals). Capacity
is the most completed per second at a rate whose backlog stayed bounded. Then one step
near half and one at twice the overloaded step's completion rate, the CPU cost of each
kind of request, and the same rates against a Bolt app that only acks
(benchmarks/bare_app.py, same gunicorn set-up) plus one step at 5× the highest rate,
which shows the load generator is not what limits the figures. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from typing import Any

from benchmarks import openloop
from benchmarks.common import machine, percentile, save
from benchmarks.service import SECRET, Service, wait_until
from benchmarks.workload import (
    KINDS,
    Card,
    Effects,
    Request,
    click,
    command,
    ids,
    justify_template,
    open_cards,
    submission,
)
from bot.sandbox.simulator import Simulator

POOL_A = [f"U0BA{i:04d}" for i in range(48)]  # commands and clicks
# Capacity this benchmark measured on main before the durable receipt, the baseline for
# issue 14's "at least 3x": SQLite 50.1/s (2026-12-07, main at 6915702; 49.9/s at 06:28
# UTC), PostgreSQL 43.2/s (2026-12-07 06:28 UTC, main at d9dc7e7; an earlier run measured
# 25.0/s while losing acked work, so the higher figure is the one to beat). The old
# closed-loop figures (174 and 141 req/s) came from a lighter mix: help and stats reads.
BEFORE: dict[str, float | None] = {"sqlite": 50.1, "postgres": 43.2}
# CPU per request of each kind in that run (server processes, idle subtracted, ms), shown
# next to each run's own figures in BENCHMARKS.md.
BEFORE_CPU_MS: dict[str, dict[str, float]] = {
    "sqlite": {"command": 26.27, "click": 5.95, "submission": 27.34},
    "postgres": {"command": 31.19, "click": 7.64, "submission": 48.5},
}


class Bench:
    """One engine's run: the service, its fake Slack, the cards dealt, the effects seen."""

    def __init__(self, svc: Service, *, submit_users: list[str]) -> None:
        self.svc = svc
        self.effects = Effects(svc.fake)
        self.sim = Simulator(events_url="", signing_secret=SECRET, fake=svc.fake)
        self.spare = list(submit_users)
        self.cards: dict[str, Card] = {}
        self.fresh: list[Card] = []  # dealt to submission users, not yet submitted
        self.used: list[Card] = []  # submitted once: the floor may replay their forms
        self.template: dict[str, Any] | None = None
        self.rid = ids("r")
        self.setup_rate = 50.0

    def deal(self, users: list[str]) -> dict[str, Card]:
        """Deal each user a card through the service (``/casebook practice``) and wait for it."""
        bodies = [command(f"d{next(self.rid)}", u, self.svc.fake.url) for u in users]
        self.svc.send([(r.id, r.body) for r in bodies], self.setup_rate)
        wait_until(lambda: len(open_cards(self.svc.fake, users)) >= len(users), 120, 1.0)
        return open_cards(self.svc.fake, users)

    def ready(self, submissions: int) -> None:
        """Pool A's cards, the justification form's template, and ``submissions`` fresh cards."""
        if not self.cards:
            self.cards = self.deal(POOL_A)
            first = next(iter(self.cards.values()))
            req = click("warm", first, self.svc.fake.url)
            self.svc.send([(req.id, req.body)], 1)
            wait_until(lambda: justify_template(self.svc.fake) is not None, 30)
            self.template = justify_template(self.svc.fake)
        need = max(0, submissions - len(self.fresh))
        if need:
            users, self.spare = self.spare[:need], self.spare[need:]
            self.fresh += list(self.deal(users).values())

    def requests(self, n: int, kinds: tuple[str, ...] = KINDS, *, floor: bool = False) -> list[Request]:
        """``n`` requests cycling through ``kinds``; for the floor, submissions reuse dealt cards."""
        out: list[Request] = []
        a_cards = itertools.cycle(sorted(self.cards.values(), key=lambda c: c.user))
        s_cards = itertools.cycle(self.used + self.fresh) if floor and self.used + self.fresh else None
        for i in range(n):
            kind, rid = kinds[i % len(kinds)], next(self.rid)
            if kind == "submission" and self.template and (s_cards or self.fresh):
                card = next(s_cards) if s_cards else self.fresh.pop()
                self.used += [] if s_cards else [card]
                out.append(submission(rid, card, self.template, self.sim))
            elif kind == "click":
                out.append(click(rid, next(a_cards), self.svc.fake.url))
            else:
                out.append(command(rid, POOL_A[i % len(POOL_A)], self.svc.fake.url))
        return out

    def step(self, rate: float, seconds: float, kinds: tuple[str, ...] = KINDS) -> dict[str, Any]:
        n = max(1, int(rate * seconds))
        self.ready(sum(1 for i in range(n) if kinds[i % len(kinds)] == "submission"))
        reqs = self.requests(n, kinds)
        settled = self.svc.settle()
        cpu0, t0 = self.svc.cpu(), time.time()
        ack = self.svc.send([(r.id, r.body) for r in reqs], rate)
        sends = {s.id: s for s in ack.pop("sends")}
        end = max((s.at for s in sends.values()), default=time.time())
        backlog = self.svc.backlog()
        wanted = {r.trace for r in reqs if r.id in sends}
        seen_at_end = {k: v for k, v in self.effects.arrivals(t0).items() if k in wanted}
        wait_until(lambda: wanted <= self.effects.arrivals(t0).keys(), 60, 0.5)
        drained = time.time()
        cpu = self.svc.cpu() - cpu0
        seen = {k: v for k, v in self.effects.arrivals(t0).items() if k in wanted}
        result = {
            "rate": rate,
            "kinds": list(kinds),
            "ack": ack,
            "db_backlog_at_end": backlog,
            "settled": settled,
        }
        result |= effect_figures(reqs, sends, seen, seen_at_end, rate=rate, end=end)
        result["drain_s"] = round(max(0.0, drained - end), 1)
        result["cpu_ms_per_request"] = round(1000 * cpu / max(1, len(sends)), 2)
        return result


def effect_figures(
    reqs: list[Request],
    sends: dict[str, openloop.Sent],
    seen: dict[tuple[str, str], float],
    seen_at_end: dict[tuple[str, str], float],
    *,
    rate: float,
    end: float,
) -> dict[str, Any]:
    """Click-to-effect latency (send to effect at the fake Slack), backlog, completion rate."""
    by_kind: dict[str, list[float]] = {}
    missing = 0
    for r in reqs:
        sent = sends.get(r.id)
        if sent is None:
            continue
        at = seen.get(r.trace)
        if at is None:
            missing += 1
            continue
        by_kind.setdefault(r.kind, []).append((at - sent.at) * 1000)
    every = [ms for values in by_kind.values() for ms in values]
    start = min((s.at for s in sends.values()), default=end)
    # Completion rate: effects over the time from the first send to the last effect. An
    # overloaded step keeps the service busy all that time, so this is its throughput.
    last = max(seen.values(), default=end)
    completed_rate = len(seen) / max(0.001, last - start)
    backlog_at_end = len(sends) - len(seen_at_end)
    return {
        "effect_p50_ms": round(percentile(every, 50), 1),
        "effect_p99_ms": round(percentile(every, 99), 1),
        "effect_by_kind_p99_ms": {k: round(percentile(v, 99), 1) for k, v in by_kind.items()},
        "effects_missing": missing,
        "backlog_at_end": backlog_at_end,
        "completed_per_s": round(completed_rate, 1),
        "kept_up": backlog_at_end <= rate * 1.0 and missing == 0,
    }


def floor_step(svc: Service, bench: Bench, rate: float, seconds: float) -> dict[str, Any]:
    """The same requests against the bare Bolt app: ack figures and its CPU per request."""
    reqs = bench.requests(max(1, int(rate * seconds)), floor=True)
    cpu0 = svc.cpu()
    ack = svc.send([(r.id, r.body) for r in reqs], rate)
    ack.pop("sends")
    ack["cpu_ms_per_request"] = round(1000 * (svc.cpu() - cpu0) / max(1, ack["sent"]), 3)
    return ack


def cpu_per_kind(bench: Bench, *, rate: float, count: int) -> dict[str, Any]:
    """CPU of the server's processes per request of one kind, idle CPU subtracted."""
    out: dict[str, Any] = {}
    for kind in KINDS:
        bench.ready(count if kind == "submission" else 0)
        bench.svc.settle()
        c0, t0 = bench.svc.cpu(), time.monotonic()
        time.sleep(3)
        idle_per_s = (bench.svc.cpu() - c0) / (time.monotonic() - t0)
        c1, t1 = bench.svc.cpu(), time.monotonic()
        step = bench.step(rate, count / rate, (kind,))
        busy = bench.svc.cpu() - c1 - idle_per_s * (time.monotonic() - t1)
        sent = step["ack"]["sent"]
        out[kind] = {
            "cpu_ms": round(1000 * busy / max(1, sent), 2),
            "requests": sent,
            "effects_missing": step["effects_missing"],
            "idle_cpu_ms_per_s": round(1000 * idle_per_s, 1),
        }
    return out


def sweep(bench: Bench, args: argparse.Namespace) -> tuple[list[dict[str, Any]], float | None]:
    """Doubling rates until Casebook stops keeping up; then half and twice its capacity."""
    steps: list[dict[str, Any]] = []
    rate, capacity = args.start_rate, None
    while rate <= args.max_rate:
        steps.append(bench.step(rate, args.seconds))
        bench.setup_rate = max(20.0, min(150.0, steps[-1]["completed_per_s"] * 0.5))
        if not steps[-1]["kept_up"]:
            capacity = steps[-1]["completed_per_s"]
            break
        rate *= 2
    kept = [s["rate"] for s in steps if s["kept_up"]]
    if capacity and kept and rate / max(kept) > 1.5:
        # Doubling leaves a wide gap between the last rate kept up with and the first that
        # was not: one step in between (1.4x the last kept) finds a capacity up to 40% higher.
        between = bench.step(float(round(max(kept) * 1.4)), args.seconds)
        steps.append(between)
        if between["kept_up"]:
            capacity = max(capacity, between["completed_per_s"])
    if capacity:
        done = [s["rate"] for s in steps]
        half, double = round(capacity / 2), round(capacity * 2)
        if all(abs(half - r) > 0.15 * half for r in done):
            steps.append(bench.step(float(half), args.seconds))
        if double <= args.max_rate and max(done) < double:  # the top rate is at least twice capacity
            steps.append(bench.step(float(double), args.seconds))
    steps.sort(key=lambda s: s["rate"])
    return steps, capacity


def run(args: argparse.Namespace) -> dict[str, Any]:
    submit_users = [f"U0BS{i:05d}" for i in range(args.submit_users)]
    svc = Service(
        db=args.db, workers=args.workers, threads=args.threads, users=POOL_A + submit_users, also=args.also
    )
    result: dict[str, Any] = {
        "benchmark": "latency",
        "db": args.db,
        "workers": args.workers,
        "threads": args.threads,
        "seconds": args.seconds,
        "machine": machine(),
    }
    svc.prepare()
    try:
        svc.start()
        bench = Bench(svc, submit_users=submit_users)
        bench.step(10, 2)  # warm-up: imports, pools, caches
        steps, capacity = sweep(bench, args)
        result["cpu_per_kind"] = cpu_per_kind(bench, rate=args.cpu_rate, count=args.cpu_count)
        svc.stop()
        svc.start(bare=True)
        for s in steps:
            s["floor"] = floor_step(svc, bench, s["rate"], args.seconds)
        top = max(s["rate"] for s in steps)
        result["floor_proof"] = floor_step(svc, bench, top * 5, args.seconds)
    finally:
        svc.close()
    result |= {"steps": steps, "overloaded_completion_per_s": capacity}
    return judge(result)


def judge(result: dict[str, Any]) -> dict[str, Any]:
    """Each "Done when" figure of issue 14 that this run measures, met or not."""
    steps, proof = result["steps"], result["floor_proof"]
    # Capacity: the most completed per second at a rate whose backlog stayed bounded.
    kept = [s["completed_per_s"] for s in steps if s["kept_up"]]
    capacity = result["capacity_per_s"] = max(kept) if kept and not all(s["kept_up"] for s in steps) else None
    top = max(s["rate"] for s in steps)
    result["floor_sustains_5x"] = (
        proof["errors"] == 0
        and proof["sent"] >= 0.99 * proof["offered"]
        and (proof["send_rate"] or 0) >= 0.95 * proof["rate"]
        and proof["late_p99_ms"] < 50
    )
    reported = [s for s in steps if capacity is None or s["rate"] <= 2.05 * capacity]
    result["ack_met"] = all(
        s["ack"]["p99_ms"] < 50
        and s["ack"]["p99_ms"] <= 2 * max(s["floor"]["p99_ms"], 0.001)
        and s["ack"]["errors"] == 0
        for s in reported
    )
    half = [s for s in steps if capacity and s["rate"] <= 0.6 * capacity]
    result["effect_met"] = bool(half) and half[-1]["effect_p99_ms"] < 1000
    before = BEFORE[result["db"]]
    result["capacity_before_per_s"] = before
    result["cpu_before_receipt_ms"] = BEFORE_CPU_MS.get(result["db"], {})
    result["capacity_met"] = None if before is None else (capacity or top) >= 3 * before
    result["met"] = all(result[k] for k in ("floor_sustains_5x", "ack_met", "effect_met", "capacity_met"))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--start-rate", type=float, default=25)
    parser.add_argument("--max-rate", type=float, default=800)
    parser.add_argument("--submit-users", type=int, default=8000)
    parser.add_argument("--cpu-rate", type=float, default=25)
    parser.add_argument("--cpu-count", type=int, default=250)
    parser.add_argument(
        "--also", action="append", default=[], help="a `bot` subcommand to run beside the server (repeatable)"
    )
    args = parser.parse_args()
    result = run(args)
    save(f"latency-{args.db}", result)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
