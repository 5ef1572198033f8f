"""Training weeks: attendance per session, labs done, and the Week-10 mentor sign-offs.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "training_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('present', 'absent')", name=op.f("ck_training_attendance_status")),
        sa.CheckConstraint("source IN ('checkin', 'correction')", name=op.f("ck_training_attendance_source")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_training_attendance_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["people.id"], name=op.f("fk_training_attendance_recorded_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_attendance")),
        sa.UniqueConstraint("person_id", "session_id", name="uq_training_attendance_person_session"),
    )
    op.create_index("ix_training_attendance_session", "training_attendance", ["session_id"], unique=False)
    op.create_table(
        "training_labs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.String(length=32), nullable=False),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_training_labs_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_labs")),
        sa.UniqueConstraint("person_id", "lab_id", name="uq_training_labs_person_lab"),
    )
    op.create_table(
        "training_signoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("milestone", sa.String(length=32), nullable=False),
        sa.Column("signed_by", sa.Integer(), nullable=False),
        sa.Column("signed_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "milestone IN ('real_exceptions', 'testing_environment')",
            name=op.f("ck_training_signoffs_milestone"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_training_signoffs_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"], ["people.id"], name=op.f("fk_training_signoffs_signed_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_signoffs")),
        sa.UniqueConstraint("person_id", "milestone", name="uq_training_signoffs_person_milestone"),
    )


def downgrade() -> None:
    op.drop_table("training_signoffs")
    op.drop_table("training_labs")
    op.drop_index("ix_training_attendance_session", table_name="training_attendance")
    op.drop_table("training_attendance")
