"""CLI tests run commands that configure logging for a process; put it back afterwards."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

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
