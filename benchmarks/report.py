"""BENCHMARKS.md from the results: a summary against the targets, then each latency run's steps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from benchmarks.common import ROOT, machine


def mark(met: object) -> str:
    return "met" if met is True else ("**missed**" if met is False else "—")


def met_of(result: dict[str, Any]) -> object:
    for key in ("met", "passed", "ok"):
        if key in result:
            return result[key]
    return None


def latency_rows(r: dict[str, Any]) -> list[str]:
    """Summary rows of one engine's latency run, one per "Done when" figure."""
    db, cap, proof = r["db"], r.get("capacity_per_s"), r["floor_proof"]
    top = max(s["rate"] for s in r["steps"])
    worst = max(r["steps"], key=lambda s: s["ack"]["p99_ms"] / max(s["floor"]["p99_ms"], 0.001))
    half = [s for s in r["steps"] if cap and s["rate"] <= 0.6 * cap]
    cap_text = f"{cap}/s" if cap else f"≥ {top}/s (kept up at every rate tried)"
    before = r["capacity_before_per_s"]
    before_text = f"{before}/s" if before else "this run is the baseline"
    rows = [
        f"| capacity, {db} | {cap_text}; before the receipt: {before_text} "
        f"| ≥ 3× before | {mark(r['capacity_met'])} |",
        f"| ack p99 vs floor, {db}, rates {', '.join(str(int(s['rate'])) for s in r['steps'])}/s "
        f"| worst at {int(worst['rate'])}/s: {worst['ack']['p99_ms']} ms "
        f"vs floor {worst['floor']['p99_ms']} ms "
        f"| < 50 ms and ≤ 2× floor up to 2× capacity | {mark(r['ack_met'])} |",
    ]
    if half:
        s = half[-1]
        rows.append(
            f"| click-to-effect p99 at {int(s['rate'])}/s (≈ half capacity), {db} | {s['effect_p99_ms']} ms "
            f"| < 1 s | {mark(r['effect_met'])} |"
        )
    rows.append(
        f"| floor at 5× the top rate, {db} | {int(proof['rate'])}/s offered, {proof['send_rate']}/s sent, "
        f"p99 {proof['p99_ms']} ms, sends late p99 {proof['late_p99_ms']} ms, {proof['errors']} errors "
        f"| sustains it | {mark(r['floor_sustains_5x'])} |"
    )
    return rows


def latency_table(r: dict[str, Any]) -> list[str]:
    """Every step of one engine's run, with the floor's figures at the same rate."""
    out = [
        f"### {r['db']}: `bot serve --workers {r['workers']} --threads {r['threads']}`, "
        f"{r['seconds']} s per rate",
        "",
        "| offered/s | ack p50 / p99 ms | floor p50 / p99 ms | sends late p99 ms "
        "| click-to-effect p50 / p99 ms (command, click, submission p99) | completed/s "
        "| backlog at end (db) | drained in | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in r["steps"]:
        a, f, k = s["ack"], s["floor"], s["effect_by_kind_p99_ms"]
        kinds = ", ".join(str(k.get(x, "—")) for x in ("command", "click", "submission"))
        db = ", ".join(f"{n.split('_')[0]} {v}" for n, v in s["db_backlog_at_end"].items())
        out.append(
            f"| {int(s['rate'])} | {a['p50_ms']} / {a['p99_ms']} | {f['p50_ms']} / {f['p99_ms']} "
            f"| {a['late_p99_ms']} | {s['effect_p50_ms']} / {s['effect_p99_ms']} ({kinds}) "
            f"| {s['completed_per_s']} | {s['backlog_at_end']} ({db}) | {s['drain_s']} s "
            f"| {a['errors'] + s['effects_missing']} |"
        )
    cpu = r["cpu_per_kind"]
    floor_cpu = r["steps"][0]["floor"]["cpu_ms_per_request"]
    before = r.get("cpu_before_receipt_ms") or {}
    out += [
        "",
        "CPU per request (server processes, idle subtracted): "
        + ", ".join(f"{k} {v['cpu_ms']} ms" for k, v in cpu.items())
        + f"; the floor: {floor_cpu} ms."
        + (
            " Before the receipt (2026-12-07 06:28 UTC): "
            + ", ".join(f"{k} {v} ms" for k, v in before.items())
            + "."
            if before
            else ""
        ),
        "",
    ]
    return out


def other_row(r: dict[str, Any]) -> str:
    name = r.get("benchmark")
    if name == "startup":
        return (
            f"| start-up to healthy, {r['scenarios']} scenarios | median {r['median_s']} s "
            f"(max {r['max_s']} s, {r['runs']} runs) | < 3 s | {mark(r.get('met'))} |"
        )
    if name == "metrics_scale":
        return (
            f"| week's scorecard in-process, 1M decisions, {r['db']} | median {r['scorecard_median_s']} s "
            f"(max {r['scorecard_max_s']} s, first {r['scorecard_first_s']} s); CLI with start-up "
            f"median {r['cli_median_s']} s; peak RSS {r['peak_rss_mb']} MB | < {r['target_s']} s "
            f"| {mark(r.get('ok'))} |"
        )
    skip = ("benchmark", "args", "met", "passed", "ok", "machine", "targets")
    figures = ", ".join(f"{k} {v}" for k, v in r.items() if k not in skip)
    return (
        f"| {name} {' '.join(r.get('args', []))} | {figures} | {r.get('targets', '')} | {mark(met_of(r))} |"
    )


def render(results: list[dict[str, Any]]) -> str:
    info = machine()
    out = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        f"Machine: {info['cpus']} cores, {info['memory_gib']} GiB, Python {info['python']}, "
        f"{info['platform']}. Every latency figure sits next to the bare Bolt floor measured in the "
        "same run at the same rate.",
        "",
        "| benchmark | figure | target | result |",
        "|---|---|---|---|",
    ]
    tables: list[str] = []
    for r in results:
        if "skipped" in r or "error" in r:
            args = " ".join(r.get("args", []))
            out.append(f"| {r.get('benchmark')} {args} | {r.get('skipped') or 'error'} | | — |")
        elif r.get("benchmark") == "latency":
            out += latency_rows(r)
            tables += latency_table(r)
        else:
            out.append(other_row(r))
    out += ["", "Raw results: `benchmarks/results/*.json` (not committed).", ""]
    if tables:
        out += ["## Open-loop latency, step by step", "", *tables]
    notes = ROOT / "benchmarks" / "NOTES.md"
    if notes.exists():
        out.append(notes.read_text())
    return "\n".join(out) + "\n"
