"""The post-switchover survey: open it from its DM and submit it (the weekly survey's form and checks)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.domain import post_survey as ps
from bot.flows.post_survey import post_survey_form, submit_post_answers
from bot.program import SurveyQuestion
from bot.slack.blocks.post_survey import TITLE
from bot.slack.ids import Action, Callback
from bot.slack.listeners.survey_form import ack_survey, button_week, save_survey
from bot.slack.middleware import ack_now, deps_of, replies_on_error
from bot.slack.util import user_id_of

STALE_BUTTON = "That button is no longer valid; use the survey DM of the switchover week."


@replies_on_error("opening the post-switchover survey")
def open_post_survey(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """The DM's button: the survey for the week it was sent for."""
    week = button_week(body=body, stale=STALE_BUTTON)
    deps = deps_of(context)
    view = post_survey_form(deps=deps, slack_user_id=user_id_of(body), week=week)
    deps.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())


def _questions(context: BoltContext) -> Sequence[SurveyQuestion]:
    return ps.questions(deps_of(context).program)


def check(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The form's ack: validated inline; a valid form turns into a thank-you and the inbox stores it."""
    ack_survey(
        ack=ack, view=view, context=context, questions=_questions(context), stale=STALE_BUTTON, title=TITLE
    )


@replies_on_error("post-switchover survey submission")
def save(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: store the answers (never logged: they are personal)."""
    save_survey(
        body=body, view=view, context=context, questions=_questions(context), submit=submit_post_answers
    )


def register(app: App, deps: Deps) -> None:
    app.action(Action.POST_SURVEY_OPEN)(ack=ack_now, lazy=[open_post_survey])
    app.view(Callback.POST_SURVEY)(ack=check, lazy=[save])
