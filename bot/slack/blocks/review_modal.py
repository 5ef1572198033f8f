"""The Uphold / Overturn modal: a reminder of the decision, then the verdict's comment."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.overturn_reasons import LABEL
from bot.domain.reasoning import ScenarioKey
from bot.domain.reviews import COMMENT_MAX, ReviewPostData
from bot.domain.vocab import VERDICTS
from bot.slack.blocks.common import VERDICT_EMOJI, clip, context, esc, section
from bot.slack.blocks.review import KIND_LABEL
from bot.slack.ids import Block as B
from bot.slack.ids import Callback
from bot.slack.metadata import ReviewMeta

WEAK_REASONING = "weak"


def key_blocks(key: ScenarioKey) -> list[Block]:
    """The scenario's answer key for the reviewer only: expected call, rationale, mentor notes."""
    also = f" ({' or '.join(a.capitalize() for a in key.acceptable)} acceptable)" if key.acceptable else ""
    total = len(key.named) + len(key.missed)
    points = "\n".join(
        [f":white_check_mark: {esc(p)}" for p in key.named]
        + [f":heavy_minus_sign: {esc(p)}" for p in key.missed]
    )
    return [
        section(
            f"*Expected:* {key.expected.capitalize()}{also}\n*Rationale*\n{esc(clip(key.rationale, 1500))}"
        ),
        section(f"*Mentor notes*\n{esc(clip(key.mentor_notes, 1500))}"),
        section(f"*Key points named in sentences* ({len(key.named)} of {total})\n{points}"),
    ]


def weak_reasoning_block() -> InputBlock:
    """Uphold the call but count the card against reasoning (not rework, not an overturn)."""
    return InputBlock(
        block_id=B.WEAK_REASONING,
        optional=True,
        label=PlainTextObject(text="Reasoning"),
        element=CheckboxesElement(
            action_id=B.WEAK_REASONING,
            options=[Option(value=WEAK_REASONING, label="Right call, weak reasoning")],
        ),
        hint=PlainTextObject(text="Counts against their reasoning score, not as rework."),
    )


def failed_parts_block(*, overturn: bool) -> InputBlock:
    """Which part of the justification failed (several allowed); required to overturn or mark weak."""
    return InputBlock(
        block_id=B.FAILED_PARTS,
        optional=not overturn,  # on Uphold it is required only with "Right call, weak reasoning"
        label=PlainTextObject(text="Which part of the justification failed?"),
        element=StaticMultiSelectElement(
            action_id=B.FAILED_PARTS,
            placeholder=PlainTextObject(text="Choose one or more"),
            options=[Option(value=part.value, label=label) for part, label in LABEL.items()],
        ),
        hint=PlainTextObject(
            text="Their pattern across reviews is shown to them and in the digest."
            if overturn
            else "Needed with “Right call, weak reasoning”: what was weak."
        ),
    )


def suggested_verdict_block(*, decided: str) -> InputBlock:
    """Overturn's first question: the call that should have been made (any but the one made)."""
    return InputBlock(
        block_id=B.SUGGESTED_VERDICT,
        label=PlainTextObject(text="What should have been decided?"),
        element=RadioButtonsElement(
            action_id=B.SUGGESTED_VERDICT,
            options=[Option(value=v, label=v.capitalize()) for v in VERDICTS if v != decided],
        ),
    )


def comment_block(*, overturn: bool, hint: str) -> InputBlock:
    """The verdict's comment: optional to uphold, the required "Why" of an overturn."""
    return InputBlock(
        block_id=B.COMMENT,
        label=PlainTextObject(text="Why" if overturn else "Comment"),
        hint=PlainTextObject(text=hint),
        optional=not overturn,
        element=PlainTextInputElement(action_id=B.COMMENT, multiline=True, max_length=COMMENT_MAX),
    )


def review_modal(*, data: ReviewPostData, meta: ReviewMeta, precedents: Sequence[Block] = ()) -> View:
    """Uphold: an optional comment. Overturn: the decision that should have been made, and why.

    ``precedents``: blocks of past live decisions like this one (issue 18), shown under it."""
    overturn = meta.verdict == "overturn"
    kind = KIND_LABEL.get(data.kind, "Decision")
    blocks: list[Block] = [
        section(
            f"*{kind} #{data.decision_id}: {esc(clip(data.title, 200))}*\n"
            f"<@{data.engineer_slack_id}> decided {VERDICT_EMOJI.get(data.verdict, '')} "
            f"*{data.verdict.capitalize()}* ({esc(data.category.replace('_', ' '))})."
        )
    ]
    blocks.extend(precedents)
    if data.key is not None:
        blocks.extend(key_blocks(data.key))
        if not overturn:
            blocks.append(weak_reasoning_block())
            blocks.append(failed_parts_block(overturn=False))
    if overturn:
        blocks.append(suggested_verdict_block(decided=data.verdict))
        blocks.append(failed_parts_block(overturn=True))
    blocks.append(
        comment_block(
            overturn=overturn,
            hint="What they missed and what would have led to the right call; the engineer gets this."
            if overturn
            else "Optional: what was good, or what to watch next time. The engineer gets this.",
        )
    )
    # "The first verdict stands" read, on an overturn, as if the engineer's call would stand.
    blocks.append(
        context(
            "A decision is reviewed once: your review is final when saved. "
            "It's replied in the thread and the engineer is told."
        )
    )
    return View(
        type="modal",
        callback_id=Callback.REVIEW,
        title=PlainTextObject(text="Overturn decision" if overturn else "Uphold decision"),
        submit=PlainTextObject(text="Overturn" if overturn else "Uphold"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=meta.dump(),
        blocks=blocks,
    )
