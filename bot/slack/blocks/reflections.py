"""Reflections: the prompt DM, the form, its thank-you, the mentor's copy, and App Home (pure builders)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.domain.reflections import ReflectionDayReport
from bot.program_voices import ReflectionQuestion
from bot.slack.blocks.common import clip, context, esc, header, section
from bot.slack.ids import Action, Callback, reflection_block
from bot.slack.ids import Block as B
from bot.slack.metadata import ReflectionValue

SHARE = "share"
WHO_SEES = (
    "Who sees it: you and your mentor. The PM sees only that you have written it, not what you wrote, "
    'unless you tick "Share with the PM".'
)


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _button(day: date, text: str, *, action: str = Action.REFLECTION_OPEN) -> ButtonElement:
    return ButtonElement(
        action_id=action,
        text=PlainTextObject(text=text),
        style="primary",
        value=ReflectionValue(day=day).dump(),
    )


def reflection_dm_blocks(*, day: date, questions: int, until: date) -> list[Block]:
    return [
        header(f"Your reflection — {_day(day)}"),
        section(
            f"{questions} short questions about what you learned this week. It takes about five minutes; "
            f"you can change it until the end of {_day(until)}."
        ),
        ActionsBlock(elements=[_button(day, "Write my reflection")]),
        context(WHO_SEES),
    ]


def reflection_modal(
    *, day: date, questions: Sequence[ReflectionQuestion], initial: dict[str, str] | None, shared: bool
) -> View:
    """One text box per question (pre-filled when changing it) and the "share with the PM" tick."""
    initial = initial or {}
    blocks: list[Block] = [context(WHO_SEES)]
    for q in questions:
        blocks.append(
            InputBlock(
                block_id=reflection_block(q.id),
                label=PlainTextObject(text=clip(q.text, 150)),
                optional=q.optional,
                element=PlainTextInputElement(
                    action_id=reflection_block(q.id),
                    multiline=True,
                    max_length=q.max_length,
                    initial_value=initial.get(q.id) or None,
                ),
            )
        )
    share = Option(value=SHARE, label="Share with the PM")
    blocks.append(
        InputBlock(
            block_id=B.REFLECTION_SHARE,
            label=PlainTextObject(text="Sharing"),
            optional=True,
            element=CheckboxesElement(
                action_id=B.REFLECTION_SHARE, options=[share], initial_options=[share] if shared else None
            ),
            hint=PlainTextObject(text="Leave it unticked and only your mentor reads what you wrote."),
        )
    )
    return View(
        type="modal",
        callback_id=Callback.REFLECTION,
        title=PlainTextObject(text="Your reflection"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=ReflectionValue(day=day).dump(),
        blocks=blocks,
    )


def reflection_thanks_view(*, day: date, shared: bool) -> View:
    pm = "the PM sees it too, as you chose" if shared else "the PM sees only that you wrote it"
    return View(
        type="modal",
        title=PlainTextObject(text="Your reflection"),
        close=PlainTextObject(text="Done"),
        blocks=[
            section(
                f":raised_hands: Thank you. Your reflection for {_day(day)} is saved. "
                f"Your mentor gets a copy; {pm}. You can change it from App Home until that Sunday."
            )
        ],
    )


def mentor_copy_blocks(
    *,
    engineer: str,
    day: date,
    questions: Sequence[ReflectionQuestion],
    answers: dict[str, str],
    revision: int,
) -> list[Block]:
    """The mentor's DM: their mentee's reflection, in full (each answer clipped to a section)."""
    again = " (changed)" if revision > 1 else ""
    blocks: list[Block] = [section(f":memo: *{esc(engineer)}'s reflection for {_day(day)}*{again}")]
    for q in questions:
        if answers.get(q.id):
            blocks.append(section(f"*{esc(q.text)}*\n{esc(clip(answers[q.id], 2800))}"))
    blocks.append(context("Only you (their mentor) receive this; the PM sees that it was written."))
    return blocks


def engineer_home_blocks(*, day: date, written: bool) -> list[Block]:
    if written:
        return [
            section(f"*Reflection {_day(day)}*: :white_check_mark: written (you can still change it)"),
            ActionsBlock(elements=[_button(day, "Change my reflection")]),
        ]
    return [
        section(f"*Reflection {_day(day)}*: not written yet"),
        ActionsBlock(elements=[_button(day, "Write my reflection")]),
    ]


def pm_home_blocks(*, reports: Sequence[ReflectionDayReport], today: date) -> list[Block]:
    """PM Home: per reflection day so far, who has written (names, counts); texts only where shared."""
    shown = [r for r in reports if r.day <= today]
    if not shown:
        return []
    blocks: list[Block] = []
    for r in shown[-2:]:
        names = ", ".join(esc(n) for n in r.submitted) or "nobody yet"
        line = f"*Reflections {_day(r.day)}*: {len(r.submitted)} of {r.asked} written — {names}"
        if r.missing:
            line += f"\nNot yet: {', '.join(esc(n) for n in r.missing)}"
        blocks.append(section(line))
        for shared in r.shared[:5]:
            text = " / ".join(esc(clip(v, 400)) for v in shared.answers.values())
            blocks.append(section(f"_{esc(shared.name)} shared theirs with you:_ {clip(text, 2500)}"))
    blocks.append(context("You see what an engineer wrote only when they chose to share it with you."))
    return blocks


def mentor_home_blocks(*, day: date, mentees: Sequence[tuple[str, dict[str, str] | None]]) -> list[Block]:
    """Mentor's Home: each mentee's reflection for ``day``: written (the start of it) or not yet."""
    if not mentees:
        return []
    lines = []
    for name, answers in mentees[:20]:
        if answers is None:
            lines.append(f"• {esc(name)}: not written yet")
        else:
            start = clip(" / ".join(answers.values()), 200)
            lines.append(f"• {esc(name)}: :white_check_mark: _{esc(start)}_")
    return [section(f"*Your mentees' reflections {_day(day)}* (in full in your DMs)\n" + "\n".join(lines))]
