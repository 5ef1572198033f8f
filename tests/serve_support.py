"""`casebook` as a real process for the serve, fault and slow-client tests: its environment, a
migrated database with the demo roster, and `casebook serve` started until /healthz answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.helpers import ROSTER_CSV

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` to its end, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def serve_env(*, fake: FakeSlack, database_url: str, **extra: str) -> dict[str, str]:
    """This process's environment for a `casebook` talking to ``fake`` (HTTP mode), plus ``extra``."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    env.pop("SLACK_APP_TOKEN", None)
    return env


def migrate_with_roster(*, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`casebook migrate`, then `casebook roster import` of the demo roster; returns the import."""
    assert run_cli(["migrate"], env).returncode == 0
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV)
    imported = run_cli(["roster", "import", str(roster)], env)
    assert imported.returncode == 0, imported.stderr
    return imported


def start_serve(
    env: dict[str, str], *, port: int | None = None, args: tuple[str, ...] = (), new_session: bool = False
) -> subprocess.Popen[str]:
    """`casebook serve [--port PORT] ARGS`, returned once its /healthz answers (port: ``PORT`` in env).

    ``new_session`` starts it as its own process group (to be killed as one), its stdout discarded.
    """
    command = [sys.executable, "-m", "bot", "serve", *(["--port", str(port)] if port else []), *args]
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL if new_session else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=new_session,
    )
    url = f"http://127.0.0.1:{port or env['PORT']}/healthz"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"serve did not come up: {proc.communicate()[1][-2000:]}")
        time.sleep(0.1)


def simulator(port: int, fake: FakeSlack) -> Simulator:
    """Signed Slack requests to the served process on ``port``."""
    return Simulator(
        events_url=f"http://127.0.0.1:{port}/slack/events", signing_secret=SIGNING_SECRET, fake=fake
    )
