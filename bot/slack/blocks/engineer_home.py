"""App Home sections: an engineer's practice progress and readiness; a mentor's sign-off list."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ConfirmObject, PlainTextObject

from bot.domain.assessment import Readiness
from bot.domain.progress import EngineerProgress, MenteeReadiness
from bot.slack.blocks.common import clip, context, divider, esc, fields, header, section
from bot.slack.ids import Action
from bot.slack.metadata import AssessmentValue, NextValue

# Slack's own confirm dialog on *Take the assessment*: it is long, and every start is an attempt.
ASSESS_DIALOG = ConfirmObject(
    title=PlainTextObject(text="Start the assessment?"),
    text=PlainTextObject(
        text="Every category, one scenario at a time in your DMs, no feedback until the end. "
        "Starting counts as an attempt."
    ),
    confirm=PlainTextObject(text="Start"),
    deny=PlainTextObject(text="Not now"),
)

OUTCOME_EMOJI = {"correct": ":white_check_mark:", "acceptable": ":ballot_box_with_check:", "differs": ":x:"}
REVIEW_LABEL = {
    "pending": "awaiting review",
    "upheld": "upheld",
    "overturned": "overturned",
    "not_required": "no review",
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _answered(count: int) -> str:
    return f"{count} scenario{'' if count == 1 else 's'} answered"


def readiness_line(r: Readiness) -> str:
    latest = r.latest
    score = _pct(latest.score) if latest is not None else ""
    if r.state == "ready":
        return f":large_green_circle: *Ready* — passed with {score}, signed off by {esc(r.signed_off_by)}."
    if r.state == "awaiting_sign_off":
        return f":large_yellow_circle: *Passed* with {score}; waiting for a mentor's sign-off."
    if r.state == "failed":
        return f":red_circle: *Not passed* ({score}); practice, then a retake."
    if r.state == "in_progress" and r.current is not None:
        before = f" (last attempt {score})" if latest is not None else ""
        done = f"{r.current_answered} of {r.current.size} answered"
        return f":hourglass_flowing_sand: *In progress*: {done}{before}."
    return ":white_circle: *Not taken yet.* Take it when your practice accuracy is steady."


def _reasoning_line(progress: EngineerProgress) -> str:
    """Sound practice calls: the right call with half its key points named in sentences."""
    r = progress.reasoning
    return (
        f"*Reasoning:* {r.sound} of {r.graded} practice calls sound ({_pct(r.score)}). "
        "A call is sound when it is right and names at least half of the key points in full sentences."
    )


def engineer_home_blocks(progress: EngineerProgress) -> list[Block]:
    overall = _pct(progress.good / progress.answered if progress.answered else None)
    blocks: list[Block] = [
        divider(),
        header("Your practice"),
        section(f"{_answered(progress.answered)} · {overall} correct or acceptable"),
        section(_reasoning_line(progress)),
        fields([(c.name, f"{c.answered} answered · {_pct(c.accuracy)}") for c in progress.categories]),
        section(f"*Readiness assessment*\n{readiness_line(progress.readiness)}"),
    ]
    if progress.recent:
        lines = []
        for d in progress.recent:
            mark = OUTCOME_EMOJI.get(d.outcome or "", ":memo:")
            review = REVIEW_LABEL.get(d.review_status, d.review_status)
            lines.append(
                f"{mark} *{d.verdict.capitalize()}* — {esc(clip(d.title, 80))} _({d.kind}, {review})_"
            )
        blocks.append(section("*Your last decisions*\n" + "\n".join(lines)))
    buttons = [
        ButtonElement(
            action_id=Action.HOME_PRACTICE,
            text=PlainTextObject(text="Practise a scenario"),
            style="primary",
            value=NextValue(after=progress.last_assignment_id).dump(),
        )
    ]
    if progress.readiness.state != "in_progress" and progress.readiness.state != "ready":
        buttons.append(
            ButtonElement(
                action_id=Action.HOME_ASSESS,
                text=PlainTextObject(text="Take the assessment"),
                confirm=ASSESS_DIALOG,
            )
        )
    blocks.append(ActionsBlock(elements=buttons))
    return blocks


def sign_off_home_blocks(queue: Sequence[MenteeReadiness]) -> list[Block]:
    """One line per mentee, with Sign off where a passed assessment waits for it."""
    if not queue:
        return []
    blocks: list[Block] = [divider(), header("Readiness of your mentees")]
    for item in queue[:20]:
        line = f"*{esc(item.name)}* — {readiness_line(item.readiness)}"
        latest = item.readiness.latest
        if item.readiness.state == "awaiting_sign_off" and latest is not None:
            blocks.append(
                section(
                    line,
                    accessory=ButtonElement(
                        action_id=Action.SIGN_OFF,
                        text=PlainTextObject(text="Sign off"),
                        style="primary",
                        value=AssessmentValue(assessment_id=latest.id).dump(),
                    ),
                )
            )
        else:
            blocks.append(section(line))
    if len(queue) > 20:
        blocks.append(context(f"And {len(queue) - 20} more."))
    return blocks
