"""The post-switchover survey: open it from its DM and submit it (the weekly survey's form and checks)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.domain import post_survey as ps
from bot.domain.errors import DomainError
from bot.domain.surveys import SurveyAnswers
from bot.flows.post_survey import post_survey_form, submit_post_answers
from bot.slack.blocks.post_survey import TITLE
from bot.slack.blocks.survey import survey_thanks_view
from bot.slack.forms import read_survey
from bot.slack.ids import Action, Callback, survey_block
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, SurveyValue
from bot.slack.middleware import ack_now, ack_stored, deps_of, refuse, replies_on_error
from bot.slack.util import user_id_of

STALE_BUTTON = "That button is no longer valid; use the survey DM of the switchover week."


@replies_on_error("opening the post-switchover survey")
def open_post_survey(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """The DM's button: the survey for the week it was sent for."""
    try:
        week = SurveyValue.load((body.get("actions") or [{}])[0].get("value")).week
    except BadMetadata:
        raise DomainError(STALE_BUTTON) from None
    deps = deps_of(context)
    view = post_survey_form(deps=deps, slack_user_id=user_id_of(body), week=week)
    deps.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())


def _parsed(view: dict[str, Any], context: BoltContext) -> tuple[SurveyAnswers | None, dict[str, str]]:
    """The form's answers, or the problems keyed by block (the questions are the program's)."""
    return read_survey(view, ps.questions(deps_of(context).program))


def check(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The form's ack: validated inline; a valid form turns into a thank-you and the inbox stores it."""
    parsed, errors = _parsed(view, context)
    if parsed is None:
        ack(response_action="errors", errors=errors)
        return
    try:
        week = SurveyValue.load(view.get("private_metadata")).week
    except BadMetadata:
        refuse(context)
        ack(response_action="errors", errors={B.SURVEY_COMMENT: STALE_BUTTON})
        return
    first = survey_block(ps.questions(deps_of(context).program)[0].id)
    thanks = survey_thanks_view(week=week, replaced=False, title=TITLE).to_dict()
    ack_stored(ack, context, block_id=first, update=thanks)


@replies_on_error("post-switchover survey submission")
def save(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: store the answers (never logged: they are personal)."""
    parsed, _ = _parsed(view, context)
    if parsed is None:
        return  # refused by the ack, so never stored
    week = SurveyValue.load(view.get("private_metadata")).week
    submit_post_answers(deps=deps_of(context), slack_user_id=user_id_of(body), week=week, answers=parsed)


def register(app: App, deps: Deps) -> None:
    app.action(Action.POST_SURVEY_OPEN)(ack=ack_now, lazy=[open_post_survey])
    app.view(Callback.POST_SURVEY)(ack=check, lazy=[save])
