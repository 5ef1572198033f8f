"""Alembic gives exactly the models' schema, and downgrades cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from bot.db.migrate import downgrade, upgrade
from bot.db.models import Base
from bot.db.models_patterns import include_object


def test_upgraded_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        # The full-text objects (FTS5 table, GIN index) have no model: the hook skips them.
        opts = {"compare_type": True, "include_object": include_object}
        context = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_up_again(database_url: str, engine: Engine) -> None:
    downgrade(database_url, "base")
    engine.dispose()
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade(database_url, "head")
    engine.dispose()
    assert {"decisions", "audit_events", "deliveries"} <= set(inspect(engine).get_table_names())
