"""`casebook serve` as a real process (gunicorn) against the fake Slack."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.conftest import SIGNING_SECRET
from tests.helpers import eventually, texts
from tests.serve_support import free_port, migrate_with_roster, run_cli, serve_env, start_serve


@pytest.fixture
def served(tmp_path: Path, fake: FakeSlack, database_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    port = free_port()
    env = serve_env(fake=fake, database_url=database_url, PORT=str(port))
    assert "imported 7 people" in migrate_with_roster(env=env, tmp_path=tmp_path).stdout
    proc = start_serve(env, args=("--no-scheduler",))
    yield f"http://127.0.0.1:{port}", env
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
    proc = run_cli(["serve"], env)
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN" in proc.stderr and "SLACK_SIGNING_SECRET" in proc.stderr
    assert "OAuth & Permissions" in proc.stderr and "Traceback" not in proc.stderr


def _children(pid: int) -> list[str]:
    """Command lines of a process's children (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
            out.append(cmdline)
    return out


def test_two_work_processes_share_the_stored_work_and_one_of_them_sends(
    tmp_path: Path, fake: FakeSlack, database_url: str
) -> None:
    port = free_port()
    env = serve_env(fake=fake, database_url=database_url, PORT=str(port))
    migrate_with_roster(env=env, tmp_path=tmp_path)
    proc = start_serve(env, args=("--no-scheduler", "--work-processes", "2"))
    try:

        def workers_up() -> list[str] | None:
            found = [c for c in _children(proc.pid) if " worker " in c]
            return found if len(found) >= 2 else None

        workers = eventually(workers_up)
        assert len(workers) == 2
        assert sum("--no-dispatcher" in c for c in workers) == 1, "one sender keeps Slack's pacing"
        assert sum("--dispatch-poll" in c for c in workers) == 1
        slack = Simulator(
            events_url=f"http://127.0.0.1:{port}/slack/events", signing_secret=SIGNING_SECRET, fake=fake
        )
        form = "application/x-www-form-urlencoded"
        for n in range(12):
            fields = slack.command_fields("U0ENG1", "help") | {"trigger_id": f"t.{n}"}
            assert slack.post(urllib.parse.urlencode(fields).encode(), form).status == 200
        eventually(lambda: len(fake.responses) >= 12, timeout=20)
        time.sleep(1.0)
        assert len(fake.responses) == 12, "each stored request ran once, whichever worker took it"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode == 0
