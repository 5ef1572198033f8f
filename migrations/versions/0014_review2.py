"""Blind second reviews (reviewer consistency) and the exception expiry register.

Revision ID: 0012
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = bot.db.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "blind_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assigned_at", UTC, nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("suggested_verdict", sa.String(length=16), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", UTC, nullable=True),
        sa.CheckConstraint("status IN ('open', 'answered', 'void')", name=op.f("ck_blind_reviews_status")),
        sa.CheckConstraint(
            "verdict IS NULL OR verdict IN ('uphold', 'overturn')", name=op.f("ck_blind_reviews_verdict")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_blind_reviews_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["people.id"], name=op.f("fk_blind_reviews_reviewer_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blind_reviews")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_blind_reviews_decision_id")),
    )
    with op.batch_alter_table("blind_reviews") as batch_op:
        batch_op.create_index("ix_blind_reviews_reviewer_status", ["reviewer_id", "status"], unique=False)
    op.create_table(
        "exception_register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("expiry_text", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("asked_at", UTC, nullable=True),
        sa.Column("answered_at", UTC, nullable=True),
        sa.Column("conditions_met", sa.Boolean(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("delayed_rework", sa.Boolean(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'asked', 'answered')", name=op.f("ck_exception_register_status")
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('rolled_back', 'permanent', 'extended', 'not_rolled_back')",
            name=op.f("ck_exception_register_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_exception_register_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_exception_register_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exception_register")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_exception_register_decision_id")),
    )
    with op.batch_alter_table("exception_register") as batch_op:
        batch_op.create_index(
            "ix_exception_register_status_expires_on", ["status", "expires_on"], unique=False
        )
        batch_op.create_index("ix_exception_register_person_id", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_table("exception_register")
    op.drop_table("blind_reviews")
