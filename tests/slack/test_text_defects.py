"""Issue 13's text defects, each pinned: no "PAUSE — pause", no "on today", no "(optional) (optional)"..."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.gonogo import Recommendation, Verdict
from bot.program import load_program
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.feedback import FeedbackView, feedback_blocks
from bot.slack.blocks.review import feedback_blocks as review_feedback_blocks
from bot.slack.blocks.review import verdict_line
from bot.slack.blocks.scorecard import recommendation_text
from bot.slack.blocks.survey import survey_modal
from tests.conftest import EXAMPLE_PROGRAM
from tests.slack.test_review_blocks import _data

AT = datetime(2026, 11, 17, 15, 3, tzinfo=UTC)


def test_pause_is_not_followed_by_pause() -> None:
    text = recommendation_text(Verdict(Recommendation.PAUSE, "1 of 5 metrics fails.", ()))
    assert "*Recommendation: PAUSE* — investigate, do not scale" in text
    assert "pause:" not in text.lower().replace("recommendation: pause", "")


def test_an_upheld_review_reads_without_on_today_or_should_have_been() -> None:
    upheld = _data(status="upheld", reviewer_slack_id="U0MENTOR", review_verdict="uphold", reviewed_at=AT)
    line = verdict_line(upheld)
    assert " on <!date" not in line and ", <!date^" in line
    dm = str(to_dicts(review_feedback_blocks(upheld)))
    assert "Should have been" not in dm and "—" not in dm
    overturned = _data(
        status="overturned", reviewer_slack_id="U0MENTOR", suggested_verdict="deny", reviewed_at=AT
    )
    assert "Should have been" in str(to_dicts(review_feedback_blocks(overturned)))


def test_seconds_to_decide_read_naturally() -> None:
    fb = FeedbackView(
        assignment_id=1,
        title="t",
        verdict="approve",
        outcome="correct",
        expected="approve",
        acceptable=(),
        rationale="r",
        named=(),
        missed=(),
        category=None,
        seconds=5,
        posted_to_review=False,
    )
    body = str(to_dicts(feedback_blocks(fb)))
    assert "Decided in 5 s." in body and "0 min" not in body


def test_the_comment_label_says_optional_once() -> None:
    program = load_program(EXAMPLE_PROGRAM)
    view = survey_modal(week="2026-W47", questions=program.survey.questions, minimum=3).to_dict()
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert "Anything else?" in labels and not any("(optional)" in label for label in labels)
    assert "Who sees what" in str(view["blocks"])
