"""Policy feedback: *Flag the policy* (cards, review posts, `/casebook flag-policy`), its form, and the
leads' queue on App Home (Accept / Reject with a reason / Done); the PM's red-flags Home section.

Forms are checked in the ack (bad fields come back inline) and stored in the inbox; the flows
key their writes on the submitted view or the item and status, so a replay changes nothing.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.policy_feedback import PROBLEM_FIELD, PROPOSAL_FIELD, RULE_FIELD, check_reason, validate_flag
from bot.flows import policy_feedback as flows
from bot.slack.blocks.policy_feedback import flag_thanks_view
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.listeners.home import publish_home
from bot.slack.metadata import BadMetadata, FeedbackValue, FlagMeta, FlagValue
from bot.slack.middleware import ack_now, ack_stored, deps_of, refuse, replies_on_error
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import user_id_of

log = logging.getLogger(__name__)
SAVE_FAILED = "Couldn't save this just now and nothing was sent. Press Send again in a moment."
FIELDS = {RULE_FIELD: B.FLAG_RULE, PROBLEM_FIELD: B.FLAG_PROBLEM, PROPOSAL_FIELD: B.FLAG_PROPOSAL}
STATUS_OF = {Action.FEEDBACK_ACCEPT: "accepted", Action.FEEDBACK_DONE: "done"}
QUEUE_ORDER, RED_FLAGS_ORDER = 35, 65


def _open(deps: Deps, trigger_id: str, slack_user_id: str, meta: FlagMeta) -> None:
    view = flows.flag_form(deps=deps, slack_user_id=slack_user_id, meta=meta)
    deps.client.views_open(trigger_id=trigger_id, view=view.to_dict())


def flag_command(ctx: CommandContext) -> None:
    """`/casebook flag-policy`: the form with no card or decision behind it."""
    _open(ctx.deps, ctx.trigger_id, ctx.person.slack_user_id, FlagMeta(source="command"))


@replies_on_error("flag the policy")
def on_flag_click(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """*Flag the policy* on a card or review post: the form, its rule prefilled from what raised it."""
    value = FlagValue.load(action.get("value"))
    meta = FlagMeta(source=value.source, id=value.id)
    _open(deps_of(context), str(body.get("trigger_id", "")), user_id_of(body), meta)


def _flag_input(view: dict[str, Any]) -> tuple[FlagMeta, Any, dict[str, str]]:
    values = read_values(view)
    meta = FlagMeta.load(view.get("private_metadata"))
    flag, errors = validate_flag(
        rule=values.get(B.FLAG_RULE), problem=values.get(B.FLAG_PROBLEM), proposal=values.get(B.FLAG_PROPOSAL)
    )
    return meta, flag, {FIELDS[k]: v for k, v in errors.items()}


def on_flag_submit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The form's ack: fields to fix inline; an accepted form is stored and thanked."""
    try:
        _, flag, errors = _flag_input(view)
    except BadMetadata as exc:
        refuse(context)
        ack(response_action="errors", errors={B.FLAG_RULE: str(exc)})
        return
    if flag is None:
        ack(response_action="errors", errors=errors)
        return
    ack_stored(ack, context, block_id=B.FLAG_RULE, failed=SAVE_FAILED, update=flag_thanks_view().to_dict())


@replies_on_error("saving policy feedback")
def save_flag(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: store the flag (once per submitted view)."""
    meta, flag, _ = _flag_input(view)
    if flag is None:
        return  # refused by the ack, never stored
    flows.submit_flag(
        deps=deps_of(context),
        slack_user_id=user_id_of(body),
        view_id=str(view.get("id", "")),
        meta=meta,
        flag=flag,
    )


@replies_on_error("policy feedback status")
def on_status_click(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Accept or Done in the leads' queue; the Home is refreshed to show the new state."""
    deps, user = deps_of(context), user_id_of(body)
    value = FeedbackValue.load(action.get("value"))
    flows.change_status(
        deps=deps,
        slack_user_id=user,
        feedback_id=value.feedback_id,
        status=STATUS_OF[Action(action["action_id"])],
    )
    publish_home(deps, user)


@replies_on_error("policy feedback reject")
def on_reject_click(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Reject in the leads' queue: the form asking for the reason."""
    deps = deps_of(context)
    value = FeedbackValue.load(action.get("value"))
    view = flows.open_reject(deps=deps, slack_user_id=user_id_of(body), feedback_id=value.feedback_id)
    deps.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())


def on_reject_submit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The reason's ack: too short or too long comes back inline."""
    try:
        FeedbackValue.load(view.get("private_metadata"))
        check_reason(read_values(view).get(B.REJECT_REASON))
    except BadMetadata as exc:
        refuse(context)
        ack(response_action="errors", errors={B.REJECT_REASON: str(exc)})
        return
    except DomainError as exc:
        ack(response_action="errors", errors={B.REJECT_REASON: str(exc)})
        return
    ack_stored(ack, context, block_id=B.REJECT_REASON)


@replies_on_error("rejecting policy feedback")
def save_reject(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: reject with the reason; the author is told."""
    deps, user = deps_of(context), user_id_of(body)
    value = FeedbackValue.load(view.get("private_metadata"))
    reason = read_values(view).get(B.REJECT_REASON)
    flows.change_status(
        deps=deps, slack_user_id=user, feedback_id=value.feedback_id, status="rejected", reason=reason
    )
    publish_home(deps, user)


def register(app: App, deps: Deps) -> None:
    """The `flag-policy` subcommand, the button, both forms, the queue buttons, two Home sections."""
    deps.router.add(
        Subcommand(
            "flag-policy", "flag-policy", "flag an ambiguous or wrong policy rule for the leads", flag_command
        )
    )
    deps.add_home_section(QUEUE_ORDER, partial(flows.feedback_home_section, deps))
    deps.add_home_section(RED_FLAGS_ORDER, partial(flows.red_flags_home_section, deps))
    app.action(Action.FLAG_POLICY)(ack=ack_now, lazy=[on_flag_click])
    app.view(Callback.FLAG_POLICY)(ack=on_flag_submit, lazy=[save_flag])
    app.action(Action.FEEDBACK_ACCEPT)(ack=ack_now, lazy=[on_status_click])
    app.action(Action.FEEDBACK_DONE)(ack=ack_now, lazy=[on_status_click])
    app.action(Action.FEEDBACK_REJECT)(ack=ack_now, lazy=[on_reject_click])
    app.view(Callback.FEEDBACK_REJECT)(ack=on_reject_submit, lazy=[save_reject])
