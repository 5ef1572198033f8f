"""The weekly survey: open it (DM button, App Home, `/casebook survey`) and submit it."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.vocab import ENGINEERS
from bot.flows.survey import submit_answers, survey_form, survey_home_section
from bot.program import SurveyQuestion
from bot.slack.blocks.survey import TITLE
from bot.slack.ids import Action, Callback
from bot.slack.listeners.survey_form import ack_survey, button_week, save_survey
from bot.slack.middleware import ack_now, deps_of, replies_on_error
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
    _open(deps_of(context), body, button_week(body=body, stale=STALE_BUTTON))


@replies_on_error("opening the survey")
def home_survey(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """App Home's button: this week's survey where the person is."""
    _open(deps_of(context), body, None)


def _questions(context: BoltContext) -> Sequence[SurveyQuestion]:
    return deps_of(context).program.survey.questions


def submit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The survey form's ack: validated inline; the modal turns into a thank-you and the inbox stores it."""
    ack_survey(
        ack=ack, view=view, context=context, questions=_questions(context), stale=STALE_BUTTON, title=TITLE
    )


@replies_on_error("survey submission")
def save(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: store the answers (never logged: they are personal)."""
    save_survey(body=body, view=view, context=context, questions=_questions(context), submit=submit_answers)


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
