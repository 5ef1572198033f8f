"""The sandbox's moving parts: FakeSlack, the bot over HTTP, its database, clock and jobs.

The bot runs exactly as in production (create_app + the WSGI app on a real port) and
talks to FakeSlack through SLACK_API_URL; the sandbox only ever reaches the bot with
signed Slack requests (see ``bot.sandbox.simulator``). Scheduled jobs are the one
exception: they are run on demand through the jobs runner, as of a chosen time; their names
come from the job catalogue (``bot.jobs.registry``).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine

from bot.app import Casebook, create_app
from bot.clock import SystemClock
from bot.config import EXAMPLE_PROGRAM, Settings
from bot.db.engine import make_engine, transaction
from bot.db.inbox_store import side_file
from bot.db.migrate import upgrade
from bot.domain import scheduling
from bot.jobs import registry, runner
from bot.program import Program, load_program
from bot.sandbox import DEFAULT_DB, demo, jobreport
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.jobreport import JobReport
from bot.sandbox.simulator import Simulator
from bot.web.devserver import BackgroundServer
from bot.web.wsgi import make_wsgi

log = logging.getLogger(__name__)
MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yaml"


def dm_read_only(manifest: Path = MANIFEST) -> bool:
    """The manifest's ``messages_tab_read_only_enabled``: may people type in the app's DM?"""
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return False  # an installed package ships no manifest: Slack's default (writable)
    app_home = (data.get("features") or {}).get("app_home") or {}
    return bool(app_home.get("messages_tab_read_only_enabled", False))


class SandboxClock:
    """Real time shifted to a chosen "sandbox now": it keeps ticking from where it was set."""

    def __init__(self, start: datetime) -> None:
        self._base = SystemClock()
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self.set(start)

    def now(self) -> datetime:
        with self._lock:
            return self._base.now() + self._offset

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("SandboxClock needs an aware datetime")
        with self._lock:
            self._offset = when.astimezone(UTC) - self._base.now()


@dataclass
class JobsInfo:
    """The jobs the sandbox can run (the web UI's shape: ``available`` and ``message`` stay)."""

    available: bool
    names: list[str]
    message: str = ""


@dataclass
class Sandbox:
    """Owns one local workspace; ``reset()`` starts it over with a new database."""

    db_path: Path = DEFAULT_DB
    program_path: Path = EXAMPLE_PROGRAM
    keep_data: bool = False
    configure: list[Callable[[Casebook], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.program: Program = load_program(self.program_path)
        self.clock = SandboxClock(demo.default_start(self.program))
        self.fake = FakeSlack()
        self.fake.apply_responses = True
        self.fake.clock = lambda: self.clock.now().timestamp()
        self.secret = secrets.token_hex(20)
        self.dm_read_only = dm_read_only()
        self.lock = threading.RLock()
        self.casebook: Casebook | None = None
        self._engine: Engine | None = None
        self._bot: BackgroundServer | None = None
        self._sim: Simulator | None = None

    # -- lifecycle ------------------------------------------------------------------
    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def sim(self) -> Simulator:
        if self._sim is None:
            raise RuntimeError("sandbox is not running")
        return self._sim

    @property
    def bot_url(self) -> str:
        return self._bot.url if self._bot else ""

    def start(self) -> Sandbox:
        self.fake.start()
        with self.lock:
            self._boot(fresh=not self.keep_data)
        return self

    def stop(self) -> None:
        with self.lock:
            self._halt()
        self.fake.stop()

    def reset(self, *, roster_at: datetime | None = None) -> None:
        """Start over: a new database, an empty workspace, the clock back at the start.

        ``roster_at``: when the demo roster joins (default: the sandbox's start); the four-week
        program passes the Monday before week 9, so the training weeks' jobs reach the demo people.
        """
        with self.lock:
            self._halt()
            self.fake.reset_state()
            self.clock.set(demo.default_start(self.program))
            self._boot(fresh=True, roster_at=roster_at)
        self.fake.notify("sandbox.ready", {"ok": True})

    def _boot(self, *, fresh: bool, roster_at: datetime | None = None) -> None:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:  # the database and its inbox file (bot/db/inbox_store.py), with SQLite's companions
            for path in (self.db_path, side_file(self.db_path)):
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        upgrade(self.database_url)
        settings = Settings(
            slack_bot_token="xoxb-sandbox-" + secrets.token_hex(8),
            slack_signing_secret=self.secret,
            slack_api_url=self.fake.api_url,
            database_url=self.database_url,
            casebook_program=str(self.program_path),
            casebook_threads=8,
            casebook_db_pool=5,
            casebook_scheduler=False,
        )
        self._engine = make_engine(settings.database_url, pool_size=5)
        casebook = create_app(settings, program=self.program, clock=self.clock, engine=self._engine)
        for hook in self.configure:
            hook(casebook)
        casebook.start_background(scheduler=False)
        self.casebook = casebook
        self._bot = BackgroundServer(make_wsgi(casebook)).start()
        self._sim = Simulator(
            events_url=self._bot.url + "/slack/events", signing_secret=self.secret, fake=self.fake
        )
        demo.seed_workspace(self.fake, self.program)
        demo.seed_database(casebook.deps.sessions, roster_at or self.clock.now())

    def _halt(self) -> None:
        if self._bot is not None:
            self._bot.stop()
            self._bot = None
        if self.casebook is not None:
            self.casebook.shutdown(timeout=5)
            self.casebook = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        self._sim = None

    # -- people ---------------------------------------------------------------------
    def people(self) -> list[dict[str, Any]]:
        """The demo roster as the person switcher shows it."""
        return [
            {
                "id": row.slack_user_id,
                "name": row.name,
                "roles": list(row.roles),
                "tz": row.timezone or self.program.timezone,
            }
            for row in demo.demo_rows()
        ]

    # -- time and jobs ----------------------------------------------------------------
    def set_now(self, when: datetime) -> None:
        self._travel_to(when)
        self.clock.set(when)
        if self.casebook is not None:  # what became due at the new time goes out now
            self.casebook.deps.dispatcher.kick()
        self.fake.notify("sandbox.clock", {"now": when.isoformat()})

    def _travel_to(self, when: datetime) -> None:
        """Back in time (the training weeks): the demo people were on the roster then too."""
        if self.casebook is not None:
            demo.backdate_roster(self.casebook.deps.sessions, self.program, when)

    def jobs(self) -> JobsInfo:
        """Every catalogued job, by name."""
        return JobsInfo(True, registry.names())

    def run_job(self, name: str, at: datetime) -> JobReport:
        """Run one scheduled job as of ``at`` through ``bot.jobs.runner.run_job``; what it queued."""
        with self.lock:
            casebook = self.casebook
        if casebook is None:
            raise RuntimeError("sandbox is not running")
        sessions = casebook.deps.sessions
        self._travel_to(at)
        with transaction(sessions) as session:
            since_id = scheduling.last_delivery_id(session=session)
        result = runner.run_job(deps=casebook.deps, name=name, at=at)
        casebook.deps.dispatcher.kick()
        with transaction(sessions) as session:
            rows = scheduling.rows_since(session=session, since_id=since_id)
        self.fake.notify("sandbox.job", {"name": name})
        done = f"ran {name} as of {at.astimezone(self.program.tz):%a %d %b %Y %H:%M %Z}"
        queued = jobreport.describe(
            rows,
            fake=self.fake,
            people={p["id"]: p for p in self.people()},
            program_tz=self.program.timezone,
            now=self.clock.now(),
        )
        return JobReport(f"{done}: {result}", queued)
