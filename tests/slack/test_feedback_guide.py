"""Issue 16: practice feedback does not repeat the whole decision guide; a button opens it."""

from __future__ import annotations

from bot.domain.library import load_library
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.feedback import FeedbackView, feedback_blocks
from bot.slack.blocks.guide import guide_blocks
from bot.slack.ids import Action
from tests.domain.test_library import SHIPPED
from tests.helpers import texts


def test_feedback_has_the_guide_in_short_and_a_button_for_all_of_it() -> None:
    library = load_library(SHIPPED)
    spec = library.scenarios[0]
    category = library.category(spec.category)
    assert category is not None
    fb = FeedbackView(
        assignment_id=7,
        title=spec.title,
        verdict="approve",
        outcome="differs",
        expected=spec.expected.decision,
        acceptable=spec.expected.acceptable,
        rationale=spec.rationale,
        named=[],
        missed=[],
        category=category,
        seconds=None,
        posted_to_review=False,
    )
    blocks = to_dicts(feedback_blocks(fb))
    body = texts(blocks)
    whole = texts(to_dicts(guide_blocks(category)))
    for verdict in ("approve", "deny", "escalate"):
        items = getattr(category.guide, verdict)
        assert items[0] in body and all(i not in body for i in items[1:])
    assert body.count("\n") < whole.count("\n")
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    guide = next(e for e in buttons if e["action_id"] == Action.SHOW_GUIDE)
    assert category.id in guide["value"]
