"""The weekly survey: open it (DM button, App Home, `/casebook survey`) and submit it."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.surveys import COMMENT_FIELD, validate_survey
from bot.domain.vocab import ENGINEERS
from bot.flows.survey import submit_answers, survey_form, survey_home_section
from bot.slack.forms import read_values, saved_or_shown
from bot.slack.ids import Action, Callback, survey_block
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, SurveyValue
from bot.slack.middleware import deps_of, replies_on_error
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import user_id_of

STALE_BUTTON = "That button is no longer valid; use `/casebook survey`."
HOME_ORDER = 60


def _open(deps: Deps, body: dict[str, Any], week: str | None) -> None:
    view = survey_form(deps=deps, slack_user_id=user_id_of(body), week=week)
    deps.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())


@replies_on_error("opening the survey")
def survey_open(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """The DM's button: the survey for the week it was sent for."""
    ack()
    try:
        week = SurveyValue.load((body.get("actions") or [{}])[0].get("value")).week
    except BadMetadata:
        raise DomainError(STALE_BUTTON) from None
    _open(deps_of(context), body, week)


@replies_on_error("opening the survey")
def home_survey(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """App Home's button: this week's survey where the person is."""
    ack()
    _open(deps_of(context), body, None)


def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """The survey form: validated, then stored before the ack; the modal turns into a thank-you."""
    deps = deps_of(context)
    questions = deps.program.survey.questions
    values = read_values(view)
    answers = {q.id: values.get(survey_block(q.id)) for q in questions}
    parsed, errors = validate_survey(
        questions=questions, values=answers, comment=values.get(B.SURVEY_COMMENT)
    )
    if parsed is None:
        fields = {k: B.SURVEY_COMMENT if k == COMMENT_FIELD else survey_block(k) for k in errors}
        ack(response_action="errors", errors={fields[k]: v for k, v in errors.items()})
        return
    thanks = saved_or_shown(
        ack,
        lambda: submit_answers(
            deps=deps,
            slack_user_id=user_id_of(body),
            week=SurveyValue.load(view.get("private_metadata")).week,
            answers=parsed,
        ),
        block=survey_block(questions[0].id),
        what="survey submission",
    )
    if thanks is not None:
        ack(response_action="update", view=thanks.to_dict())


def survey_command(deps: Deps, ctx: CommandContext) -> None:
    """`/casebook survey`: this week's survey."""
    view = survey_form(deps=deps, slack_user_id=ctx.person.slack_user_id, week=None)
    deps.client.views_open(trigger_id=ctx.trigger_id, view=view.to_dict())


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "survey",
            "survey",
            "answer this week's survey",
            handler=functools.partial(survey_command, deps),
            roles=ENGINEERS,
        )
    )
    deps.add_home_section(HOME_ORDER, functools.partial(survey_home_section, deps))
    app.action(Action.SURVEY_OPEN)(survey_open)
    app.action(Action.HOME_SURVEY)(home_survey)
    app.view(Callback.SURVEY)(submit)
