"""Instant feedback after a practice decision, with the Next scenario button."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, PlainTextObject

from bot.domain.library import CategorySpec
from bot.domain.vocab import Verdict
from bot.slack.blocks.common import context, divider, esc, header, section
from bot.slack.blocks.guide import VERDICT_HEADINGS
from bot.slack.blocks.review import duration
from bot.slack.ids import Action
from bot.slack.metadata import CategoryValue, NextValue

OUTCOME_LABEL = {
    "correct": ":white_check_mark: Correct",
    "acceptable": ":ballot_box_with_check: Acceptable",
    "differs": ":x: Differs from the expected call",
}


@dataclass(frozen=True)
class FeedbackView:
    assignment_id: int
    title: str
    verdict: str
    outcome: str
    expected: str
    acceptable: Sequence[str]
    rationale: str
    named: Sequence[str]
    missed: Sequence[str]
    category: CategorySpec | None  # None: removed from the taxonomy since the card was dealt
    seconds: float | None
    posted_to_review: bool
    next_category: str | None = None
    sound: bool = False  # right call and at least half the key points named in real sentences


def _calls(fb: FeedbackView) -> str:
    line = f"You chose *{fb.verdict.capitalize()}*; the expected call is *{fb.expected.capitalize()}*"
    others = [a.capitalize() for a in fb.acceptable]
    if others:
        line += f" ({' or '.join(others)} is also acceptable)"
    return line + "."


def _key_points(fb: FeedbackView) -> str:
    lines = [f":white_check_mark: {esc(p)}" for p in fb.named]
    lines += [f":heavy_minus_sign: {esc(p)} — _not named_" for p in fb.missed]
    total = len(fb.named) + len(fb.missed)
    return f"*Key points* ({len(fb.named)} of {total} named in sentences)\n" + "\n".join(lines)


def _soundness(fb: FeedbackView) -> str:
    """Both halves of the grade: was the call right, and did the reasoning carry it."""
    right = "right" if fb.outcome != "differs" else "not the expected call"
    if fb.sound:
        reasoning = ":white_check_mark: *sound*"
    elif fb.outcome == "differs":
        reasoning = ":heavy_minus_sign: not sound (the call differs)"
    else:
        reasoning = (
            ":warning: *not sound*: name at least half of the key points in full sentences "
            "(a list of keywords does not count)"
        )
    return f"*Verdict:* {right}. *Reasoning:* {reasoning}."


def _guide(category: CategorySpec | None) -> list[Block]:
    """The guide's first line per call; the whole guide is one click away (*Decision guide*).

    The engineer usually has just read it on the card, so the feedback does not repeat it.
    """
    if category is None:
        return []
    lines = [f"{VERDICT_HEADINGS[v]}: {esc(getattr(category.guide, v)[0])}" for v in Verdict]
    return [section(f"*Decision guide: {esc(category.name)}*, in short\n" + "\n".join(lines))]


def _buttons(fb: FeedbackView) -> ActionsBlock:
    buttons = [
        ButtonElement(
            action_id=Action.NEXT_SCENARIO,
            text=PlainTextObject(text="Next scenario"),
            style="primary",
            value=NextValue(after=fb.assignment_id, category=fb.next_category).dump(),
        )
    ]
    if fb.category is not None:
        buttons.append(
            ButtonElement(
                action_id=Action.SHOW_GUIDE,
                text=PlainTextObject(text="Whole decision guide"),
                value=CategoryValue(category=fb.category.id).dump(),
            )
        )
    return ActionsBlock(elements=buttons)


def feedback_blocks(fb: FeedbackView) -> list[Block]:
    blocks: list[Block] = [
        header(f"{OUTCOME_LABEL[fb.outcome]}: {fb.title}"),
        section(_calls(fb)),
        section(_soundness(fb)),
        section(f"*Why*\n{esc(fb.rationale)}"),
        section(_key_points(fb)),
        divider(),
        *_guide(fb.category),
        _buttons(fb),
    ]
    notes = []
    if fb.seconds is not None:
        notes.append(f"Decided in {duration(fb.seconds)}.")
    if fb.posted_to_review:
        notes.append("Your decision is in the review channel; a mentor will uphold or overturn it.")
    if notes:
        blocks.append(context(" ".join(notes)))
    return blocks


def feedback_text(fb: FeedbackView) -> str:
    label = {"correct": "Correct", "acceptable": "Acceptable", "differs": "Differs"}[fb.outcome]
    return f"{label}: {fb.title} (expected {fb.expected})"
