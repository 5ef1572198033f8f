"""Issue 13: no "Only 0 of 3 engineers answered the survey" before the survey has gone out."""

from __future__ import annotations

from datetime import timedelta

from bot.db.engine import transaction
from tests.domain.test_digest import FRIDAY, W47, db, digest, flags, week_of_calls  # noqa: F401
from tests.metrics_data import survey


def test_the_survey_rate_is_flagged_only_after_the_survey_went_out(db, program) -> None:  # noqa: F811
    week_of_calls(db, W47, 1)
    wednesday = W47 + timedelta(days=2)
    assert "low_survey_response" not in flags(digest(db, program, at=wednesday))
    friday = flags(digest(db, program))
    assert friday["low_survey_response"] == "Only 0 of 3 engineers answered the survey (0%)."
    with transaction(db) as session:
        for uid in ("U0ENG1", "U0ENG2"):
            survey(session, uid, week="2026-W47", answers=[4, 4, 4, 4], at=FRIDAY)
    assert "low_survey_response" not in flags(digest(db, program))
