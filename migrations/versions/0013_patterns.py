"""Patterns and precedents (issue 18): the policy rule of a live decision, proposals, improvements,
and full-text search over live decisions (PostgreSQL: a stored generated tsvector column with a
GIN index; SQLite: FTS5 + triggers).

Revision ID: 0013
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of bot.db.models_patterns.PG_DOCUMENT / the SQLite document (a migration never
# follows later code). Only live decisions are searchable: precedents are never practice.
PG_DOCUMENT = (
    "coalesce(title, '') || ' ' || coalesce(source_text, '') || ' ' || "
    "coalesce(justification->>'policy', '') || ' ' || coalesce(justification->>'evidence', '') || ' ' || "
    "coalesce(justification->>'conditions', '')"
)
SQLITE_DOCUMENT = (
    "coalesce({r}.title, '') || ' ' || coalesce({r}.source_text, '') || ' ' || "
    "coalesce(json_extract({r}.justification, '$.policy'), '') || ' ' || "
    "coalesce(json_extract({r}.justification, '$.evidence'), '') || ' ' || "
    "coalesce(json_extract({r}.justification, '$.conditions'), '')"
)


def _tables() -> None:
    op.create_table(
        "pattern_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_rule", sa.String(length=161), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("approvals", sa.Integer(), nullable=False),
        sa.Column("overturns", sa.Integer(), nullable=False),
        sa.Column("reviewed", sa.Integer(), nullable=False),
        sa.Column("window_weeks", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("raised_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", bot.db.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('standing', 'clarify')", name=op.f("ck_pattern_proposals_kind")),
        sa.CheckConstraint(
            "status IN ('open', 'accepted', 'dismissed')", name=op.f("ck_pattern_proposals_status")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["people.id"], name=op.f("fk_pattern_proposals_decided_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pattern_proposals")),
        sa.UniqueConstraint("policy_rule", "kind", "period", name="uq_pattern_proposals_rule_kind_period"),
    )
    op.create_index(
        "ix_pattern_proposals_status_raised_at", "pattern_proposals", ["status", "raised_at"], unique=False
    )
    op.create_table(
        "process_improvements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("policy_rule", sa.String(length=161), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recorded_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["pattern_proposals.id"],
            name=op.f("fk_process_improvements_proposal_id_pattern_proposals"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["people.id"], name=op.f("fk_process_improvements_recorded_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_improvements")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_process_improvements_proposal_id")),
    )
    op.create_index(
        "ix_process_improvements_recorded_at", "process_improvements", ["recorded_at"], unique=False
    )


def _full_text() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # A stored vector: ts_rank reads it instead of re-parsing every matching row's text.
        # Live decisions only (NULL otherwise): practice rows pay nothing for it.
        op.execute(
            "ALTER TABLE decisions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            f"(CASE WHEN kind = 'live' THEN to_tsvector('english'::regconfig, {PG_DOCUMENT}) END) STORED"
        )
        op.execute("CREATE INDEX ix_decisions_fts ON decisions USING gin (search_vector) WHERE kind = 'live'")
        return
    op.execute("CREATE VIRTUAL TABLE decisions_fts USING fts5(body, tokenize='porter unicode61')")
    op.execute(
        "CREATE TRIGGER decisions_fts_ai AFTER INSERT ON decisions WHEN new.kind = 'live' BEGIN "
        f"INSERT INTO decisions_fts(rowid, body) VALUES (new.id, {SQLITE_DOCUMENT.format(r='new')}); END"
    )
    op.execute(
        "CREATE TRIGGER decisions_fts_ad AFTER DELETE ON decisions BEGIN "
        "DELETE FROM decisions_fts WHERE rowid = old.id; END"
    )
    op.execute(
        f"INSERT INTO decisions_fts(rowid, body) SELECT d.id, {SQLITE_DOCUMENT.format(r='d')} "
        "FROM decisions AS d WHERE d.kind = 'live'"
    )


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("policy_rule", sa.String(length=161), nullable=True))
        batch.create_index("ix_decisions_policy_rule", ["policy_rule", "decided_at"], unique=False)
    _tables()
    _full_text()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_decisions_fts")
        op.execute("ALTER TABLE decisions DROP COLUMN IF EXISTS search_vector")
    else:
        op.execute("DROP TRIGGER IF EXISTS decisions_fts_ai")
        op.execute("DROP TRIGGER IF EXISTS decisions_fts_ad")
        op.execute("DROP TABLE IF EXISTS decisions_fts")
    op.drop_index("ix_process_improvements_recorded_at", table_name="process_improvements")
    op.drop_table("process_improvements")
    op.drop_index("ix_pattern_proposals_status_raised_at", table_name="pattern_proposals")
    op.drop_table("pattern_proposals")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_index("ix_decisions_policy_rule")
        batch.drop_column("policy_rule")
