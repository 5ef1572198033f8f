"""Policy feedback (issue 17 item 3) and the weekly survey's grouped answers (item 6).

Revision ID: 0009
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "policy_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("policy", sa.String(length=80), nullable=True),
        sa.Column("version", sa.String(length=32), nullable=True),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_by_id", sa.Integer(), nullable=True),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'accepted', 'rejected', 'done')", name=op.f("ck_policy_feedback_status")
        ),
        sa.CheckConstraint(
            "source IN ('card', 'decision', 'command')", name=op.f("ck_policy_feedback_source")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_policy_feedback_author_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_policy_feedback_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_policy_feedback_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["people.id"], name=op.f("fk_policy_feedback_accepted_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["status_by_id"], ["people.id"], name=op.f("fk_policy_feedback_status_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_feedback")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_policy_feedback_idempotency_key")),
    )
    with op.batch_alter_table("policy_feedback") as batch:
        batch.create_index("ix_policy_feedback_author_id", ["author_id"], unique=False)
        batch.create_index("ix_policy_feedback_rule", ["policy", "rule", "status"], unique=False)
        batch.create_index("ix_policy_feedback_accepted_at", ["accepted_at"], unique=False)
    op.create_table(
        "survey_group_answers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("survey", sa.String(length=32), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("group_name", sa.String(length=16), nullable=False),
        sa.Column("answer_sum", sa.Integer(), nullable=False),
        sa.Column("answer_count", sa.Integer(), nullable=False),
        sa.Column("batch", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "group_name IN ('pilots_leads', 'others')", name=op.f("ck_survey_group_answers_group_name")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_group_answers")),
    )
    with op.batch_alter_table("survey_group_answers") as batch:
        batch.create_index(
            "ix_survey_group_answers_week", ["survey", "week", "group_name", "batch"], unique=False
        )


def downgrade() -> None:
    op.drop_table("survey_group_answers")
    op.drop_table("policy_feedback")
