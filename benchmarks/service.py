"""The service under test and its surroundings: fake Slack, database, roster, server, CPU, backlog."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, inspect, select, text
from sqlalchemy.orm import Session

from benchmarks import openloop
from benchmarks.common import ROOT, free_port, wait_healthy
from bot.db.engine import normalise_url
from bot.db.inbox_store import side_path
from bot.db.models import Delivery, InboxItem
from bot.sandbox.fakeslack import FakeSlack

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
CHANNELS = ("C0CBREVIEW", "C0CBPMDIGST", "C0CBANNOUNC", "C0CBGENERAL")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of a process and all its descendants (gunicorn master, workers, helpers)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


def database(kind: str, folder: Path) -> tuple[str, Callable[[], None] | None]:
    """A fresh database URL (and how to drop it)."""
    if kind == "sqlite":
        return f"sqlite:///{folder}/bench.db", None
    base = os.environ.get("CASEBOOK_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    name = f"casebook_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return normalise_url(base).rsplit("/", 1)[0] + f"/{name}", drop


@dataclass
class Service:
    """Casebook (or the bare Bolt floor) behind gunicorn, with a fake Slack and its own database."""

    db: str
    workers: int
    threads: int
    users: list[str]
    also: list[str] = field(default_factory=list)  # more `bot` subcommands run beside the server
    fake: FakeSlack = field(init=False)
    folder: Path = field(init=False)
    url: str = field(init=False)
    env: dict[str, str] = field(init=False)
    engine: Engine | None = field(init=False, default=None)
    proc: subprocess.Popen[bytes] | None = field(init=False, default=None)
    helpers: list[subprocess.Popen[bytes]] = field(init=False, default_factory=list)
    port: int = field(init=False, default=0)
    _drop: Callable[[], None] | None = field(init=False, default=None)

    def prepare(self) -> None:
        """Fake Slack, database, migrations and the roster (every user an engineer)."""
        self.fake = FakeSlack().start()
        self.fake.strict = False
        for user in self.users:
            self.fake.add_user(user, f"Bench {user}")
        self.fake.add_user("U0BMENTOR", "Bench Mentor")
        for channel in CHANNELS:
            self.fake.add_channel(channel)
        self.folder = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
        self.url, self._drop = database(self.db, self.folder)
        self.env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": self.fake.api_url,
            "DATABASE_URL": self.url,
            "LOG_LEVEL": "WARNING",
            "CASEBOOK_THREADS": str(self.threads),
            # The fake Slack has no workspace cap here: measure the service, not the pacing
            # it keeps for real Slack (5 sends/s by default; per-channel pacing stays on).
            "CASEBOOK_SLACK_RATE": "2000",
        }
        self.env.pop("SLACK_APP_TOKEN", None)
        py = [sys.executable, "-m", "bot"]
        subprocess.run([*py, "migrate"], env=self.env, cwd=ROOT, check=True, capture_output=True)
        roster = self.folder / "roster.csv"
        lines = ["slack_user_id,name,email,roles,mentor,timezone", "U0BMENTOR,Bench Mentor,,mentor;lead,,"]
        lines += [f"{u},Bench {u},,engineer,U0BMENTOR,America/New_York" for u in self.users]
        roster.write_text("\n".join(lines) + "\n")
        subprocess.run(
            [*py, "roster", "import", str(roster)], env=self.env, cwd=ROOT, check=True, capture_output=True
        )
        self.engine = create_engine(normalise_url(self.url))

    def start(self, *, bare: bool = False) -> None:
        """Start Casebook (``bot serve``) or, with ``bare``, the Bolt app that only acks."""
        self.port = free_port()
        if bare:
            cmd = [sys.executable, "-m", "benchmarks.bare_app", str(self.port), str(self.workers)]
            cmd += [str(self.threads), SECRET, self.fake.api_url]
        else:
            cmd = [sys.executable, "-m", "bot", "serve", "--port", str(self.port)]
            cmd += ["--workers", str(self.workers), "--threads", str(self.threads), "--no-scheduler"]
        self.proc = subprocess.Popen(
            cmd, env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_healthy(f"http://127.0.0.1:{self.port}/healthz", self.proc)
        for extra in [] if bare else self.also:  # e.g. a separate inbox worker process
            self.helpers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bot", *extra.split()],
                    env=self.env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def send(self, bodies: list[tuple[str, bytes]], rate: float) -> dict[str, Any]:
        """Open-loop: ``bodies`` at ``rate``/s over as many connections as the server has threads."""
        return openloop.run(
            url=self.events_url,
            bodies=bodies,
            rate=rate,
            secret=SECRET,
            connections=self.workers * self.threads,
        )

    def cpu(self) -> float:
        """CPU seconds of the server's and its helpers' process trees (not the database server's)."""
        return sum(tree_cpu_seconds(p.pid) for p in [*([self.proc] if self.proc else []), *self.helpers])

    def stop(self) -> None:
        for proc in [*self.helpers, *([self.proc] if self.proc else [])]:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.proc, self.helpers = None, []

    def backlog(self) -> dict[str, Any]:
        """Durable work due and not done: inbox rows (once the receipt exists) and unsent deliveries."""
        assert self.engine is not None
        now = datetime.now(UTC)
        out: dict[str, Any] = {}
        side = side_path(self.engine)  # on SQLite the inbox is a file of its own
        inbox_engine = create_engine(f"sqlite:///{side}") if side is not None and side.exists() else None
        inbox_engine = inbox_engine or self.engine
        try:
            with Session(inbox_engine) as session:
                if "inbox" in inspect(inbox_engine).get_table_names():
                    out["inbox_pending"] = session.scalar(
                        select(func.count()).where(InboxItem.status == "pending")
                    )
        finally:
            if inbox_engine is not self.engine:
                inbox_engine.dispose()
        with Session(self.engine) as session:
            due = (Delivery.status == "pending", Delivery.next_attempt_at <= now)
            to_channel = Delivery.recipient.like("C%")
            out["dms_due"] = session.scalar(select(func.count()).where(*due, ~to_channel))
            # Posts to one channel (the review channel) drain at Slack's 1 message/s per channel.
            out["channel_posts_due"] = session.scalar(select(func.count()).where(*due, to_channel))
        return out

    def settle(self, timeout: float = 60.0) -> bool:
        """Wait until no inbox row or DM is due, so one step's leftovers do not load the next.

        Channel posts are left to drain at their paced 1/s: they would hold every step for
        minutes, and one paced sender costs little CPU.
        """
        return wait_until(
            lambda: not any(v for k, v in self.backlog().items() if k != "channel_posts_due"), timeout, 0.5
        )

    def close(self) -> None:
        self.stop()
        self.fake.stop()
        if self.engine is not None:
            self.engine.dispose()
        if self._drop:
            self._drop()
        shutil.rmtree(self.folder, ignore_errors=True)


def wait_until(check: Callable[[], bool], timeout: float, every: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()
