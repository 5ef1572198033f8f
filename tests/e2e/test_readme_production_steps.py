"""The README's production steps ("Create the Slack app", step 5) run as written on an empty database.

Only DATABASE_URL and the roster path are substituted. The block runs with `sh -e` in a
copy of the checkout (symlinks) whose `.venv` is already installed (a tiny one that
runs this interpreter, so the test never installs anything) until `/healthz` answers.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.sandbox.fakeslack import FakeSlack
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.helpers import ROSTER_CSV
from tests.serve_support import free_port

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".git", ".venv", "var", "test-artifacts", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def readme_steps() -> str:
    """The ```sh block of step 5 under "## Create the Slack app", dedented."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Create the Slack app", 1)[1].split("\n## ", 1)[0]
    step5 = re.split(r"\n5\. ", section, maxsplit=1)[1]
    block = re.search(r"```sh\n(.*?)\n\s*```", step5, re.S)
    assert block, "step 5 has no ```sh block"
    return "\n".join(line.strip() for line in block.group(1).splitlines())


def _substitute(steps: str, *, database_url: str, roster: Path) -> str:
    steps, urls = re.subn(r"(?m)^export DATABASE_URL=\S+", f"export DATABASE_URL={database_url}", steps)
    steps, rosters = re.subn(r"\bteam\.csv\b", str(roster), steps)
    assert (urls, rosters) == (1, 1), steps
    return steps


def _checkout(into: Path) -> Path:
    """The checkout as symlinks, with an installed `.venv` that is this interpreter."""
    into.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in SKIP:
            (into / entry.name).symlink_to(entry)
    bin_dir = into / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, command in (("python", ""), ("casebook", " -m bot")):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\nexec {sys.executable}{command} "$@"\n')
        script.chmod(0o755)
    for stamp in (".installed-runtime", ".installed-dev"):
        (into / ".venv" / stamp).touch()  # newer than pyproject.toml: make installs nothing
    return into


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_readme_production_steps_run_as_written(tmp_path: Path, fake: FakeSlack) -> None:
    roster = tmp_path / "team.csv"
    roster.write_text(ROSTER_CSV)
    database = tmp_path / "empty.db"
    script = _substitute(readme_steps(), database_url=f"sqlite:///{database}", roster=roster)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CASEBOOK_", "MAKE"))}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        PORT=str(port),
        LOG_LEVEL="WARNING",
    )
    log = tmp_path / "steps.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["sh", "-e", "-c", script],
            cwd=_checkout(tmp_path / "casebook"),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while not _healthy(f"http://127.0.0.1:{port}/healthz"):
            tail = log.read_text()[-3000:]
            assert proc.poll() is None, f"the steps stopped (exit {proc.returncode}):\n{tail}"
            assert time.monotonic() < deadline, f"no /healthz within 90 s:\n{tail}"
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    output = log.read_text()
    assert "database migrated to head" in output
    assert f"imported 7 people from {roster}" in output
    assert "Traceback" not in output
    assert database.exists()
