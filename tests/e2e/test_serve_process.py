"""`casebook serve` as a real process (gunicorn) against the fake Slack."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.helpers import ROSTER_CSV, eventually, texts

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def served(tmp_path: Path, fake: FakeSlack, database_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    port = _free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("SLACK_APP_TOKEN", None)
    assert _run(["migrate"], env).returncode == 0
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV)
    imported = _run(["roster", "import", str(roster)], env)
    assert imported.returncode == 0, imported.stderr
    assert "imported 7 people" in imported.stdout
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--no-scheduler"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as resp:
                if resp.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"serve did not come up: {proc.communicate()[1][-2000:]}") from None
            time.sleep(0.1)
    yield url, env
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    assert proc.returncode == 0, "serve did not exit cleanly on SIGTERM"


def test_serve_answers_healthz_and_a_signed_help(served: tuple[str, dict[str, str]], fake: FakeSlack) -> None:
    url, _ = served
    with urllib.request.urlopen(url + "/healthz") as resp:
        health = json.loads(resp.read())
    assert health["status"] == "ok" and health["database"] == "ok" and health["version"]
    slack = Simulator(events_url=url + "/slack/events", signing_secret=SIGNING_SECRET, fake=fake)
    body = urllib.parse.urlencode(slack.command_fields("U0ENG1", "help")).encode()
    form = "application/x-www-form-urlencoded"
    assert slack.post(body, form, signature="").status == 401
    assert slack.post(body, form, timestamp=int(time.time()) - 301).status == 401
    time.sleep(0.5)
    assert fake.responses == [], "a refused request must change nothing"
    assert slack.post(body, form).status == 200
    response = eventually(lambda: fake.responses)[0]
    assert "/casebook help" in texts(response["blocks"])


def test_serve_without_credentials_says_what_to_set(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    proc = _run(["serve"], env)
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN" in proc.stderr and "SLACK_SIGNING_SECRET" in proc.stderr
    assert "OAuth & Permissions" in proc.stderr and "Traceback" not in proc.stderr
