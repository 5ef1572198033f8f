"""Migration 0005 moves existing survey answers apart from who gave them, in whole published groups."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import Engine, inspect, text

from bot.db.migrate import downgrade, upgrade
from bot.db.models import UTCDateTime

AT = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
PEOPLE = sa.table(
    "people",
    *(sa.column(c) for c in ("id", "slack_user_id", "name", "status")),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
OLD_RESPONSES = sa.table(
    "survey_responses",
    *(
        sa.column(c)
        for c in ("person_id", "survey", "week", "answer_sum", "answer_count", "confidence", "comment")
    ),
    sa.column("answers", sa.JSON()),
    sa.column("submitted_at", UTCDateTime()),
)


def test_existing_answers_move_apart_in_groups_of_three(database_url: str, engine: Engine) -> None:
    downgrade(database_url, "0004")
    engine.dispose()
    with engine.begin() as conn:
        for n in range(1, 5):
            conn.execute(
                sa.insert(PEOPLE).values(
                    id=n, slack_user_id=f"U{n}", name=f"P{n}", status="active", created_at=AT, updated_at=AT
                )
            )
            conn.execute(
                sa.insert(OLD_RESPONSES).values(
                    person_id=n,
                    survey="weekly",
                    week="2026-W47",
                    answers={"clarity": 3},
                    answer_sum=12,
                    answer_count=4,
                    confidence=3,
                    comment=f"note {n}",
                    submitted_at=AT,
                )
            )
    upgrade(database_url, "head")
    engine.dispose()
    kept = {c["name"] for c in inspect(engine).get_columns("survey_responses")}
    assert kept == {"id", "person_id", "survey", "week", "submitted_at"}
    with engine.connect() as conn:
        who = conn.execute(text("SELECT count(*) FROM survey_responses")).scalar_one()
        rows = conn.execute(text("SELECT batch, comment FROM survey_answers")).all()
    assert who == 4 and len(rows) == 4
    assert sorted(b or 0 for b, _ in rows) == [0, 1, 1, 1]  # one whole group published, one waiting
    assert sorted(c for _, c in rows) == ["note 1", "note 2", "note 3", "note 4"]
