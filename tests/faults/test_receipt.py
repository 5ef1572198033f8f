"""The durable receipt over HTTP (issue 14): replays have no second effect, a locked main database
delays only the work, a locked inbox gets an inline refusal within Slack's deadline, and /healthz
shows the inbox backlog."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bot.app import Casebook
from bot.cli import main
from bot.db.engine import transaction
from bot.db.inbox_store import side_path
from bot.db.models import Assignment, AuditEvent, Decision
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.web.devserver import BackgroundServer
from bot.web.wsgi import make_wsgi
from tests.conftest import SIGNING_SECRET
from tests.e2e.cards import cards
from tests.helpers import load_roster, settle
from tests.live_support import GOOD, open_log_modal

FORM = "application/x-www-form-urlencoded"


def _count(casebook: Casebook, model: type, *where: object) -> int:
    with transaction(casebook.deps.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@pytest.fixture
def bare(casebook: Casebook, fake: FakeSlack) -> Iterator[Simulator]:
    """The real front end without the tests' settling: answers come back as Slack would get them."""
    server = BackgroundServer(make_wsgi(casebook)).start()
    yield Simulator(events_url=server.url + "/slack/events", signing_secret=SIGNING_SECRET, fake=fake)
    server.stop()


def test_a_replayed_signed_request_has_no_second_effect(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    for user, text in (("U0ENG1", "practice"), ("U0ADMIN", "role <@U0ENG2> engineer,mentor")):
        body = urllib.parse.urlencode(slack.command_fields(user, text)).encode()
        now = int(time.time())
        # the same signed body: replayed at once, and again as Slack's own retry would (a later timestamp)
        for ts in (now, now, now + 1):
            assert slack.post(body, FORM, timestamp=ts).status == 200
    assert settle(casebook)
    assert _count(casebook, Assignment) == 1, "one card dealt"
    assert len(cards(fake, "U0ENG1")) == 1
    assert _count(casebook, AuditEvent, AuditEvent.action == "person.roles_changed") == 1


@contextmanager
def write_locked(path: Path) -> Iterator[None]:
    """Another process's long write transaction on the SQLite file at ``path`` (issue 14)."""
    locked, release = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        conn = sqlite3.connect(str(path), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(20)
        conn.execute("ROLLBACK")
        conn.close()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    assert locked.wait(5)
    try:
        yield
    finally:
        release.set()
        holder.join()


@pytest.mark.sqlite_only  # the write lock held by another process is SQLite's failure mode
def test_a_locked_database_does_not_hold_up_the_ack_and_the_work_runs_once_it_is_free(
    casebook: Casebook, slack: Simulator, bare: Simulator, fake: FakeSlack, clock, engine: Engine
) -> None:
    """The receipt is in a file of its own: the main file's lock delays the work, not the answer."""
    load_roster(casebook.deps.sessions, clock.now())
    view_id = open_log_modal(slack, fake)
    with write_locked(Path(str(engine.url.database))):
        reply = bare.submit("U0ENG1", view_id, GOOD)
        assert reply.status == 200 and reply.elapsed < 1.0, reply.elapsed
        assert reply.json.get("response_action") is None  # accepted: the form closes
    assert settle(casebook)
    assert _count(casebook, Decision) == 1


@pytest.mark.sqlite_only
def test_a_locked_inbox_gets_an_inline_refusal_within_the_deadline_and_nothing_is_lost(
    casebook: Casebook, slack: Simulator, bare: Simulator, fake: FakeSlack, clock, engine: Engine
) -> None:
    side = side_path(engine)
    assert side is not None and side.exists()
    load_roster(casebook.deps.sessions, clock.now())
    view_id = open_log_modal(slack, fake)
    with write_locked(side):
        reply = bare.submit("U0ENG1", view_id, GOOD)
    assert reply.status == 200 and reply.elapsed < 3.0, reply.elapsed
    assert reply.json["response_action"] == "errors"
    assert "nothing was recorded" in reply.json["errors"]["title"]
    assert _count(casebook, Decision) == 0

    assert bare.submit("U0ENG1", view_id, GOOD).json.get("response_action") is None
    assert settle(casebook)
    assert _count(casebook, Decision) == 1


def test_healthz_and_jobs_status_show_the_inbox_backlog(
    casebook: Casebook,
    bare: Simulator,
    clock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    casebook.inbox.stop()  # no worker: the acked work waits, durably
    assert bare.command("U0ENG1", "help").status == 200
    health_url = bare.events_url.replace("/slack/events", "/healthz")
    with urllib.request.urlopen(health_url, timeout=5) as resp:
        health = json.loads(resp.read())
    assert health["status"] == "ok"
    assert health["inbox"]["pending"] == 1 and health["inbox"]["failed"] == 0
    assert health["inbox"]["oldest_seconds"] >= 0
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["jobs", "status"]) == 0
    assert "inbox: 1 pending (oldest " in capsys.readouterr().out
    assert casebook.inbox.drain() == 1
    with urllib.request.urlopen(health_url, timeout=5) as resp:
        assert json.loads(resp.read())["inbox"] == {"pending": 0, "oldest_seconds": 0.0, "failed": 0}


def test_an_outage_in_stored_work_is_retried_and_told_only_after_the_last_attempt(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database error after the ack is not the person's problem: the inbox retries it with
    backoff; only once retrying is over is the person told (nothing acked is dropped silently)."""
    from sqlalchemy.exc import OperationalError

    from bot.db.models import InboxItem
    from bot.domain import inbox
    from bot.slack.listeners import sync
    from bot.slack.metadata import SyncValue

    def outage(**kwargs: object) -> object:
        raise OperationalError("UPDATE sync_responses", {}, Exception("server closed the connection"))

    load_roster(casebook.deps.sessions, clock.now())
    monkeypatch.setattr(sync, "answer_sync", outage)
    value = SyncValue(day="2026-11-17").dump()
    assert slack.click("U0ENG1", action_id="sync_all_good", value=value, channel="D0ENG1").status == 200
    for attempt in range(1, inbox.MAX_ATTEMPTS):
        assert settle(casebook)
        assert fake.responses == [], f"attempt {attempt}: retried, not reported"
        with transaction(casebook.inbox.sessions) as session:
            (row,) = session.execute(select(InboxItem)).scalars()
            assert (row.status, row.attempts) == ("pending", attempt)
        clock.advance(timedelta(seconds=4**attempt))
    assert settle(casebook)
    (told,) = fake.responses
    assert "nothing was saved" in str(told)
    with transaction(casebook.inbox.sessions) as session:
        (row,) = session.execute(select(InboxItem)).scalars()
        assert row.status == "done"  # told on its last attempt: handled, not failed
