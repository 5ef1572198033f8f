"""Run a command N times; print wall times and the children's peak RSS as JSON (stdlib only).

Kept free of third-party imports so that this process stays small: the peak RSS that
``resource.getrusage(RUSAGE_CHILDREN)`` reports is then the measured command's own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    times: list[float] = []
    output = ""
    for _ in range(args.runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        times.append(round(time.perf_counter() - start, 3))
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        output = done.stdout
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"runs_s": times, "peak_rss_mb": round(peak_mb, 1), "last_output": json.loads(output)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
