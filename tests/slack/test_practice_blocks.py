"""Card, modal, feedback, guide and assessment builders: valid Block Kit for every shipped scenario."""

from __future__ import annotations

import pytest

from bot.domain.assessment import Answer, AssessmentResult
from bot.domain.library import load_library
from bot.sandbox.fakeslack import validate_blocks, validate_view
from bot.slack.blocks.assessment import ResultView, engineer_result_blocks, mentor_result_blocks
from bot.slack.blocks.card import CardView, card_blocks, decided_card_blocks, justification_modal
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.feedback import FeedbackView, feedback_blocks
from bot.slack.blocks.guide import category_list_blocks, guide_blocks
from bot.slack.metadata import JustifyMeta
from tests.domain.test_library import SHIPPED
from tests.helpers import texts

LIBRARY = load_library(SHIPPED)


def _view(spec, kind: str = "practice") -> CardView:
    category = LIBRARY.category(spec.category)
    assert category is not None
    return CardView(
        7,
        kind,
        spec,
        category.name,
        2,
        3 if kind == "assessment" else None,
        20 if kind == "assessment" else None,
    )


@pytest.mark.parametrize("spec", LIBRARY.scenarios, ids=lambda s: s.id)
def test_every_scenario_renders_as_valid_blocks(spec) -> None:
    for kind in ("practice", "assessment"):
        view = _view(spec, kind)
        assert validate_blocks(to_dicts(card_blocks(view)), limit=50) is None
        decided = to_dicts(decided_card_blocks(view, verdict="deny", reasoning="x" * 3000))
        assert validate_blocks(decided, limit=50) is None
        assert not any(b["type"] == "actions" for b in decided)
    category = LIBRARY.category(spec.category)
    fb = FeedbackView(
        assignment_id=7,
        title=spec.title,
        verdict="approve",
        outcome="differs",
        expected=spec.expected.decision,
        acceptable=spec.expected.acceptable,
        rationale=spec.rationale,
        named=[k.point for k in spec.key_points[:1]],
        missed=[k.point for k in spec.key_points[1:]],
        category=category,
        seconds=125.0,
        posted_to_review=True,
    )
    blocks = to_dicts(feedback_blocks(fb))
    assert validate_blocks(blocks, limit=50) is None
    assert "2 min 5 s" in texts(blocks)


def test_assessment_card_has_no_guide_and_says_no_feedback() -> None:
    spec = LIBRARY.scenarios[0]
    practice = texts(to_dicts(card_blocks(_view(spec))))
    exam = to_dicts(card_blocks(_view(spec, "assessment")))
    assert "Decision guide" in practice
    assert "Decision guide" not in texts(exam)
    assert texts(exam).startswith(f"Assessment 3/20: {spec.title}")
    assert "No feedback until the end" in texts(exam)


@pytest.mark.parametrize("verdict", ["approve", "deny", "escalate"])
def test_justification_modal_is_a_valid_view(verdict: str) -> None:
    meta = JustifyMeta(assignment_id=1, verdict=verdict, channel="D1", message_ts="1.2")
    view = justification_modal(meta=meta, title="<!channel> a very long title " * 20).to_dict()
    assert validate_view(view) is None
    blocks = {b.get("block_id") for b in view["blocks"]}
    assert {"policy", "evidence", "risk", "confidence"} <= blocks
    assert ("conditions" in blocks) is (verdict == "approve")
    assert ("escalation" in blocks) is (verdict == "escalate")
    assert JustifyMeta.load(view["private_metadata"]) == meta
    assert "<!channel>" not in texts(view["blocks"])


def test_scenario_text_is_escaped() -> None:
    spec = LIBRARY.scenarios[0].model_copy(
        update={"context": "Ping <!channel> & <@U123>", "facts": ["a < b"]}
    )
    body = texts(to_dicts(card_blocks(_view(spec))))
    assert "Ping &lt;!channel&gt; &amp; &lt;@U123&gt;" in body and "a &lt; b" in body


def test_guides_and_category_list_are_valid() -> None:
    for category in LIBRARY.categories:
        assert validate_blocks(to_dicts(guide_blocks(category)), limit=50) is None
    listing = to_dicts(category_list_blocks(LIBRARY.categories, unknown="<!here>"))
    assert validate_blocks(listing, limit=50) is None
    assert "&lt;!here&gt;" in texts(listing)


def test_assessment_results_fit_even_when_every_answer_differs() -> None:
    answers = [
        Answer(i, f"Scenario {i} " + "x" * 100, LIBRARY.category_ids[i % 7], "deny", "approve", "differs")
        for i in range(1, 21)
    ]
    result = AssessmentResult(1, 1, 20, 0, 0.0, False, 0.8, answers)
    view = ResultView(
        result, "Ada <Engineer>", "U0ENG1", {c.id: c.name for c in LIBRARY.categories}, "U0MENTOR"
    )
    for blocks in (engineer_result_blocks(view), mentor_result_blocks(view)):
        assert validate_blocks(to_dicts(blocks), limit=50) is None
    passed = ResultView(
        AssessmentResult(1, 1, 20, 17, 0.85, True, 0.8, answers[:3]), "Ada", "U0ENG1", {}, None
    )
    mentor = to_dicts(mentor_result_blocks(passed))
    assert any(b["type"] == "actions" for b in mentor)
    signed = to_dicts(mentor_result_blocks(passed, signed_off_by="U0MENTOR"))
    assert not any(b["type"] == "actions" for b in signed) and "Signed off by <@U0MENTOR>" in texts(signed)
    assert "ask a lead to sign off" in texts(to_dicts(engineer_result_blocks(passed)))
