"""INSERT … ON CONFLICT DO NOTHING RETURNING the new row: one statement for "add unless present".

The hot paths that add a row unless its unique key exists (a ledger send, a decision) used
to look first, then insert under a savepoint in case a concurrent writer won the race: up
to four statements where the usual case needs one. SQLite (3.35+) and PostgreSQL both have
ON CONFLICT and RETURNING; the ORM returns the new row as a mapped object in the session.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.orm import DeclarativeBase, Session

_BUILT: dict[tuple[type[Any], str, tuple[str, ...], tuple[str, ...] | None], Any] = {}


def dialect_insert(session: Session) -> Any:
    """The dialect's INSERT construct (it has ON CONFLICT), or None on another database."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    return None


def insert_new(
    *,
    session: Session,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    conflict: Sequence[str] | None = None,
) -> Any:
    """Insert ``values`` as a new ``model`` row unless a unique key (``conflict``'s, or any)
    is taken; the new mapped object, or None when a row with that key exists.

    Raises NotImplementedError on a database without ON CONFLICT (only SQLite and
    PostgreSQL are supported). The statement is built once per model, dialect and columns:
    building it cost as much CPU as running it."""
    dialect = session.get_bind().dialect.name
    key = (model, dialect, tuple(values), tuple(conflict) if conflict is not None else None)
    stmt = _BUILT.get(key)
    if stmt is None:
        insert = dialect_insert(session)
        if insert is None:
            raise NotImplementedError(f"no ON CONFLICT on {dialect}")
        columns = model.__table__.c
        stmt = _BUILT[key] = (  # a race builds it twice, harmlessly
            insert(model)
            .values({name: bindparam(name, type_=columns[name].type) for name in values})
            .on_conflict_do_nothing(index_elements=list(conflict) if conflict is not None else None)
            .returning(model)
        )
    return session.scalars(stmt, values).one_or_none()
