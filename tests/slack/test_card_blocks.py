"""The card's ggen line: ggen's call when it made one, and a plain statement when it did not."""

from __future__ import annotations

from bot.domain.library import load_library
from bot.sandbox.fakeslack import validate_blocks
from bot.slack.blocks.card import CardView, card_blocks, ggen_line
from bot.slack.blocks.common import to_dicts
from tests.domain.test_library import VALID
from tests.helpers import texts

LIBRARY = load_library(VALID)


def test_a_recommendation_is_shown_and_a_missing_one_is_stated() -> None:
    with_call = next(s for s in LIBRARY.scenarios if s.automation_recommendation == "deny")
    without = next(s for s in LIBRARY.scenarios if s.automation_recommendation is None)
    assert ggen_line(with_call) == ":robot_face: ggen recommends *deny*"
    assert ggen_line(without.model_copy(update={"automation_recommendation": "none"})) == ggen_line(without)
    blocks = to_dicts(card_blocks(CardView(1, "practice", without, "Rollback", 1)))
    assert validate_blocks(blocks, limit=50) is None
    shown = texts(blocks)
    assert "ggen has no recommendation" in shown and "ggen recommends" not in shown
