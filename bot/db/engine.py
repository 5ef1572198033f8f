"""Engine and session factory: SQLite (WAL, busy timeout, serialised writers) or PostgreSQL."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.db.audit_chain import Keyring, attach

SQLITE_BUSY_TIMEOUT_MS = 15_000
READONLY = "casebook_readonly"


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and select the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """Build an engine; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE transactions."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=False,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_timeout=5,
        connect_args={"connect_timeout": 5},
    )


def _configure_sqlite(engine: Engine, *, eager_wait_ms: int | None = None) -> None:
    """WAL, foreign keys and BEGIN IMMEDIATE; ``eager_wait_ms``: ask for the write lock every
    millisecond for that long instead of through SQLite's busy handler (see _eager_begin)."""

    # pysqlite's own transaction handling defers BEGIN until the first write, which lets
    # two writers both read and then deadlock on upgrade; we issue BEGIN IMMEDIATE ourselves
    # so writers queue on the busy timeout instead (the SQLAlchemy-documented recipe).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        busy_ms = SQLITE_BUSY_TIMEOUT_MS if eager_wait_ms is None else 0
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Readers take no lock (WAL lets them run beside the one writer); writers queue.
        readonly = conn.get_execution_options().get(READONLY, False)
        if eager_wait_ms is not None and not readonly:
            _eager_begin(conn, eager_wait_ms)
        else:
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


EAGER_RETRY_S = 0.001


def _eager_begin(conn: Any, wait_ms: int) -> None:
    """BEGIN IMMEDIATE, retried every millisecond while another connection holds the lock.

    SQLite's busy handler sleeps 1, 2, 5 … up to 100 ms between tries, so a writer that
    arrives while another holds the lock for a millisecond may sleep tens of ms; the acks'
    inserts use this instead, and so take the lock as soon as it is free. The last try
    goes through SQLAlchemy, so a database still locked raises its usual OperationalError."""
    raw = conn.connection.dbapi_connection
    deadline = time.monotonic() + wait_ms / 1000
    while time.monotonic() < deadline:
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
        time.sleep(EAGER_RETRY_S)
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_session_factory(engine: Engine, *, audit_keyring: Keyring | None = None) -> sessionmaker[Session]:
    """Sessions for ``engine``, signing audit events with ``audit_keyring`` (default: development)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    if audit_keyring is not None:
        attach(factory.kw.setdefault("info", {}), audit_keyring)
    return factory


_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


def _write_lock(factory: sessionmaker[Session]) -> threading.RLock | None:
    """SQLite has one writer: threads of a process queue on a Python lock, which wakes the next
    writer the moment the last one commits, instead of SQLite's busy handler, which sleeps in
    growing steps (up to 100 ms) and turned contention into long tails."""
    bind = factory.kw.get("bind")
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return None
    with _LOCKS_GUARD:
        lock = _WRITE_LOCKS.get(bind)
        if lock is None:
            lock = _WRITE_LOCKS[bind] = threading.RLock()
        return lock


@contextlib.contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    lock = _write_lock(factory)
    with lock if lock is not None else contextlib.nullcontext(), factory() as session, session.begin():
        yield session


@contextlib.contextmanager
def read_transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A read-only unit of work: on SQLite it does not queue behind writers for the write lock.

    Writing inside it is a bug; SQLite would raise "database is locked" on contention.
    """
    with factory() as session:
        session.connection(execution_options={READONLY: True})
        try:
            yield session
        finally:
            session.rollback()


def ping(engine: Engine) -> bool:
    """True when the database answers a trivial query."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
