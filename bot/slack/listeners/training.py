"""Training weeks: the check-in buttons, labs and sign-offs on App Home, the correction form,
and `/casebook attendance`, `/casebook lab done`, `/casebook signoff`."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.vocab import ENGINEERS, REVIEWERS
from bot.flows import training as flow
from bot.slack.blocks.common import esc, section
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.listeners.home import publish_home
from bot.slack.metadata import CheckinValue, LabValue, MilestoneValue
from bot.slack.middleware import ack_now, ack_stored, deps_of, replies_on_error, tell
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import parse_user, reply, user_id_of

HOME_ORDER = 15  # above practice: in the training weeks it is what the day is about
ATTENDANCE_USAGE = "Usage: `/casebook attendance @engineer <session-id> present|absent`"
LAB_USAGE = "Usage: `/casebook lab done <lab-id>` (the lab ids are on your App Home)"
SIGNOFF_USAGE = "Usage: `/casebook signoff @engineer real-exceptions|testing-env`"
MILESTONES = {"real-exceptions": "real_exceptions", "testing-env": "testing_environment"}
MISSING = "Choose one."


def _value(body: dict[str, Any]) -> str | None:
    actions = body.get("actions") or [{}]
    value = actions[0].get("value")
    return str(value) if value is not None else None


def _answer(body: dict[str, Any], context: BoltContext, respond: Respond, *, present: bool) -> None:
    session_id = CheckinValue.load(_value(body)).session
    dm = flow.answer_checkin(
        deps=deps_of(context), slack_user_id=user_id_of(body), session_id=session_id, present=present
    )
    respond(text=dm["text"], blocks=dm["blocks"], replace_original=True)


@replies_on_error("training check-in")
def on_here(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*I'm here* in the check-in DM."""
    _answer(body, context, respond, present=True)


@replies_on_error("training check-in")
def on_away(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Can't make it* in the check-in DM."""
    _answer(body, context, respond, present=False)


@replies_on_error("marking a lab done")
def on_lab_done(body: dict[str, Any], context: BoltContext) -> None:
    """*Mark done* next to a lab on App Home; the Home is rebuilt to show it."""
    deps = deps_of(context)
    flow.mark_lab_done(deps=deps, slack_user_id=user_id_of(body), lab_id=LabValue.load(_value(body)).lab)
    publish_home(deps, user_id_of(body))


@replies_on_error("training sign-off")
def on_sign_off(body: dict[str, Any], context: BoltContext) -> None:
    """A Week-10 *Sign off* on the mentor's App Home (refusals arrive as a DM, saying why)."""
    deps = deps_of(context)
    value = MilestoneValue.load(_value(body))
    flow.sign_off_milestone(
        deps=deps,
        actor_slack_id=user_id_of(body),
        slack_user_id=value.slack_user_id,
        milestone=value.milestone,
    )
    publish_home(deps, user_id_of(body))


@replies_on_error("opening the attendance form")
def on_correct_open(body: dict[str, Any], context: BoltContext) -> None:
    """*Correct attendance* on the mentor's App Home: the form."""
    deps = deps_of(context)
    view = flow.correction_form(deps=deps, slack_user_id=user_id_of(body))
    deps.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())


def check_correction(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The form's ack: each of the three choices is required (pure); the inbox saves it."""
    values = read_values(view)
    blocks = (B.TRAINING_SESSION, B.TRAINING_MENTEE, B.TRAINING_STATUS)
    errors: dict[str, str] = {str(b): MISSING for b in blocks if not values.get(b)}
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack_stored(ack, context, block_id=B.TRAINING_SESSION)


@replies_on_error("attendance correction")
def save_correction(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: record the correction, tell the mentor, refresh their Home."""
    deps, values = deps_of(context), read_values(view)
    message = flow.correct_attendance(
        deps=deps,
        actor_slack_id=user_id_of(body),
        slack_user_id=str(values.get(B.TRAINING_MENTEE)),
        session_id=str(values.get(B.TRAINING_SESSION)),
        present=values.get(B.TRAINING_STATUS) == "present",
    )
    tell(deps, body, None, message.replace("*", ""))
    publish_home(deps, user_id_of(body))


def _done(ctx: CommandContext, message: str) -> None:
    text = f":white_check_mark: {esc(message)}"
    reply(ctx.respond, [section(text)], esc(message))


def attendance_command(ctx: CommandContext) -> None:
    """`/casebook attendance @engineer <session> present|absent`: a mentor's correction."""
    parts = ctx.args.split()
    who = parse_user(parts[0]) if parts else None
    if len(parts) != 3 or who is None or parts[2].lower() not in ("present", "absent"):
        raise DomainError(ATTENDANCE_USAGE)
    message = flow.correct_attendance(
        deps=ctx.deps,
        actor_slack_id=ctx.person.slack_user_id,
        slack_user_id=who,
        session_id=parts[1],
        present=parts[2].lower() == "present",
    )
    _done(ctx, message)


def lab_command(ctx: CommandContext) -> None:
    """`/casebook lab done <id>`: mark a lab done."""
    parts = ctx.args.split()
    if len(parts) != 2 or parts[0].lower() != "done":
        raise DomainError(LAB_USAGE)
    _done(ctx, flow.mark_lab_done(deps=ctx.deps, slack_user_id=ctx.person.slack_user_id, lab_id=parts[1]))


def signoff_command(ctx: CommandContext) -> None:
    """`/casebook signoff @engineer real-exceptions|testing-env`: a Week-10 sign-off."""
    parts = ctx.args.split()
    who = parse_user(parts[0]) if parts else None
    if len(parts) != 2 or who is None or parts[1].lower() not in MILESTONES:
        raise DomainError(SIGNOFF_USAGE)
    message = flow.sign_off_milestone(
        deps=ctx.deps,
        actor_slack_id=ctx.person.slack_user_id,
        slack_user_id=who,
        milestone=MILESTONES[parts[1]],
    )
    _done(ctx, message)


def register(app: App, deps: Deps) -> None:
    """The three subcommands, the Home section, the buttons and the correction form."""
    add = deps.router.add
    add(
        Subcommand(
            "attendance",
            "attendance @user <session> present|absent",
            "correct a mentee's training attendance",
            handler=attendance_command,
            roles=REVIEWERS,
        )
    )
    add(
        Subcommand(
            "lab", "lab done <lab-id>", "mark a training lab done", handler=lab_command, roles=ENGINEERS
        )
    )
    add(
        Subcommand(
            "signoff",
            "signoff @user real-exceptions|testing-env",
            "sign off a mentee's Week-10 milestone",
            handler=signoff_command,
            roles=REVIEWERS,
        )
    )
    deps.add_home_section(HOME_ORDER, functools.partial(flow.training_home_section, deps))
    app.action(Action.TRAINING_HERE)(ack=ack_now, lazy=[on_here])
    app.action(Action.TRAINING_AWAY)(ack=ack_now, lazy=[on_away])
    app.action(Action.TRAINING_LAB_DONE)(ack=ack_now, lazy=[on_lab_done])
    app.action(Action.TRAINING_SIGN_OFF)(ack=ack_now, lazy=[on_sign_off])
    app.action(Action.TRAINING_CORRECT)(ack=ack_now, lazy=[on_correct_open])
    app.view(Callback.TRAINING_CORRECT)(ack=check_correction, lazy=[save_correction])
