"""The Uphold / Overturn modal: a reminder of the decision, then the verdict's comment."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot.domain.reviews import COMMENT_MAX, ReviewPostData
from bot.domain.vocab import VERDICTS
from bot.slack.blocks.common import VERDICT_EMOJI, clip, context, esc, section
from bot.slack.blocks.review import KIND_LABEL
from bot.slack.ids import Block as B
from bot.slack.ids import Callback
from bot.slack.metadata import ReviewMeta


def review_modal(*, data: ReviewPostData, meta: ReviewMeta) -> View:
    """Uphold: an optional comment. Overturn: the decision that should have been made, and why."""
    overturn = meta.verdict == "overturn"
    kind = KIND_LABEL.get(data.kind, "Decision")
    blocks: list[Block] = [
        section(
            f"*{kind} #{data.decision_id}: {esc(clip(data.title, 200))}*\n"
            f"<@{data.engineer_slack_id}> decided {VERDICT_EMOJI.get(data.verdict, '')} "
            f"*{data.verdict.capitalize()}* ({esc(data.category.replace('_', ' '))})."
        )
    ]
    if overturn:
        blocks.append(
            InputBlock(
                block_id=B.SUGGESTED_VERDICT,
                label=PlainTextObject(text="What should have been decided?"),
                element=RadioButtonsElement(
                    action_id=B.SUGGESTED_VERDICT,
                    options=[Option(value=v, label=v.capitalize()) for v in VERDICTS if v != data.verdict],
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=B.COMMENT,
            label=PlainTextObject(text="Why" if overturn else "Comment"),
            hint=PlainTextObject(
                text="What they missed and what would have led to the right call; the engineer gets this."
                if overturn
                else "Optional: what was good, or what to watch next time. The engineer gets this."
            ),
            optional=not overturn,
            element=PlainTextInputElement(action_id=B.COMMENT, multiline=True, max_length=COMMENT_MAX),
        )
    )
    blocks.append(context("The first verdict stands; it's replied in the thread and the engineer is told."))
    return View(
        type="modal",
        callback_id=Callback.REVIEW,
        title=PlainTextObject(text="Overturn decision" if overturn else "Uphold decision"),
        submit=PlainTextObject(text="Overturn" if overturn else "Uphold"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=meta.dump(),
        blocks=blocks,
    )
