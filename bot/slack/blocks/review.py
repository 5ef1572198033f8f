"""The review-channel post for one decision, with Uphold / Overturn while it is pending."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, PlainTextObject

from bot.domain.justification import LABELS
from bot.domain.reviews import ReviewPostData
from bot.slack.blocks.common import clip, context, divider, esc, fields, header, section
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from bot.slack.metadata import DecisionValue

VERDICT_EMOJI = {"approve": ":white_check_mark:", "deny": ":no_entry:", "escalate": ":arrow_up:"}
KIND_LABEL = {"live": "Live decision", "practice": "Practice decision", "assessment": "Assessment answer"}


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def review_post_blocks(data: ReviewPostData) -> list[Block]:
    verdict = f"{VERDICT_EMOJI.get(data.verdict, '')} *{data.verdict.capitalize()}*"
    blocks: list[Block] = [
        header(f"{KIND_LABEL.get(data.kind, 'Decision')} #{data.decision_id}: {clip(data.title, 100)}"),
        fields(
            [
                ("Engineer", f"<@{data.engineer_slack_id}>"),
                ("Category", esc(data.category.replace("_", " "))),
                ("Decision", verdict),
                ("Time to decide", _duration(data.seconds_to_decide)),
            ]
        ),
    ]
    for name in ("policy", "evidence", "risk", "conditions", "escalation"):
        value = data.justification.get(name)
        if value:
            blocks.append(section(f"*{LABELS[name]}*\n{esc(clip(str(value), 2800))}"))
    blocks.append(context(f"Confidence {data.justification.get('confidence', '?')}/5"))
    if data.source_url:
        blocks.append(context(f"Source: {esc(data.source_url)}"))
    blocks.append(divider())
    if data.status == "pending":
        value = DecisionValue(decision_id=data.decision_id).dump()
        blocks.append(
            ActionsBlock(
                block_id=B.REVIEW_ACTIONS,
                elements=[
                    ButtonElement(
                        action_id=Action.REVIEW_UPHOLD,
                        text=PlainTextObject(text="Uphold"),
                        style="primary",
                        value=value,
                    ),
                    ButtonElement(
                        action_id=Action.REVIEW_OVERTURN,
                        text=PlainTextObject(text="Overturn"),
                        style="danger",
                        value=value,
                    ),
                ],
            )
        )
        blocks.append(context("Discuss in the thread. Overturning needs a comment."))
    elif data.status in ("upheld", "overturned"):
        who = f"<@{data.reviewer_slack_id}>" if data.reviewer_slack_id else "a reviewer"
        line = f"*{data.status.capitalize()}* by {who}"
        if data.suggested_verdict:
            line += f" — should have been *{esc(data.suggested_verdict)}*"
        blocks.append(section(line + (f"\n>{esc(data.review_comment)}" if data.review_comment else "")))
    return blocks


def review_post_text(data: ReviewPostData) -> str:
    return (
        f"{KIND_LABEL.get(data.kind, 'Decision')} #{data.decision_id} by {data.engineer_name}: {data.verdict}"
    )
