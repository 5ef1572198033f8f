"""Wrap-up lessons: the thread's two buttons open the form; the form stores one lesson."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.lessons import validate_lesson
from bot.flows.lessons import lesson_form, lessons_home_section, submit_lesson_answer
from bot.slack.blocks.lessons import lesson_thanks_view
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, LessonValue
from bot.slack.middleware import ack_now, ack_stored, deps_of, refuse, replies_on_error
from bot.slack.util import user_id_of

STALE_BUTTON = "That button is no longer valid; use the newest wrap-up thread."
FIELDS = {"text": B.LESSON_TEXT, "attribution": B.LESSON_ATTRIBUTION}
HOME_ORDER = 64


@replies_on_error("opening the lesson form")
def open_lesson(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """What went well / What was hard: the form for the week and kind the button names."""
    try:
        value = LessonValue.load((body.get("actions") or [{}])[0].get("value"))
    except BadMetadata:
        raise DomainError(STALE_BUTTON) from None
    deps = deps_of(context)
    view = lesson_form(deps=deps, slack_user_id=user_id_of(body), week=value.week, kind=value.kind)
    deps.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())


def _parsed(view: dict[str, Any]) -> tuple[tuple[str, bool] | None, dict[str, str]]:
    values = read_values(view)
    parsed, errors = validate_lesson(
        text=values.get(B.LESSON_TEXT), attribution=values.get(B.LESSON_ATTRIBUTION)
    )
    return parsed, {FIELDS[k]: v for k, v in errors.items()}


def check(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The form's ack: problems inline; a valid lesson turns the form into a thank-you and is stored."""
    parsed, errors = _parsed(view)
    if parsed is None:
        ack(response_action="errors", errors=errors)
        return
    try:
        meta = LessonValue.load(view.get("private_metadata"))
    except BadMetadata:
        refuse(context)
        ack(response_action="errors", errors={B.LESSON_TEXT: STALE_BUTTON})
        return
    thanks = lesson_thanks_view(week=meta.week, kind=meta.kind, attributed=parsed[1]).to_dict()
    ack_stored(ack, context, block_id=B.LESSON_TEXT, update=thanks)


@replies_on_error("saving the lesson")
def save(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: store it (a repeat for the same week and kind is refused)."""
    parsed, _ = _parsed(view)
    if parsed is None:
        return  # refused by the ack, so never stored
    meta = LessonValue.load(view.get("private_metadata"))
    submit_lesson_answer(
        deps=deps_of(context),
        slack_user_id=user_id_of(body),
        week=meta.week,
        kind=meta.kind,
        text=parsed[0],
        attributed=parsed[1],
    )


def register(app: App, deps: Deps) -> None:
    deps.add_home_section(HOME_ORDER, functools.partial(lessons_home_section, deps))
    app.action(Action.LESSON_WENT_WELL)(ack=ack_now, lazy=[open_lesson])
    app.action(Action.LESSON_WAS_HARD)(ack=ack_now, lazy=[open_lesson])
    app.view(Callback.LESSON)(ack=check, lazy=[save])
