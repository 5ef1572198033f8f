"""Reflections and the Friday wrap-up lessons (issue 17); anonymous lessons kept apart from people.

The post-switchover survey needs no table: it uses survey_responses / survey_answers
(survey "switchover"; its answers under "switchover:<group>").

Revision ID: 0008
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = "kind IN ('went_well', 'was_hard')"


def upgrade() -> None:
    op.create_table(
        "reflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("shared_with_pm", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("submitted_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_reflections_revision")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_reflections_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflections")),
        sa.UniqueConstraint("person_id", "day", name="uq_reflections_person_day"),
    )
    op.create_index("ix_reflections_day", "reflections", ["day"], unique=False)
    op.create_table(
        "lessons",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(_KINDS, name=op.f("ck_lessons_kind")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_lessons_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons")),
    )
    op.create_index("ix_lessons_week", "lessons", ["week", "kind"], unique=False)
    op.create_table(
        "lesson_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.CheckConstraint(_KINDS, name=op.f("ck_lesson_responses_kind")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_lesson_responses_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_responses")),
        sa.UniqueConstraint("person_id", "week", "kind", name="uq_lesson_responses_person_week_kind"),
    )


def downgrade() -> None:
    op.drop_table("lesson_responses")
    op.drop_index("ix_lessons_week", table_name="lessons")
    op.drop_table("lessons")
    op.drop_index("ix_reflections_day", table_name="reflections")
    op.drop_table("reflections")
