"""Leader election: exactly one active scheduler per database.

* **PostgreSQL**: a session-level advisory lock (``pg_try_advisory_lock``) held on
  a dedicated connection outside the pool. Standbys retry every few seconds. When
  the holder dies its connection drops and the server releases the lock, so a
  standby takes over. The connection sets TCP keepalives and an
  ``idle_session_timeout`` longer than the heartbeat, so a holder whose host
  vanished or whose process hung loses the lock within about a minute.
* **SQLite**: an exclusive ``fcntl.flock`` on a file next to the database; the
  kernel releases it when the holding process exits, however it exits.

Leadership is an efficiency measure, not the safety net: every send is a ledger
row with a unique key and a claim lease, so even two schedulers that briefly
both believe they lead (a network partition) cannot send anything twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import threading
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)
# Distinct from the audit chain's transaction lock (bot.db.audit._PG_AUDIT_LOCK).
SCHEDULER_LOCK_KEY = 0x0CA5EB05C4ED
IDLE_SESSION_TIMEOUT_MS = 60_000


class Leader(Protocol):
    """Something that can hold, keep and give up scheduler leadership."""

    @property
    def is_leader(self) -> bool: ...

    def ensure(self) -> bool:
        """Acquire if free, or confirm it is still held; returns whether we lead now."""
        ...

    def release(self) -> None: ...


class PgLeader:
    """Leadership as a PostgreSQL session advisory lock on a connection of its own."""

    def __init__(self, engine: Engine, *, key: int = SCHEDULER_LOCK_KEY) -> None:
        # A private NullPool engine: closing the connection really closes it (and frees
        # the lock); a pooled connection would go back to the pool still holding it.
        self._engine = create_engine(
            engine.url,
            poolclass=NullPool,
            connect_args={
                "connect_timeout": 5,
                "keepalives": 1,
                "keepalives_idle": 10,
                "keepalives_interval": 5,
                "keepalives_count": 3,
            },
        )
        self._key = key
        self._conn: Connection | None = None
        self._leader = False
        self._lock = threading.Lock()

    @property
    def is_leader(self) -> bool:
        return self._leader

    def _connect(self) -> Connection:
        conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text(f"SET idle_session_timeout = {IDLE_SESSION_TIMEOUT_MS}"))
        conn.execute(text("SET tcp_keepalives_idle = 10"))
        conn.execute(text("SET tcp_keepalives_interval = 5"))
        conn.execute(text("SET tcp_keepalives_count = 3"))
        conn.execute(text("SET application_name = 'casebook-scheduler'"))
        return conn

    def ensure(self) -> bool:
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = self._connect()
                if self._leader:
                    self._conn.execute(text("SELECT 1"))  # the lock lives as long as this session
                    return True
                got = self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar()
                self._leader = bool(got)
                if self._leader:
                    log.info("scheduler leadership acquired", extra={"backend": "postgresql"})
                return self._leader
            except Exception as exc:
                if self._leader:
                    log.warning("scheduler leadership lost", extra={"error": type(exc).__name__})
                self._drop()
                return False

    def _drop(self) -> None:
        self._leader = False
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.invalidate()
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    def release(self) -> None:
        with self._lock:
            if self._conn is not None and self._leader:
                with contextlib.suppress(Exception):
                    self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
            self._drop()
        self._engine.dispose()


class FileLeader:
    """Leadership as an exclusive ``flock`` on a lock file (SQLite: one machine, one file)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None
        self._lock = threading.Lock()

    @property
    def is_leader(self) -> bool:
        return self._fd is not None

    def ensure(self) -> bool:
        with self._lock:
            if self._fd is not None:
                return True
            self._path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
            os.ftruncate(fd, 0)
            os.write(fd, f"{socket.gethostname()} pid {os.getpid()}\n".encode())
            self._fd = fd
            log.info("scheduler leadership acquired", extra={"backend": "sqlite", "lock": str(self._path)})
            return True

    def release(self) -> None:
        with self._lock:
            if self._fd is not None:
                with contextlib.suppress(OSError):
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None


class LocalLeader:
    """An in-memory database lives in one process: that process always leads."""

    is_leader = True

    def ensure(self) -> bool:
        return True

    def release(self) -> None:
        pass


def make_leader(engine: Engine) -> Leader:
    """The right election for the engine's database."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return PgLeader(engine)
    database = url.database
    if not database or database == ":memory:":
        return LocalLeader()
    return FileLeader(Path(database).with_name(Path(database).name + ".scheduler.lock"))
