"""Survey answers apart from who answered (issue 13): survey_answers has no person, no time, a random id.

Existing answers move to survey_answers in random order; in each week the first whole
groups of 3 (the default ``survey_anonymity_min``) are marked published, the rest wait
for their group. survey_responses keeps only who answered which week, and when.

Revision ID: 0005
Revises: 0004
"""

import json
import random
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUP = 3
_MOVED = ("answers", "answer_sum", "answer_count", "confidence", "comment")


def _load(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    answers = op.create_table(
        "survey_answers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("survey", sa.String(length=32), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("answer_sum", sa.Integer(), nullable=False),
        sa.Column("answer_count", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("batch", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
    )
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.create_index("ix_survey_answers_week", ["survey", "week", "batch"], unique=False)
    rows = op.get_bind().execute(
        sa.text("SELECT survey, week, answers, answer_sum, answer_count, confidence, comment FROM survey_responses")
    )
    by_week: dict[tuple[str, str], list[dict[str, object]]] = {}
    for survey, week, raw, total, count, confidence, comment in rows:
        by_week.setdefault((survey, week), []).append(
            {
                "survey": survey,
                "week": week,
                "answers": _load(raw),
                "answer_sum": total,
                "answer_count": count,
                "confidence": confidence,
                "comment": comment,
            }
        )
    moved: list[dict[str, object]] = []
    shuffle = random.SystemRandom().shuffle
    for group in by_week.values():
        shuffle(group)
        published = len(group) // GROUP * GROUP
        for i, row in enumerate(group):
            moved.append(row | {"id": secrets.token_hex(16), "batch": i // GROUP + 1 if i < published else None})
    if moved:
        op.bulk_insert(answers, moved)
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        for column in _MOVED:
            batch_op.drop_column(column)


def downgrade() -> None:
    # Answers cannot be given back to the people who gave them: that link is what was removed.
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("answer_sum", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("answer_count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("confidence", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("comment", sa.Text(), nullable=True))
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_answers_week")
    op.drop_table("survey_answers")
