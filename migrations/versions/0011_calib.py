"""Why an overturn (issue 18): review_reasons names the failed parts of a justification.

Revision ID: 0011
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTS = ("policy", "evidence", "risk", "conditions", "escalation")  # vocab.JUSTIFICATION_PARTS, frozen here


def upgrade() -> None:
    op.create_table(
        "review_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=16), nullable=False),
        sa.CheckConstraint(f"part IN {PARTS!r}", name=op.f("ck_review_reasons_part")),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_reasons_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_reasons")),
        sa.UniqueConstraint("review_id", "part", name="uq_review_reasons_review_part"),
    )
    with op.batch_alter_table("review_reasons", schema=None) as batch_op:
        batch_op.create_index("ix_review_reasons_part", ["part"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_reasons", schema=None) as batch_op:
        batch_op.drop_index("ix_review_reasons_part")
    op.drop_table("review_reasons")
