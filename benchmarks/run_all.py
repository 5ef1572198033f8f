"""`make bench`: run every benchmark and write BENCHMARKS.md (machine, date, figure vs target)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

from benchmarks.common import RESULTS, ROOT, machine

PG_AVAILABLE_CHECK = (
    "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1:5432/test', connect_timeout=2).close()"
)


def _pg() -> bool:
    return subprocess.run([sys.executable, "-c", PG_AVAILABLE_CHECK], capture_output=True).returncode == 0


def _run(module: str, *args: str) -> dict[str, Any]:
    if importlib.util.find_spec(f"benchmarks.{module}") is None:
        return {"benchmark": module, "skipped": "not available"}
    proc = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{module}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:  # a benchmark that missed its target still reports (and exits non-zero)
        return {"benchmark": module, "args": list(args), "error": proc.stderr[-1500:]}
    result: dict[str, Any] = json.loads(lines[-1])
    result["args"] = list(args)
    db = args[args.index("--db") + 1] if "--db" in args else None
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{module}{'-' + db if db else ''}.json").write_text(json.dumps(result, indent=2))
    return result


def _met(result: dict[str, Any]) -> object:
    for key in ("met", "passed", "ok"):
        if key in result:
            return result[key]
    return None


def _met(result: dict[str, Any]) -> object:
    for key in ("met", "passed", "ok"):
        if key in result:
            return result[key]
    return None


def _mark(met: object) -> str:
    return "met" if met is True else ("**missed**" if met is False else "—")


def render(results: list[dict[str, Any]]) -> str:
    info = machine()
    out = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        f"Machine: {info['cpus']} cores, {info['memory_gib']} GiB, Python {info['python']}, "
        f"{info['platform']}.",
        "Each figure is measured in the same run as its baseline where one exists.",
        "",
        "| benchmark | figure | target | result |",
        "|---|---|---|---|",
    ]
    for r in results:
        name = r.get("benchmark")
        if "skipped" in r or "error" in r:
            out.append(f"| {name} {' '.join(r.get('args', []))} | {r.get('skipped') or 'error'} | | — |")
            continue
        if name == "latency":
            cb, bare = r["casebook"], r["bare"]
            sat, bare_sat = r["casebook_saturated"], r["bare_saturated"]
            out.append(
                f"| ack latency, {r['db']}, {r['clients']} clients at {r.get('rate_per_client')} req/s each, "
                f"{r['workers']} worker(s) × {r['threads']} threads | "
                f"p50 {cb['p50_ms']} / p90 {cb['p90_ms']} / p99 {cb['p99_ms']} / max {cb['max_ms']} ms; "
                f"{cb['count']} requests, {cb['errors']} errors; bare Bolt p99 {bare['p99_ms']} ms; "
                f"ratio {r['p99_ratio']}× | p99 < 100 ms, ≤ 2× bare | {_mark(r.get('met'))} |"
            )
            out.append(
                f"| ack latency, {r['db']}, {r['clients']} clients back-to-back (saturation) | "
                f"{sat['rps']} req/s; p50 {sat['p50_ms']} / p99 {sat['p99_ms']} ms; "
                f"bare Bolt {bare_sat['rps']} req/s, p99 {bare_sat['p99_ms']} ms; "
                f"ratio {r['saturated_p99_ratio']}× | (informational) | — |"
            )
        elif name == "startup":
            out.append(
                f"| start-up to healthy, {r['scenarios']} scenarios | median {r['median_s']} s "
                f"(max {r['max_s']} s, {r['runs']} runs) | < 3 s | {_mark(r.get('met'))} |"
            )
        else:
            figures = ", ".join(
                f"{k} {v}"
                for k, v in r.items()
                if k not in ("benchmark", "args", "met", "passed", "ok", "machine", "targets")
            )
            out.append(
                f"| {name} {' '.join(r.get('args', []))} | {figures} | {r.get('targets', '')} "
                f"| {_mark(_met(r))} |"
            )
    out += ["", "Raw results: `benchmarks/results/*.json` (not committed). Details and analysis below.", ""]
    notes = ROOT / "benchmarks" / "NOTES.md"
    if notes.exists():
        out.append(notes.read_text())
    return "\n".join(out) + "\n"


def main() -> None:
    if "--render-only" in sys.argv:  # re-render from benchmarks/results/*.json without re-running
        order = [
            "latency-sqlite",
            "latency-postgres",
            "startup",
            "fanout",
            "metrics_scale-sqlite",
            "metrics_scale-postgres",
        ]
        found = [RESULTS / f"{name}.json" for name in order]
        results = [json.loads(p.read_text()) for p in found if p.exists()]
        (ROOT / "BENCHMARKS.md").write_text(render(results))
        return
    pg = _pg()
    results = [_run("latency", "--db", "sqlite", "--workers", "1")]
    results.append(
        _run("latency", "--db", "postgres", "--workers", "2")
        if pg
        else {"benchmark": "latency postgres", "skipped": "no PostgreSQL"}
    )
    results.append(_run("startup"))
    results.append(_run("fanout"))
    results.append(_run("metrics_scale", "--db", "sqlite"))
    results.append(
        _run("metrics_scale", "--db", "postgres")
        if pg
        else {"benchmark": "metrics_scale postgres", "skipped": "no PostgreSQL"}
    )
    (ROOT / "BENCHMARKS.md").write_text(render(results))
    print((ROOT / "BENCHMARKS.md").read_text())


if __name__ == "__main__":
    main()
