"""The database unavailable at request time: a clear message, nothing half-written, retry works.

The outage is real, not mocked: on PostgreSQL the test database stops accepting connections
and existing ones are terminated; on SQLite the database file is moved away (a directory
takes its place, so no connection can open it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.db.engine import transaction
from bot.db.models import Assignment, AuditEvent, Decision, Delivery
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.conftest import PG_URL
from tests.e2e.cards import open_card
from tests.helpers import eventually, load_roster, texts
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
