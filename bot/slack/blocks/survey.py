"""The Friday survey: the DM, the reminder, the modal and its thank-you (pure builders)."""

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
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.surveys import MAX_COMMENT
from bot.program import SurveyQuestion
from bot.slack.blocks.common import clip, context, esc, header, section
from bot.slack.ids import Action, Callback, survey_block
from bot.slack.ids import Block as B
from bot.slack.metadata import SurveyValue

TITLE = "Weekly survey"
SCALE = {
    1: "1 — strongly disagree",
    2: "2 — disagree",
    3: "3 — neither",
    4: "4 — agree",
    5: "5 — strongly agree",
}
PRIVACY = (
    "Who sees what: the PM, mentors and leads see only averages, first once at least {minimum} people "
    "have answered and then in further groups of {minimum}; comments appear with those averages, without "
    "names. Nobody in Slack sees your own answers; Casebook keeps that you answered only to stop "
    "reminders and to count responses, and once your answers are published they can't be changed."
)


def _open_button(week: str, *, text: str = "Answer the survey") -> ActionsBlock:
    return ActionsBlock(
        elements=[
            ButtonElement(
                action_id=Action.SURVEY_OPEN,
                text=PlainTextObject(text=text),
                style="primary",
                value=SurveyValue(week=week).dump(),
            )
        ]
    )


def survey_dm_blocks(*, week: str, questions: int, minimum: int) -> list[Block]:
    return [
        header(f"Weekly survey — {week}"),
        section(
            f"{questions} quick questions about this week, each answered 1–5, plus an optional comment. "
            "It takes about a minute."
        ),
        _open_button(week),
        context(PRIVACY.format(minimum=minimum)),
    ]


def survey_reminder_blocks(*, week: str, minimum: int) -> list[Block]:
    return [
        section(
            f":memo: A reminder: this week's survey ({week}) is still waiting for your answers. "
            "It closes at the end of today."
        ),
        _open_button(week),
        context(PRIVACY.format(minimum=minimum)),
    ]


def survey_home_blocks(*, week: str, answered: bool) -> list[Block]:
    """App Home: this week's survey status, with a button to answer it while it is not answered."""
    if answered:
        return [section(f"*Weekly survey {week}*: :white_check_mark: answered, thank you")]
    button = ButtonElement(
        action_id=Action.HOME_SURVEY,
        text=PlainTextObject(text="Answer the survey"),
        value=SurveyValue(week=week).dump(),
    )
    return [section(f"*Weekly survey {week}*: not answered yet"), ActionsBlock(elements=[button])]


def survey_modal(
    *,
    week: str,
    questions: Sequence[SurveyQuestion],
    minimum: int,
    initial: dict[str, int] | None = None,
    comment: str | None = None,
    callback_id: str = Callback.SURVEY,
    title: str = TITLE,
) -> View:
    """One 1–5 select per question and an optional comment, pre-filled when changing an answer.

    ``callback_id`` and ``title``: the post-switchover survey uses the same form.
    """
    initial = initial or {}
    options = [Option(value=str(k), label=v) for k, v in SCALE.items()]
    blocks: list[Block] = [context(PRIVACY.format(minimum=minimum))]
    for question in questions:
        chosen = next((o for o in options if o.value == str(initial.get(question.id, ""))), None)
        blocks.append(
            InputBlock(
                block_id=survey_block(question.id),
                label=PlainTextObject(text=clip(question.text, 150)),
                element=StaticSelectElement(
                    action_id=survey_block(question.id),
                    options=options,
                    initial_option=chosen,
                    placeholder=PlainTextObject(text="1 (disagree) to 5 (agree)"),
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=B.SURVEY_COMMENT,
            label=PlainTextObject(text="Anything else?"),  # Slack adds "(optional)"
            optional=True,
            element=PlainTextInputElement(
                action_id=B.SURVEY_COMMENT,
                multiline=True,
                max_length=MAX_COMMENT,
                initial_value=comment or None,
            ),
        )
    )
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text="Submit"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=SurveyValue(week=week).dump(),
        blocks=blocks,
    )


def survey_thanks_view(*, week: str, replaced: bool, title: str = TITLE) -> View:
    what = "updated" if replaced else "saved"
    return View(
        type="modal",
        title=PlainTextObject(text=title),
        close=PlainTextObject(text="Done"),
        blocks=[
            section(f":raised_hands: Thanks! Your answers for {esc(week)} are {what}."),
            context("Your answers are stored apart from your name, so they can't be traced or changed."),
        ],
    )
