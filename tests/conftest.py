"""Fixtures: a fresh database per test (SQLite always, PostgreSQL when configured),
the fake Slack Web API, and the real Bolt app served over HTTP."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.app import Casebook, create_app
from bot.clock import FixedClock
from bot.config import EXAMPLE_PROGRAM, Settings
from bot.db.engine import make_engine, make_session_factory, normalise_url
from bot.db.migrate import upgrade
from bot.program import Program, load_program
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.web.devserver import BackgroundServer
from bot.web.wsgi import make_wsgi
from tests.helpers import USERS, load_roster, settling

PG_URL = os.environ.get("CASEBOOK_TEST_POSTGRES_URL")
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-0000-casebook"
# Tuesday of the parallel-run week, 09:00 in New York.
START = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    if not PG_URL:
        yield None
        return
    name = f"casebook_tpl_{os.getpid()}"
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalise_url(PG_URL).rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A ``sqlite_only`` test (a SQLite failure mode) runs on SQLite: its PostgreSQL copy is
    deselected; a ``postgres_only`` one (PostgreSQL's) the other way round."""

    def engine_of(item: pytest.Item) -> str | None:
        callspec = getattr(item, "callspec", None)
        return None if callspec is None else str(callspec.params.get("database_url", "sqlite"))

    drop = [
        item
        for item in items
        if (item.get_closest_marker("sqlite_only") and engine_of(item) not in (None, "sqlite"))
        or (item.get_closest_marker("postgres_only") and engine_of(item) == "sqlite")
    ]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = [item for item in items if item not in drop]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """A freshly migrated, empty database for this test."""
    if request.param == "sqlite":
        path = tmp_path / "casebook.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    assert PG_URL is not None
    name = f"casebook_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield normalise_url(PG_URL).rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url, pool_size=5)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def program() -> Program:
    return load_program(EXAMPLE_PROGRAM)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack().start()
    for uid, (name, tz) in USERS.items():
        slack.add_user(uid, name, tz)
    for channel in ("C0CBREVIEW", "C0CBPMDIGST", "C0CBANNOUNC", "C0CBGENERAL", "C0ALERTS"):
        slack.add_channel(channel)
    yield slack
    slack.stop()


@pytest.fixture
def settings(fake: FakeSlack, database_url: str) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
        database_url=database_url,
        casebook_threads=8,
        casebook_db_pool=5,
    )


@pytest.fixture
def casebook(
    settings: Settings, program: Program, clock: FixedClock, engine: Engine, fake: FakeSlack
) -> Iterator[Casebook]:
    app = create_app(settings, program=program, clock=clock, engine=engine)
    app.start_background()
    yield app
    app.shutdown(timeout=5)
    assert fake.invalid == [], f"invalid Slack payloads were sent: {fake.invalid}"


@pytest.fixture
def roster(casebook: Casebook, clock: FixedClock) -> None:
    """The demo roster (``tests.helpers.ROSTER_CSV``), loaded at the test's start time."""
    load_roster(casebook.deps.sessions, clock.now())


@pytest.fixture
def server(casebook: Casebook) -> Iterator[BackgroundServer]:
    # The inbox worker runs in a thread here (as in `casebook run`); each Slack request's answer
    # reaches the test once its stored work has run (or after a bounded wait), as effects did before.
    srv = BackgroundServer(settling(make_wsgi(casebook), casebook)).start()
    yield srv
    srv.stop()


@pytest.fixture
def slack(server: BackgroundServer, fake: FakeSlack) -> Simulator:
    return Simulator(events_url=server.url + "/slack/events", signing_secret=SIGNING_SECRET, fake=fake)
