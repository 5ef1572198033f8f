"""The post-switchover survey's DM (its form is the weekly survey's, under another callback)."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, PlainTextObject

from bot.slack.blocks.common import context, header, section
from bot.slack.ids import Action
from bot.slack.metadata import SurveyValue

TITLE = "Post-switchover survey"


def post_survey_dm_blocks(*, week: str, questions: int, minimum: int) -> list[Block]:
    button = ButtonElement(
        action_id=Action.POST_SURVEY_OPEN,
        text=PlainTextObject(text="Answer the survey"),
        style="primary",
        value=SurveyValue(week=week).dump(),
    )
    return [
        header(f"{TITLE} — {week}"),
        section(
            f"The switchover week is done. {questions} statements about the new model, each answered 1–5, "
            "plus an optional comment: engineers, mentors and leads are all asked. About two minutes."
        ),
        ActionsBlock(elements=[button]),
        context(
            f"Who sees what: only averages, once at least {minimum} people have answered (by group "
            f"once each group has {minimum}); nobody in Slack sees your own answers. The form says the rest."
        ),
    ]
