"""Where the inbox lives (bot/db/inbox_store.py): its own file on SQLite, the main database on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.db.inbox_store import open_inbox, side_file, side_path
from bot.db.records import InboxItem
from bot.domain import inbox

NOW = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)


def _receive(sessions: sessionmaker[Session], key: str) -> None:
    with transaction(sessions) as session:
        assert inbox.receive(session=session, now=NOW, key=key, function="f", body="b", content_type="t")


def _keys(sessions: sessionmaker[Session]) -> list[str]:
    with transaction(sessions) as session:
        return list(session.scalars(select(InboxItem.key).order_by(InboxItem.id)))


def test_the_inbox_file_sits_next_to_the_database() -> None:
    assert side_file(Path("var/casebook.db")) == Path("var/casebook.inbox.db")
    assert side_file(Path("/data/cb")) == Path("/data/cb.inbox")
    assert side_path(create_engine("sqlite://")) is None  # in memory: one database, nowhere else to go


def test_on_sqlite_receipts_go_to_their_own_file_and_on_postgresql_to_the_database(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    store = open_inbox(engine, sessions)
    try:
        _receive(store.receipts, "a")
        assert _keys(store.work) == ["a"]
        if engine.dialect.name == "sqlite":
            side = side_path(engine)
            assert store.separate and side is not None and side.exists()
            assert _keys(sessions) == [], "the main file's inbox table stays empty"
        else:
            assert not store.separate and store.work is sessions and store.receipts is sessions
            assert _keys(sessions) == ["a"]
    finally:
        store.close()


@pytest.mark.sqlite_only  # PostgreSQL keeps the inbox where it always was: nothing to move
def test_rows_an_earlier_version_left_in_the_main_file_are_moved_once(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _receive(sessions, "left-behind")  # acked by the old version, not yet run
    _receive(sessions, "done-already")
    with transaction(sessions) as session:
        row = session.scalars(select(InboxItem).where(InboxItem.key == "done-already")).one()
        row.status = "done"
    store = open_inbox(engine, sessions)
    again = open_inbox(engine, sessions)  # a second process starting: nothing moves twice
    try:
        assert _keys(store.work) == ["left-behind"]
        assert _keys(sessions) == ["done-already"], "finished history stays; pending rows moved"
        with transaction(store.work) as session:
            assert inbox.backlog(session=session, now=NOW).pending == 1
            assert session.scalar(select(func.count()).select_from(InboxItem)) == 1
    finally:
        store.close()
        again.close()


@pytest.mark.sqlite_only  # the side file is SQLite's
def test_processes_opening_the_inbox_at_once_all_get_it(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    """The front and the worker process start together: creating the side table must not race."""
    import threading

    stores: list[object] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            stores.append(open_inbox(engine, sessions))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(stores) == 6
    for store in stores:
        store.close()  # type: ignore[attr-defined]
