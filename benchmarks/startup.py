"""Start-up time: from `casebook serve` to a healthy /healthz with a 200-scenario library.

python -m benchmarks.startup --scenarios 200 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from benchmarks.common import ROOT, free_port, machine, save, wait_healthy
from bot.sandbox.fakeslack import FakeSlack


def make_library(target: Path, count: int) -> int:
    """Copy the shipped library, then clone scenarios under new ids until there are ``count``."""
    source = ROOT / "scenarios"
    shutil.copy(source / "categories.yaml", target / "categories.yaml")
    files = sorted(source.glob("*/*.yaml"))
    made = 0
    while made < count:
        for path in files:
            if made >= count:
                break
            data = yaml.safe_load(path.read_text())
            suffix = made // len(files)
            if suffix:
                data["id"] = f"{data['id']}-x{suffix}"
                data["title"] = f"{data['title']} (variant {suffix})"[:79]
            folder = target / data["category"]
            folder.mkdir(exist_ok=True)
            (folder / f"{data['id']}.yaml").write_text(
                yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
            )
            made += 1
    return made


def run(scenarios: int, runs: int) -> dict[str, Any]:
    fake = FakeSlack().start()
    tmp = Path(tempfile.mkdtemp(prefix="casebook-startup-"))
    library = tmp / "scenarios"
    library.mkdir()
    count = make_library(library, scenarios)
    timings: list[float] = []
    try:
        for i in range(runs):
            db = tmp / f"startup-{i}.db"
            env = {
                **os.environ,
                "SLACK_BOT_TOKEN": "xoxb-startup",
                "SLACK_SIGNING_SECRET": "s",
                "SLACK_API_URL": fake.api_url,
                "DATABASE_URL": f"sqlite:///{db}",
                "CASEBOOK_SCENARIOS": str(library),
                "LOG_LEVEL": "WARNING",
            }
            env.pop("SLACK_APP_TOKEN", None)
            subprocess.run(
                [sys.executable, "-m", "bot", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True
            )
            port = free_port()
            start = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--port", str(port), "--no-scheduler"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_healthy(f"http://127.0.0.1:{port}/healthz", proc)
                timings.append(time.perf_counter() - start)
            finally:
                proc.terminate()
                proc.wait(30)
    finally:
        fake.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    best, worst = min(timings), max(timings)
    return {
        "benchmark": "startup",
        "scenarios": count,
        "runs": runs,
        "min_s": round(best, 2),
        "median_s": round(sorted(timings)[len(timings) // 2], 2),
        "max_s": round(worst, 2),
        "target_s": 3.0,
        "met": worst < 3.0,
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = run(args.scenarios, args.runs)
    save("startup", result)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
