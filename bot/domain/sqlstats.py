"""Aggregates that SQL dialects spell differently: the median, computed in the database.

PostgreSQL has ``percentile_cont(0.5) WITHIN GROUP (ORDER BY x)``; SQLite has no
median, so we count the rows and read the middle one or two with ORDER BY / LIMIT /
OFFSET. Either way only one or two numbers come back to Python, never the rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session


def median(
    *, session: Session, column: InstrumentedAttribute[Any], where: list[ColumnElement[bool]]
) -> tuple[int, float | None]:
    """(row count, median of ``column``) over the rows matching ``where``; None when there are none."""
    if session.get_bind().dialect.name == "postgresql":
        count, value = session.execute(
            select(func.count(), func.percentile_cont(0.5).within_group(column)).where(*where)
        ).one()
        return int(count), None if value is None else float(value)
    count = int(session.execute(select(func.count()).select_from(column.class_).where(*where)).scalar_one())
    if count == 0:
        return 0, None
    middle = list(
        session.execute(
            select(column)
            .where(*where)
            .order_by(column)
            .limit(1 if count % 2 else 2)
            .offset((count - 1) // 2)
        ).scalars()
    )
    return count, sum(float(v) for v in middle) / len(middle)
