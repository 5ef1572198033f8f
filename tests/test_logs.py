"""Structured logs: JSON lines with a request id; secrets never written."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import JsonFormatter, redact, setup_logging
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.helpers import eventually, load_roster


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    setup_logging("DEBUG", secrets=[BOT_TOKEN, SIGNING_SECRET])
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream
    logging.getLogger().handlers.clear()


def test_redact_removes_tokens_and_secrets() -> None:
    line = f"calling with token={BOT_TOKEN} and xapp-1-A0-123 signing_secret: {SIGNING_SECRET}"
    setup_logging("INFO", secrets=[SIGNING_SECRET])
    cleaned = redact(line)
    assert BOT_TOKEN not in cleaned and SIGNING_SECRET not in cleaned and "xapp-1" not in cleaned
    logging.getLogger().handlers.clear()


def test_each_request_logs_json_with_its_own_request_id(casebook, slack, fake, clock, log_stream) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    logging.getLogger("bot.slack.listeners.commands").info("probe before requests")
    slack.command("U0ENG1", "help")
    slack.command("U0ENG2", "nonsense")
    eventually(lambda: len(fake.responses) >= 2)
    logging.getLogger("bot.app").debug("probe after requests")
    lines = [json.loads(line) for line in log_stream.getvalue().splitlines() if line.strip()]
    assert lines, "nothing was logged"
    request_ids = {
        line["request_id"] for line in lines if line["logger"] == "bot.app" and line["msg"] == "slack request"
    }
    assert len(request_ids) == 2 and "-" not in request_ids
    text = log_stream.getvalue()
    assert BOT_TOKEN not in text and SIGNING_SECRET not in text


def test_formatter_keeps_extra_fields() -> None:
    record = logging.makeLogRecord(
        {"name": "x", "msg": "hello", "levelno": 20, "levelname": "INFO", "job": "daily-sync"}
    )
    data = json.loads(JsonFormatter().format(record))
    assert data["job"] == "daily-sync" and data["msg"] == "hello"
