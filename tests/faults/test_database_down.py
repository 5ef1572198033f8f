"""The database unavailable at request time: a clear message, nothing half-written, retry works.

The outage is real, not mocked: on PostgreSQL the test database stops accepting connections
and existing ones are terminated; on SQLite the database file is moved away (a directory
takes its place, so no connection can open it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.db.engine import transaction
from bot.db.models import Assignment, AuditEvent, Decision, Delivery, InboxItem
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.conftest import PG_URL
from tests.e2e.cards import cards, open_card
from tests.helpers import eventually, load_roster, settle, texts
from tests.live_support import GOOD, open_log_modal

ENG = "U0ENG1"


@contextmanager
def database_down(engine: Engine) -> Iterator[None]:
    url = make_url(str(engine.url.render_as_string(hide_password=False)))
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        aside = path.with_suffix(".aside")
        engine.dispose()
        os.replace(path, aside)
        path.mkdir()
        try:
            yield
        finally:
            path.rmdir()
            os.replace(aside, path)
            engine.dispose()
        return
    assert PG_URL is not None
    admin = create_engine(str(engine.url.set(database="postgres")), isolation_level="AUTOCOMMIT")
    name = url.database
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
        )
    try:
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()
        engine.dispose()


def _counts(casebook) -> tuple[int, int, int, int]:
    with transaction(casebook.deps.sessions) as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Decision, Assignment, Delivery, AuditEvent)
        )


# On PostgreSQL the inbox is in the database: with it down, the receipt cannot be stored and
# the person is told at once. On SQLite the inbox is a file of its own (bot/db/inbox_store.py):
# the receipt is stored and the work runs once the database file is back (tests below).
@pytest.mark.postgres_only
def test_slash_command_during_an_outage_gets_a_clear_ephemeral_error(
    casebook, slack: Simulator, fake: FakeSlack, clock, engine: Engine
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    before = _counts(casebook)
    with database_down(engine):
        reply = slack.command(ENG, "practice")
        assert reply.status == 200 and reply.elapsed < 3
        message = texts(eventually(lambda: fake.responses)[-1]["blocks"])
    assert "nothing was saved" in message and "try again" in message.lower()
    assert "Traceback" not in message and "OperationalError" not in message
    assert _counts(casebook) == before, "nothing may be half-written"
    assert slack.command(ENG, "practice").status == 200
    open_card(fake, ENG)
    assert _counts(casebook)[1] == before[1] + 1


@pytest.mark.postgres_only
def test_live_decision_submitted_during_an_outage_keeps_the_form_and_retry_records_once(
    casebook, slack: Simulator, fake: FakeSlack, clock, engine: Engine
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    view_id = open_log_modal(slack, fake)
    before = _counts(casebook)
    with database_down(engine):
        reply = slack.submit(ENG, view_id, GOOD)
    assert reply.status == 200
    assert reply.json["response_action"] == "errors"
    assert "nothing was recorded" in " ".join(reply.json["errors"].values())
    assert _counts(casebook) == before
    assert slack.submit(ENG, view_id, GOOD).status == 200
    assert _counts(casebook)[0] == before[0] + 1


def _tried_and_waiting(casebook) -> bool | None:
    """True once the stored work has been tried and is waiting for its retry."""
    with transaction(casebook.inbox.sessions) as session:
        waiting = session.scalar(
            select(func.count()).where(InboxItem.status == "pending", InboxItem.attempts >= 1)
        )
    return bool(waiting) or None


@pytest.mark.sqlite_only
def test_on_sqlite_a_command_during_an_outage_is_kept_and_runs_once_the_file_is_back(
    casebook, slack: Simulator, fake: FakeSlack, clock, engine: Engine
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    before = _counts(casebook)
    with database_down(engine):
        reply = slack.command(ENG, "practice")
        assert reply.status == 200 and reply.elapsed < 3
        eventually(lambda: _tried_and_waiting(casebook))  # its first run failed: it waits to retry
        assert "nothing was saved" not in str(fake.responses)  # stored: nobody is told it failed
    assert _counts(casebook) == before, "nothing half-written while the file was away"
    clock.advance(timedelta(seconds=2))  # the retry after the failed first attempt comes due
    assert settle(casebook)
    open_card(fake, ENG)
    assert _counts(casebook)[1] == before[1] + 1, "one card dealt, once"
    clock.advance(timedelta(minutes=10))
    assert settle(casebook)
    assert _counts(casebook)[1] == before[1] + 1
    assert len(cards(fake, ENG)) == 1


@pytest.mark.sqlite_only
def test_on_sqlite_a_live_decision_during_an_outage_is_kept_and_recorded_once(
    casebook, slack: Simulator, fake: FakeSlack, clock, engine: Engine
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    view_id = open_log_modal(slack, fake)
    before = _counts(casebook)
    with database_down(engine):
        reply = slack.submit(ENG, view_id, GOOD)
        assert reply.status == 200 and reply.json.get("response_action") is None  # accepted: it closes
        eventually(lambda: _tried_and_waiting(casebook))
    assert _counts(casebook) == before
    for _ in range(3):  # the retry comes due; later passes find nothing more to do
        clock.advance(timedelta(seconds=20))
        assert settle(casebook)
    assert _counts(casebook)[0] == before[0] + 1, "recorded once"


def test_healthz_follows_the_outage(server, engine: Engine) -> None:
    import json
    import urllib.error
    import urllib.request

    with database_down(engine):
        try:
            urllib.request.urlopen(server.url + "/healthz", timeout=10)
            raise AssertionError("expected 503 while the database is down")
        except urllib.error.HTTPError as exc:
            assert exc.code == 503
    with urllib.request.urlopen(server.url + "/healthz", timeout=10) as resp:
        assert json.loads(resp.read())["database"] == "ok"
