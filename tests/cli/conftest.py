"""CLI tests run commands that configure logging for a process; put it back afterwards."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.sandbox.fakeslack import FakeSlack
from tests.conftest import BOT_TOKEN
from tests.helpers import load_roster

NOISY = ("slack_bolt", "slack_sdk", "urllib3", "apscheduler", "sqlalchemy.engine")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in NOISY}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, value in levels.items():
        logging.getLogger(name).setLevel(value)


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch, database_url: str, fake: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    """The CLI's environment against the fake Slack, with the demo roster loaded on 1 November."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    monkeypatch.delenv("CASEBOOK_PROGRAM", raising=False)
    monkeypatch.setattr("bot.cli.common.setup_logging", lambda *a, **k: None)  # keep pytest's log capture
    load_roster(sessions, datetime(2026, 11, 1, tzinfo=UTC))


@pytest.fixture
def shipped_env(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The CLI's database, run from an empty directory: the shipped example program is used."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("CASEBOOK_PROGRAM", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray program.yaml
    return database_url
