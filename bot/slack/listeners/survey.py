"""The weekly survey: open it (DM button, App Home, `/casebook survey`) and submit it."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.surveys import SurveyAnswers
from bot.domain.vocab import ENGINEERS
from bot.flows.survey import submit_answers, survey_form, survey_home_section
from bot.slack.blocks.survey import survey_thanks_view
from bot.slack.forms import read_survey
from bot.slack.ids import Action, Callback, survey_block
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, SurveyValue
from bot.slack.middleware import ack_now, ack_stored, deps_of, refuse, replies_on_error
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import user_id_of

STALE_BUTTON = "That button is no longer valid; use `/casebook survey`."
HOME_ORDER = 60


def _open(deps: Deps, body: dict[str, Any], week: str | None) -> None:
    view = survey_form(deps=deps, slack_user_id=user_id_of(body), week=week)
    deps.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())


@replies_on_error("opening the survey")
def survey_open(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """The DM's button: the survey for the week it was sent for."""
    try:
        week = SurveyValue.load((body.get("actions") or [{}])[0].get("value")).week
    except BadMetadata:
        raise DomainError(STALE_BUTTON) from None
    _open(deps_of(context), body, week)


@replies_on_error("opening the survey")
def home_survey(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """App Home's button: this week's survey where the person is."""
    _open(deps_of(context), body, None)


def _parsed(view: dict[str, Any], context: BoltContext) -> tuple[SurveyAnswers | None, dict[str, str]]:
    """The form's answers, or the problems keyed by block (the questions are the program's)."""
    return read_survey(view, deps_of(context).program.survey.questions)


def submit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The survey form's ack: validated inline; the modal turns into a thank-you and the inbox stores it."""
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
    # A failure to store is shown on the first question: the form's only block that is always there
    # besides the comment (the questions come from the program file).
    first = survey_block(deps_of(context).program.survey.questions[0].id)
    # Answers can't be replaced (issue 13), so an accepted form is always "saved".
    thanks = survey_thanks_view(week=week, replaced=False).to_dict()
    ack_stored(ack, context, block_id=first, update=thanks)


@replies_on_error("survey submission")
def save(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: store the answers (never logged: they are personal)."""
    parsed, _ = _parsed(view, context)
    if parsed is None:
        return  # refused by the ack, so never stored
    week = SurveyValue.load(view.get("private_metadata")).week
    submit_answers(deps=deps_of(context), slack_user_id=user_id_of(body), week=week, answers=parsed)


def survey_command(ctx: CommandContext) -> None:
    """`/casebook survey`: this week's survey."""
    deps = ctx.deps
    view = survey_form(deps=deps, slack_user_id=ctx.person.slack_user_id, week=None)
    deps.client.views_open(trigger_id=ctx.trigger_id, view=view.to_dict())


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "survey",
            "survey",
            "answer this week's survey",
            handler=survey_command,
            roles=ENGINEERS,
        )
    )
    deps.add_home_section(HOME_ORDER, functools.partial(survey_home_section, deps))
    app.action(Action.SURVEY_OPEN)(ack=ack_now, lazy=[survey_open])
    app.action(Action.HOME_SURVEY)(ack=ack_now, lazy=[home_survey])
    app.view(Callback.SURVEY)(ack=submit, lazy=[save])
