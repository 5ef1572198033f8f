"""The review-channel post for one decision, its verdict reply, and the people told about it."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, PlainTextObject

from bot.domain.justification import LABELS
from bot.domain.reviews import ReviewPostData
from bot.slack.blocks.common import VERDICT_EMOJI, clip, context, divider, esc, fields, header, section
from bot.slack.blocks.policy_feedback import flag_button
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from bot.slack.metadata import DecisionValue

KIND_LABEL = {"live": "Live decision", "practice": "Practice decision", "assessment": "Assessment answer"}
STATUS_EMOJI = {"upheld": ":heavy_check_mark:", "overturned": ":leftwards_arrow_with_hook:"}
SOURCE_TEXT_SHOWN = 600


def duration(seconds: float | None) -> str:
    """A short human duration: `45 s`, `12 min 5 s`, `3 h 20 min`, `2 d 4 h`."""
    if seconds is None:
        return "—"
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def slack_date(moment: datetime) -> str:
    """A timestamp Slack renders in each reader's own timezone (with a UTC fallback)."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def _verdict(verdict: str) -> str:
    return f"{VERDICT_EMOJI.get(verdict, '')} *{esc(verdict.capitalize())}*"


def _source_blocks(data: ReviewPostData) -> list[Block]:
    blocks: list[Block] = []
    if data.source_text:
        quoted = "\n".join(">" + line for line in esc(clip(data.source_text, SOURCE_TEXT_SHOWN)).splitlines())
        blocks.append(section(f"*What was raised*\n{quoted}"))
    if data.source_url:
        blocks.append(context(f"Source: {esc(data.source_url)}"))
    return blocks


def verdict_line(data: ReviewPostData) -> str:
    """`Upheld by @mo — should have been *deny*` plus the comment, for posts and replies."""
    who = f"<@{data.reviewer_slack_id}>" if data.reviewer_slack_id else "a reviewer"
    line = f"{STATUS_EMOJI.get(data.status, '')} *{data.status.capitalize()}* by {who}"
    if data.reviewed_at is not None:
        line += f", {slack_date(data.reviewed_at)}"  # the date may render as "today": no "on"
    if data.suggested_verdict:
        line += f" — should have been *{esc(data.suggested_verdict)}*"
    if data.weak_reasoning:
        line += " — *right call, weak reasoning*"
    if data.review_comment:
        line += "\n" + "\n".join(">" + x for x in esc(clip(data.review_comment, 2500)).splitlines())
    return line


def review_post_blocks(data: ReviewPostData) -> list[Block]:
    blocks: list[Block] = [
        header(f"{KIND_LABEL.get(data.kind, 'Decision')} #{data.decision_id}: {clip(data.title, 100)}"),
        fields(
            [
                ("Engineer", f"<@{data.engineer_slack_id}>"),
                ("Category", esc(data.category.replace("_", " "))),
                ("Decision", _verdict(data.verdict)),
                ("Time to decide", duration(data.seconds_to_decide)),
            ]
        ),
    ]
    flag = flag_button(source="decision", target_id=data.decision_id)  # beside the policy applied
    for name in ("policy", "evidence", "risk", "conditions", "escalation"):
        value = data.justification.get(name)
        if value:
            extra = {"accessory": flag} if name == "policy" else {}
            blocks.append(section(f"*{LABELS[name]}*\n{esc(clip(str(value), 2800))}", **extra))
    confidence = esc(data.justification.get("confidence", "?"))
    blocks.append(context(f"Confidence {confidence}/5 · decided {slack_date(data.decided_at)}"))
    blocks.extend(_source_blocks(data))
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
        blocks.append(section(verdict_line(data)))
    return blocks


def review_post_text(data: ReviewPostData) -> str:
    text = (
        f"{KIND_LABEL.get(data.kind, 'Decision')} #{data.decision_id} by {esc(data.engineer_name)}: "
        f"{esc(data.verdict)}"
    )
    if data.status in ("upheld", "overturned"):
        text += f" ({data.status})"
    return text


def verdict_reply_blocks(data: ReviewPostData) -> list[Block]:
    """The thread reply under the review post announcing the verdict."""
    return [section(verdict_line(data))]


def verdict_reply_text(data: ReviewPostData) -> str:
    return f"Decision #{data.decision_id} {data.status} by {esc(data.reviewer_name or 'a reviewer')}"


def feedback_blocks(data: ReviewPostData) -> list[Block]:
    """The engineer's DM: what their decision was, the verdict, and the reviewer's words."""
    kind = KIND_LABEL.get(data.kind, "Decision").lower()
    if data.status == "upheld":
        opening = f":tada: Your {kind} #{data.decision_id} was *upheld*."
    else:
        opening = (
            f":mag: Your {kind} #{data.decision_id} was *overturned*. "
            "Read why below and take it to your next sync; it's how the calls get sharper."
        )
    return [
        section(opening),
        fields(
            [
                ("Exception", esc(clip(data.title, 300))),
                ("You decided", _verdict(data.verdict)),
                ("Reviewer", f"<@{data.reviewer_slack_id}>" if data.reviewer_slack_id else "—"),
            ]
            # Only an overturn names what it should have been; an upheld call needs no "—".
            + ([("Should have been", _verdict(data.suggested_verdict))] if data.suggested_verdict else [])
        ),
        section(
            f"*Comment*\n{esc(clip(data.review_comment, 2800))}" if data.review_comment else "_No comment._"
        ),
        context("Questions? Reply in the decision's thread in the review channel."),
    ]


def feedback_text(data: ReviewPostData) -> str:
    return f"Your decision #{data.decision_id} was {data.status} by {esc(data.reviewer_name or 'a reviewer')}"


def mentor_notice_blocks(data: ReviewPostData) -> list[Block]:
    """For the assigned mentor when someone else reviewed their mentee's decision."""
    return [
        section(
            f"Your mentee <@{data.engineer_slack_id}>'s {KIND_LABEL.get(data.kind, 'decision').lower()} "
            f"#{data.decision_id} (*{esc(clip(data.title, 200))}*) was reviewed by someone else:\n"
            + verdict_line(data)
        ),
        context("You're told because you're their assigned mentor; nothing is needed from you."),
    ]


def mentor_notice_text(data: ReviewPostData) -> str:
    return (
        f"{esc(data.reviewer_name or 'Someone')} {data.status} {esc(data.engineer_name)}'s "
        f"decision #{data.decision_id}"
    )
