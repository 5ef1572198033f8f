"""A confirm step for slash commands that change a lot or cannot be undone (`role`, `left`, `assess`).

Slack has no confirm dialog for a slash command, so the command answers with what it is about
to do and two buttons; *Confirm* also carries Block Kit's own confirm dialog where the change
is irreversible. Clicking either replaces the ephemeral message with the outcome.
"""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ConfirmObject, PlainTextObject

from bot.slack.blocks.common import section
from bot.slack.ids import Action

CONFIRM_BLOCK = "confirm_step"


def confirm_blocks(
    *, text: str, action_id: str, value: str, label: str, dialog: tuple[str, str] | None = None
) -> list[Block]:
    """``text`` (mrkdwn, escaped by the caller) then *label* / *Cancel*; ``dialog`` is (title, text)."""
    confirm = None
    if dialog is not None:
        confirm = ConfirmObject(
            title=PlainTextObject(text=dialog[0][:100]),
            text=PlainTextObject(text=dialog[1][:300]),
            confirm=PlainTextObject(text=label[:30]),
            deny=PlainTextObject(text="Cancel"),
        )
    return [
        section(text),
        ActionsBlock(
            block_id=CONFIRM_BLOCK,
            elements=[
                ButtonElement(
                    action_id=action_id,
                    text=PlainTextObject(text=label[:75]),
                    value=value,
                    style="danger" if dialog is not None else "primary",
                    confirm=confirm,
                ),
                ButtonElement(
                    action_id=Action.CONFIRM_CANCEL, text=PlainTextObject(text="Cancel"), value="x"
                ),
            ],
        ),
    ]


def cancelled_blocks() -> list[Block]:
    return [section(":heavy_multiplication_x: Cancelled; nothing changed.")]
