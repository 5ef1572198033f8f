"""Wrap-up lessons: the thread's two buttons, the form, its thank-you, and the PM's summary (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot.domain.lessons import KIND_LABELS, MAX_LESSON, WAS_HARD, WENT_WELL, LessonKind, LessonWeek
from bot.slack.blocks.common import clip, context, esc, section
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.metadata import LessonValue

PROMPTS = {
    WENT_WELL: "What went well this week? One concrete thing helps most.",
    WAS_HARD: "What was hard this week? What got in the way, or what would you change?",
}


def wrapup_thread_blocks(*, week: str, minimum: int) -> list[Block]:
    buttons = [
        ButtonElement(
            action_id=Action.LESSON_WENT_WELL,
            text=PlainTextObject(text=KIND_LABELS[WENT_WELL]),
            value=LessonValue(week=week, kind=WENT_WELL).dump(),
        ),
        ButtonElement(
            action_id=Action.LESSON_WAS_HARD,
            text=PlainTextObject(text=KIND_LABELS[WAS_HARD]),
            value=LessonValue(week=week, kind=WAS_HARD).dump(),
        ),
    ]
    return [
        section(f"*Lessons for {esc(week)}*: share one thing that went well and one that was hard."),
        ActionsBlock(elements=buttons),
        context(
            "Put your name on it or share it anonymously. Anonymous lessons are kept with no link to you "
            f"and appear in the summary only once at least {minimum} people have shared one of that kind."
        ),
    ]


def lesson_modal(*, week: str, kind: str) -> View:
    me = Option(value="me", label="Attribute to me")
    anonymous = Option(value="anonymous", label="Anonymous")
    return View(
        type="modal",
        callback_id=Callback.LESSON,
        title=PlainTextObject(text=KIND_LABELS[kind]),
        submit=PlainTextObject(text="Share"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=LessonValue(week=week, kind=kind).dump(),
        blocks=[
            InputBlock(
                block_id=B.LESSON_TEXT,
                label=PlainTextObject(text=PROMPTS[kind]),
                element=PlainTextInputElement(action_id=B.LESSON_TEXT, multiline=True, max_length=MAX_LESSON),
            ),
            InputBlock(
                block_id=B.LESSON_ATTRIBUTION,
                label=PlainTextObject(text="Who it is from"),
                element=RadioButtonsElement(action_id=B.LESSON_ATTRIBUTION, options=[me, anonymous]),
                hint=PlainTextObject(
                    text="Anonymous: stored with no link to you, so it can't be traced or changed."
                ),
            ),
        ],
    )


def lesson_thanks_view(*, week: str, kind: str, attributed: bool) -> View:
    how = "with your name" if attributed else "anonymously"
    return View(
        type="modal",
        title=PlainTextObject(text="Thank you"),
        close=PlainTextObject(text="Done"),
        blocks=[section(f":raised_hands: Saved {how}: {KIND_LABELS[kind].lower()} in {esc(week)}.")],
    )


def _kind_lines(kind: LessonKind) -> str:
    lines = [
        f"• {esc(clip(i.text, 300))}" + (f" — _{esc(i.author)}_" if i.author else " — _anonymous_")
        for i in kind.shown[:10]
    ]
    if len(kind.shown) > 10:
        lines.append(f"…and {len(kind.shown) - 10} more in the report")
    if kind.hidden:
        lines.append(f"_{kind.hidden} anonymous: {kind.note}_")
    return "\n".join(lines) or "_none yet_"


def lessons_home_blocks(*, weeks: Sequence[LessonWeek]) -> list[Block]:
    """PM Home: the newest week's lessons (anonymous ones only once enough people shared them)."""
    if not weeks:
        return []
    w = weeks[-1]
    return [
        section(
            f"*Lessons {esc(w.week)}* ({w.people} {'person' if w.people == 1 else 'people'})"
            f"\n*{KIND_LABELS[WENT_WELL]}*\n{_kind_lines(w.went_well)}"
            f"\n*{KIND_LABELS[WAS_HARD]}*\n{_kind_lines(w.was_hard)}"
        )
    ]
