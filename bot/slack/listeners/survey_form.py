"""What the weekly and the post-switchover survey listeners share: the DM button, the form's ack, the save.

The two surveys differ in their questions, their words and the flow that stores the answers;
each listener module passes those in (and keeps its own error label for the logs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from slack_bolt import Ack, BoltContext

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.surveys import SurveyAnswers
from bot.program import SurveyQuestion
from bot.slack.blocks.survey import survey_thanks_view
from bot.slack.forms import read_survey
from bot.slack.ids import Block as B
from bot.slack.ids import survey_block
from bot.slack.metadata import BadMetadata, SurveyValue
from bot.slack.middleware import ack_stored, deps_of, refuse
from bot.slack.util import user_id_of


class SubmitAnswers(Protocol):
    """The flow that stores one person's answers for a week."""

    def __call__(self, *, deps: Deps, slack_user_id: str, week: str, answers: SurveyAnswers) -> object: ...


def button_week(*, body: dict[str, Any], stale: str) -> str:
    """The week a survey DM's button was sent for; a DomainError saying ``stale`` when it can't be read."""
    try:
        return SurveyValue.load((body.get("actions") or [{}])[0].get("value")).week
    except BadMetadata:
        raise DomainError(stale) from None


def ack_survey(
    *,
    ack: Ack,
    view: dict[str, Any],
    context: BoltContext,
    questions: Sequence[SurveyQuestion],
    stale: str,
    title: str,
) -> None:
    """A survey form's ack: validated inline; a valid form turns into a thank-you and the inbox stores it."""
    parsed, errors = read_survey(view, questions)
    if parsed is None:
        ack(response_action="errors", errors=errors)
        return
    try:
        week = SurveyValue.load(view.get("private_metadata")).week
    except BadMetadata:
        refuse(context)
        ack(response_action="errors", errors={B.SURVEY_COMMENT: stale})
        return
    # A failure to store is shown on the first question: the form's only block that is always there
    # besides the comment (the questions come from the program file).
    first = survey_block(questions[0].id)
    # Answers can't be replaced (issue 13), so an accepted form is always "saved".
    thanks = survey_thanks_view(week=week, replaced=False, title=title).to_dict()
    ack_stored(ack, context, block_id=first, update=thanks)


def save_survey(
    *,
    body: dict[str, Any],
    view: dict[str, Any],
    context: BoltContext,
    questions: Sequence[SurveyQuestion],
    submit: SubmitAnswers,
) -> None:
    """After the ack, from the inbox: store the answers (never logged: they are personal)."""
    parsed, _ = read_survey(view, questions)
    if parsed is None:
        return  # refused by the ack, so never stored
    week = SurveyValue.load(view.get("private_metadata")).week
    submit(deps=deps_of(context), slack_user_id=user_id_of(body), week=week, answers=parsed)
