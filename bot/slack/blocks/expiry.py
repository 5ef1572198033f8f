"""The exception expiry question (DM and form), the mentor's delayed-rework notice and Home list."""

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

from bot.domain.exception_register import OUTCOME_LABELS, EntryView
from bot.slack.blocks.common import clip, context, esc, header, section
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.metadata import ExpiryValue

DELAYED_REWORK = (
    "Delayed rework: the exception's conditions weren't met, or it wasn't rolled back when it "
    "should have been. It counts like an overturn found late."
)
HOME_SHOWN = 5


def _expiry(entry: EntryView) -> str:
    if entry.expires_on is None:
        return "no expiry given"
    said = f" (“{esc(entry.expiry_text)}”)" if entry.expiry_text else ""
    return f"{entry.expires_on:%a %d %b %Y}{said}"


def question_blocks(entry: EntryView) -> list[Block]:
    """The engineer's DM at expiry: what was approved, its conditions, and *Answer*."""
    value = ExpiryValue(entry_id=entry.id).dump()
    return [
        section(
            f":hourglass: Your approved exception *#{entry.decision_id} {esc(clip(entry.title, 200))}* "
            f"expired: {_expiry(entry)}."
        ),
        section(f"*Conditions, rollback and expiry*\n{esc(clip(entry.conditions, 2500))}"),
        section("*Were the conditions met?* And was it *rolled back, made permanent, or extended*?"),
        ActionsBlock(
            block_id=B.EXPIRY_ACTIONS,
            elements=[
                ButtonElement(
                    action_id=Action.EXPIRY_ANSWER,
                    text=PlainTextObject(text="Answer"),
                    style="primary",
                    value=value,
                )
            ],
        ),
        context("Two clicks. Your mentor hears about it only if it needed fixing."),
    ]


def question_text(entry: EntryView) -> str:
    return f"Your approved exception #{entry.decision_id} expired: were the conditions met?"


def answer_modal(entry: EntryView) -> View:
    """Conditions met? and what happened to it, plus an optional note."""
    met = [Option(value="yes", label="Yes"), Option(value="no", label="No")]
    outcomes = [Option(value=k, label=v) for k, v in OUTCOME_LABELS.items()]
    return View(
        type="modal",
        callback_id=Callback.EXPIRY,
        title=PlainTextObject(text="Exception expired"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=ExpiryValue(entry_id=entry.id).dump(),
        blocks=[
            section(
                f"*#{entry.decision_id} {esc(clip(entry.title, 200))}*\n{esc(clip(entry.conditions, 1500))}"
            ),
            InputBlock(
                block_id=B.EXPIRY_MET,
                label=PlainTextObject(text="Were the conditions met?"),
                element=RadioButtonsElement(action_id=B.EXPIRY_MET, options=met),
            ),
            InputBlock(
                block_id=B.EXPIRY_OUTCOME,
                label=PlainTextObject(text="What happened to it?"),
                element=RadioButtonsElement(action_id=B.EXPIRY_OUTCOME, options=outcomes),
            ),
            InputBlock(
                block_id=B.EXPIRY_NOTE,
                optional=True,
                label=PlainTextObject(text="Anything to add?"),
                element=PlainTextInputElement(action_id=B.EXPIRY_NOTE, multiline=True, max_length=2000),
            ),
        ],
    )


def _answer_line(entry: EntryView, end: str = "") -> str:
    met = {True: "met", False: "*not met*", None: "—"}[entry.conditions_met]
    outcome = OUTCOME_LABELS.get(entry.outcome or "", "—")
    line = f"conditions {met} · {esc(outcome.lower())}{end}"
    if entry.note:
        line += f"\n>{esc(clip(entry.note, 500))}"
    return line


def answered_blocks(entry: EntryView) -> list[Block]:
    """The engineer's receipt after answering."""
    tail = f"\n{DELAYED_REWORK}" if entry.delayed_rework else ""
    # The full stop goes before the quoted note, or a note ending in "." reads "..".
    answer = _answer_line(entry, ".")
    return [section(f":white_check_mark: Recorded for #{entry.decision_id}: {answer}{tail}")]


def mentor_notice_blocks(entry: EntryView) -> list[Block]:
    """The mentor's DM when a mentee's exception came back as delayed rework."""
    return [
        section(
            f":warning: *Delayed rework* — <@{entry.engineer_slack_id}>'s approved exception "
            f"*#{entry.decision_id} {esc(clip(entry.title, 200))}* expired "
            f"({_expiry(entry)}): {_answer_line(entry)}."
        ),
        section(f"*Conditions they set*\n{esc(clip(entry.conditions, 1500))}"),
        context(DELAYED_REWORK + " Worth a word at your next sync."),
    ]


def mentor_notice_text(entry: EntryView) -> str:
    return f"Delayed rework: {entry.engineer_name}'s exception #{entry.decision_id} needed fixing at expiry"


def mentor_home_blocks(items: Sequence[EntryView]) -> list[Block]:
    """Mentor Home: mentees' exceptions that came back as delayed rework (nothing when none)."""
    if not items:
        return []
    lines = [
        f"• <@{e.engineer_slack_id}> *#{e.decision_id} {esc(clip(e.title, 100))}* — {_answer_line(e)}"
        for e in items[:HOME_SHOWN]
    ]
    return [
        header(f"Delayed rework ({len(items)})"),
        section("\n".join(lines)),
        context(DELAYED_REWORK),
    ]
