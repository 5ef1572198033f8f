"""Where the inbox lives: on a SQLite file, a file of its own next to the database.

SQLite has one write lock per file. With the inbox in the main file, every ack's insert
queued behind the worker's transactions (a dealt card holds the lock ~5 ms, ~20 ms at
p99), and that queue was the acks' whole latency tail under load. In its own file the
receipt contends only with the inbox's own claims and settles, which hold the lock for a
fraction of a millisecond; and a main database locked by some other process no longer
refuses acks: the work waits on disk until the lock is gone.

Nothing needs both files in one transaction: a worker's effects commit in the main file
and the row is marked done afterwards in any case (a crash between the two replays the
row, which the listeners' idempotency keys make harmless).

PostgreSQL (row locks, SKIP LOCKED) and an in-memory SQLite database keep the inbox in
the main database. The side file's one table is created on first use; the ``inbox`` table
that the migrations create in the main file is then only read once, to move rows an
earlier version stored there (see :func:`adopt_main_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, inspect, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import CreateIndex, CreateTable

from bot.db.engine import _configure_sqlite, make_engine, make_session_factory, read_transaction, transaction
from bot.db.records import InboxItem

RECEIPT_WAIT_MS = 2000  # Slack gives up on an ack after 3 s: a locked inbox is refused before that
SIDE_SUFFIX = ".inbox"


@dataclass(frozen=True)
class InboxStore:
    """Sessions for the inbox: ``work`` for workers, health and status; ``receipts`` for the acks."""

    work: sessionmaker[Session]
    receipts: sessionmaker[Session]
    separate: bool  # True when the inbox is a file of its own (SQLite)

    def close(self) -> None:
        """Close the side file's pooled connections (a no-op when the inbox is in the main database)."""
        bind = self.work.kw.get("bind")
        if self.separate and isinstance(bind, Engine):
            bind.dispose()


def side_path(engine: Engine) -> Path | None:
    """The inbox file for a SQLite file database (``var/casebook.db`` → ``var/casebook.inbox.db``)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return side_file(Path(database))


def side_file(database: Path) -> Path:
    """The inbox file that belongs with the SQLite file ``database``."""
    return database.with_name(f"{database.stem}{SIDE_SUFFIX}{database.suffix}")


def open_inbox(
    engine: Engine, sessions: sessionmaker[Session], *, pool_size: int = 4, adopt: bool = True
) -> InboxStore:
    """The inbox's sessions for ``engine``'s database (see the module's docstring for where);
    ``adopt``: move an earlier version's unfinished rows over (the service; not a status read)."""
    path = side_path(engine)
    if path is None:
        if engine.dialect.name != "sqlite":
            return InboxStore(work=sessions, receipts=sessions, separate=False)
        return InboxStore(work=sessions, receipts=_receipts(str(engine.url)), separate=False)
    url = f"sqlite:///{path}"
    side = make_engine(url, pool_size=pool_size)
    _create_table(side)
    work = make_session_factory(side)
    if adopt:
        adopt_main_rows(main=sessions, side=work)
    return InboxStore(work=work, receipts=_receipts(url), separate=True)


def _create_table(side: Engine) -> None:
    """The side file's one table, if it is not there yet: in one write transaction with IF NOT
    EXISTS, because the front and the worker process open the file at the same moment."""
    table = InboxItem.__table__
    with side.begin() as conn:
        conn.execute(CreateTable(table, if_not_exists=True))  # type: ignore[arg-type]
        for index in table.indexes:  # type: ignore[attr-defined]
            conn.execute(CreateIndex(index, if_not_exists=True))


def _receipts(url: str) -> sessionmaker[Session]:
    """Sessions for the front's inserts: the lock asked for every millisecond, for at most
    RECEIPT_WAIT_MS (the default waits 15 s), so a locked file gets an inline refusal instead
    of Slack's error page. No pooled connections: each insert opens the file afresh, so a
    file that went away is noticed."""
    receipt_engine = create_engine(
        url, poolclass=NullPool, connect_args={"timeout": RECEIPT_WAIT_MS / 1000, "check_same_thread": False}
    )
    _configure_sqlite(receipt_engine, eager_wait_ms=RECEIPT_WAIT_MS)
    return make_session_factory(receipt_engine)


def adopt_main_rows(*, main: sessionmaker[Session], side: sessionmaker[Session]) -> int:
    """Move unfinished rows from the main file's ``inbox`` table into the side file.

    An earlier version kept the inbox in the main file: work it acknowledged and did not
    run before an upgrade would otherwise never run. Keys are unique, so a move interrupted
    half way and repeated stores nothing twice. Returns the number of rows moved.
    """
    bind = main.kw.get("bind")
    if not isinstance(bind, Engine) or not inspect(bind).has_table(InboxItem.__tablename__):
        return 0  # a main file not migrated yet: nothing to adopt
    pending = select(InboxItem.id).where(InboxItem.status == "pending").limit(1)
    with read_transaction(main) as session:  # every start asks; only an upgrade finds rows
        if session.execute(pending).first() is None:
            return 0  # so the usual start takes no write lock on the main file
    columns = [c for c in InboxItem.__table__.columns if c.name != "id"]
    with transaction(main) as session:
        rows = session.execute(
            select(*columns).where(InboxItem.status == "pending").order_by(InboxItem.id)
        ).all()
        if not rows:
            return 0
        with transaction(side) as target:
            for row in rows:
                target.execute(
                    sqlite_insert(InboxItem).values(**row._mapping).on_conflict_do_nothing(index_elements=["key"])
                )
        session.execute(delete(InboxItem).where(InboxItem.status == "pending"))
    return len(rows)
