"""Reflections: open the form (DM button, App Home) and save it."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.reflections import validate_reflection
from bot.flows.reflections import reflection_form, reflection_home_section, submit_reflection
from bot.slack.blocks.reflections import SHARE, reflection_thanks_view
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback, reflection_block
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, ReflectionValue
from bot.slack.middleware import ack_now, ack_stored, deps_of, refuse, replies_on_error
from bot.slack.util import user_id_of

STALE_BUTTON = "That button is no longer valid; open your reflection from App Home."
HOME_ORDER = 62


@replies_on_error("opening the reflection")
def open_reflection(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """The DM's (or App Home's) button: the reflection for the day it names."""
    try:
        day = ReflectionValue.load((body.get("actions") or [{}])[0].get("value")).day
    except BadMetadata:
        raise DomainError(STALE_BUTTON) from None
    deps = deps_of(context)
    view = reflection_form(deps=deps, slack_user_id=user_id_of(body), day=day)
    deps.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())


def _parsed(view: dict[str, Any], context: BoltContext) -> tuple[dict[str, str] | None, bool, dict[str, str]]:
    """(answers, share, errors keyed by block): pure, the questions are the program's."""
    questions = deps_of(context).program.voices.reflections.questions
    values = read_values(view)
    answers, errors = validate_reflection(
        questions=questions, values={q.id: values.get(reflection_block(q.id)) for q in questions}
    )
    share = SHARE in (values.get(B.REFLECTION_SHARE) or [])
    return answers, share, {reflection_block(k): v for k, v in errors.items()}


def check(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The form's ack: problems inline, field by field; a valid one is stored by the inbox."""
    answers, share, errors = _parsed(view, context)
    if answers is None:
        ack(response_action="errors", errors=errors)
        return
    first = reflection_block(deps_of(context).program.voices.reflections.questions[0].id)
    try:
        day = ReflectionValue.load(view.get("private_metadata")).day
    except BadMetadata:
        refuse(context)
        ack(response_action="errors", errors={first: STALE_BUTTON})
        return
    ack_stored(ack, context, block_id=first, update=reflection_thanks_view(day=day, shared=share).to_dict())


@replies_on_error("saving the reflection")
def save(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: save it (its text is never logged; the mentor gets a copy)."""
    answers, share, _ = _parsed(view, context)
    if answers is None:
        return  # refused by the ack, so never stored
    day: date = ReflectionValue.load(view.get("private_metadata")).day
    deps = deps_of(context)
    submit_reflection(deps=deps, slack_user_id=user_id_of(body), day=day, answers=answers, share=share)


def register(app: App, deps: Deps) -> None:
    deps.add_home_section(HOME_ORDER, functools.partial(reflection_home_section, deps))
    app.action(Action.REFLECTION_OPEN)(ack=ack_now, lazy=[open_reflection])
    app.view(Callback.REFLECTION)(ack=check, lazy=[save])
