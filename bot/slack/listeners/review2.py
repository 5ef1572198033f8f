"""Blind second reviews (card buttons, form) and the exception expiry question (button, form).

Both forms answer their pure checks in the ack and store the rest for the inbox worker;
the flows are idempotent (the first blind answer and the first expiry answer stand), so a
replayed submission changes nothing. Home sections: leads' consistency, mentors' delayed rework.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.exception_register import check_answer
from bot.domain.reviews import check_review_input
from bot.flows.blind_review import (
    blind_waiting_home_section,
    consistency_home_section,
    open_blind,
    submit_blind,
)
from bot.flows.expiry import delayed_rework_home_section, open_answer, save_answer
from bot.slack.blocks.blind_review import blind_modal
from bot.slack.blocks.expiry import answer_modal
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, BlindMeta, DecisionValue, ExpiryValue
from bot.slack.middleware import ack_now, ack_stored, deps_of, replies_on_error
from bot.slack.util import reply_error, user_id_of

log = logging.getLogger(__name__)
SAVE_FAILED = "Couldn't save your answer just now and nothing was recorded. Press the button again."
BLIND_VERDICT = {Action.BLIND_UPHOLD: "uphold", Action.BLIND_OVERTURN: "overturn"}
NO_FORM = "Slack didn't let me open the form in time; press the button again."


def _open(deps: Deps, body: dict[str, Any], view: Any, respond: Respond) -> None:
    try:
        deps.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())
    except SlackApiError as exc:
        log.warning("form did not open: %s", exc)
        reply_error(respond, NO_FORM)


@replies_on_error("blind review click")
def on_blind_click(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Uphold / Overturn on a blind card: open the blind form (never the first verdict)."""
    try:
        value = DecisionValue.load(action.get("value"))
        data = open_blind(
            deps=deps_of(context), reviewer_slack_id=user_id_of(body), decision_id=value.decision_id
        )
    except (DomainError, BadMetadata) as exc:
        reply_error(respond, str(exc))
        return
    meta = BlindMeta(decision_id=value.decision_id, verdict=BLIND_VERDICT[Action(action["action_id"])])
    _open(deps_of(context), body, blind_modal(data=data, meta=meta), respond)


def on_blind_submit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The blind form's ack: what to fix inline, else stored for :func:`record_blind`."""
    values = read_values(view)
    try:
        meta = BlindMeta.load(view.get("private_metadata"))
    except BadMetadata as exc:
        ack(response_action="errors", errors={B.COMMENT: str(exc)})
        return
    errors = check_review_input(
        verdict=meta.verdict, comment=values.get(B.COMMENT), suggested_verdict=values.get(B.SUGGESTED_VERDICT)
    )
    if errors:
        fields = (B.COMMENT, B.SUGGESTED_VERDICT)
        ack(response_action="errors", errors={k if k in fields else B.COMMENT: v for k, v in errors.items()})
        return
    ack_stored(ack, context, block_id=B.COMMENT, failed=SAVE_FAILED)


@replies_on_error("saving a blind review")
def record_blind(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: store the blind verdict and update the card."""
    values = read_values(view)
    meta = BlindMeta.load(view.get("private_metadata"))
    submit_blind(
        deps=deps_of(context),
        reviewer_slack_id=user_id_of(body),
        decision_id=meta.decision_id,
        verdict=meta.verdict,
        comment=values.get(B.COMMENT),
        suggested_verdict=values.get(B.SUGGESTED_VERDICT),
    )


@replies_on_error("expiry answer click")
def on_expiry_click(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """*Answer* on the expiry DM: open the two-question form."""
    try:
        value = ExpiryValue.load(action.get("value"))
        entry = open_answer(deps=deps_of(context), slack_user_id=user_id_of(body), entry_id=value.entry_id)
    except (DomainError, BadMetadata) as exc:
        reply_error(respond, str(exc))
        return
    _open(deps_of(context), body, answer_modal(entry), respond)


def on_expiry_submit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The expiry form's ack: both questions answered, else say which."""
    values = read_values(view)
    try:
        ExpiryValue.load(view.get("private_metadata"))
    except BadMetadata as exc:
        ack(response_action="errors", errors={B.EXPIRY_MET: str(exc)})
        return
    errors = check_answer(conditions_met=values.get(B.EXPIRY_MET), outcome=values.get(B.EXPIRY_OUTCOME))
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack_stored(ack, context, block_id=B.EXPIRY_MET, failed=SAVE_FAILED)


@replies_on_error("saving an expiry answer")
def record_expiry(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: record the answer; delayed rework goes to the mentor."""
    values = read_values(view)
    meta = ExpiryValue.load(view.get("private_metadata"))
    save_answer(
        deps=deps_of(context),
        slack_user_id=user_id_of(body),
        entry_id=meta.entry_id,
        conditions_met=values.get(B.EXPIRY_MET),
        outcome=values.get(B.EXPIRY_OUTCOME),
        note=values.get(B.EXPIRY_NOTE),
    )


def register(app: App, deps: Deps) -> None:
    """The blind card's buttons and form, the expiry question's button and form, two Home sections."""
    deps.add_home_section(31, partial(blind_waiting_home_section, deps))
    deps.add_home_section(33, partial(delayed_rework_home_section, deps))
    deps.add_home_section(36, partial(consistency_home_section, deps))
    app.action(Action.BLIND_UPHOLD)(ack=ack_now, lazy=[on_blind_click])
    app.action(Action.BLIND_OVERTURN)(ack=ack_now, lazy=[on_blind_click])
    app.view(Callback.BLIND_REVIEW)(ack=on_blind_submit, lazy=[record_blind])
    app.action(Action.EXPIRY_ANSWER)(ack=ack_now, lazy=[on_expiry_click])
    app.view(Callback.EXPIRY)(ack=on_expiry_submit, lazy=[record_expiry])
