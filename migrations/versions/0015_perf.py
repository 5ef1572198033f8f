"""Request deals: the card a stored `/casebook practice` dealt, keyed by its inbox row (issue 14).

Revision ID: 0014
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "request_deals",
        sa.Column("request", sa.String(length=64), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_request_deals_assignment_id_assignments")
        ),
        sa.PrimaryKeyConstraint("request", name=op.f("pk_request_deals")),
    )


def downgrade() -> None:
    op.drop_table("request_deals")
