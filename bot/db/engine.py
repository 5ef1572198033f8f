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
from sqlalchemy.exc import DisconnectionError
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
        # Eager: `casebook serve` runs more than one worker process, and their writers must
        # take the lock the moment it is free, not after a busy-handler sleep (see _eager_begin).
        _configure_sqlite(engine, eager_wait_ms=SQLITE_BUSY_TIMEOUT_MS, busy_ms=SQLITE_BUSY_TIMEOUT_MS)
        return engine
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=5,
        connect_args={"connect_timeout": 5},
    )
    _ping_when_idle(engine, after_s=PING_AFTER_IDLE_S)
    return engine


# A pooled PostgreSQL connection idle this long is pinged before use. pool_pre_ping pinged
# every checkout: a round trip per transaction, ~8 per interaction (benchmarks/NOTES.md,
# sixth round). A connection in steady use that the server drops fails its statement
# instead; SQLAlchemy then discards the pool's older connections, and the work is retried
# (the inbox's attempts, the ledger's next pass) or refused inline at the ack.
PING_AFTER_IDLE_S = 1.0
_CHECKED_IN = "casebook_checked_in"


def _ping_when_idle(engine: Engine, *, after_s: float) -> None:
    """Ping a connection on checkout when it sat in the pool ``after_s`` or longer."""

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_CHECKED_IN, 0.0) < after_s:
            return
        try:
            with dbapi_conn.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_conn.rollback()
        except Exception as exc:
            # The pool discards this connection and checks out another (up to three tries).
            raise DisconnectionError(str(exc)) from exc


def _configure_sqlite(
    engine: Engine, *, eager_wait_ms: int | None = None, busy_ms: int | None = None
) -> None:
    """WAL, foreign keys and BEGIN IMMEDIATE; ``eager_wait_ms``: ask for the write lock every
    millisecond for that long instead of through SQLite's busy handler (see _eager_begin);
    ``busy_ms``: the busy timeout of every other statement (default: 15 s, or 0 when eager)."""
    if busy_ms is None:
        busy_ms = SQLITE_BUSY_TIMEOUT_MS if eager_wait_ms is None else 0

    # pysqlite's own transaction handling defers BEGIN until the first write, which lets
    # two writers both read and then deadlock on upgrade; we issue BEGIN IMMEDIATE ourselves
    # so writers queue on the busy timeout instead (the SQLAlchemy-documented recipe).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Readers take no lock (WAL lets them run beside the one writer); writers queue.
        readonly = conn.get_execution_options().get(READONLY, False)
        if eager_wait_ms is not None and not readonly:
            _eager_begin(conn, eager_wait_ms, busy_ms=busy_ms)
        else:
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


EAGER_RETRY_S = 0.001


def _eager_begin(conn: Any, wait_ms: int, *, busy_ms: int = 0) -> None:
    """BEGIN IMMEDIATE, retried every millisecond while another connection holds the lock.

    SQLite's busy handler sleeps 1, 2, 5 … up to 100 ms between tries, so a writer that
    arrives while another holds the lock for a millisecond may sleep tens of ms; the acks'
    inserts use this instead, and so take the lock as soon as it is free. The last try
    goes through SQLAlchemy, so a database still locked raises its usual OperationalError.
    ``busy_ms``: the connection's busy timeout, set to 0 for the tries and put back after."""
    raw = conn.connection.dbapi_connection
    if busy_ms:
        raw.execute("PRAGMA busy_timeout=0")
    try:
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
    finally:
        if busy_ms:
            raw.execute(f"PRAGMA busy_timeout={busy_ms}")


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
