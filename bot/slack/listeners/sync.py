"""The evening sync: All good / I have blockers, the blockers modal, and `/casebook sync`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.sync import validate_blockers
from bot.domain.vocab import ENGINEERS
from bot.flows.sync import STALE_BUTTON, answer_sync, blockers_form, todays_sync
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, SyncValue
from bot.slack.middleware import ack_now, ack_stored, deps_of, refuse, replies_on_error
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import user_id_of


def _value(body: dict[str, Any]) -> SyncValue:
    actions = body.get("actions") or [{}]
    try:
        return SyncValue.load(actions[0].get("value"))
    except BadMetadata:
        raise DomainError(STALE_BUTTON) from None


def _dm_location(body: dict[str, Any], value: SyncValue) -> SyncValue:
    """The button's day, plus where its message is when it was clicked in the sync DM itself."""
    container = body.get("container") or {}
    in_dm = not container.get("is_ephemeral") and container.get("type") == "message"
    return SyncValue(
        day=value.day,
        channel=container.get("channel_id") if in_dm else None,
        message_ts=container.get("message_ts") if in_dm else None,
    )


@replies_on_error("sync answer")
def all_good(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """All good: record it and show the answer in the message the button was on."""
    deps = deps_of(context)
    answered = answer_sync(deps=deps, slack_user_id=user_id_of(body), meta=_value(body), status="all_good")
    respond(text=answered.dm["text"], blocks=answered.dm["blocks"], replace_original=True)


@replies_on_error("opening the blockers modal")
def open_blockers(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """I have blockers: open the form, remembering the DM it came from so the answer can update it."""
    deps = deps_of(context)
    meta = _dm_location(body, _value(body))
    view = blockers_form(deps=deps, slack_user_id=user_id_of(body), meta=meta)
    deps.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())


def check_blockers(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The blockers form's ack: bad fields inline (pure checks); the answer is saved from the inbox."""
    values = read_values(view)
    parsed, errors = validate_blockers(blockers=values.get(B.BLOCKERS), mood=values.get(B.MOOD))
    if parsed is None:
        ack(response_action="errors", errors={B(k): v for k, v in errors.items()})
        return
    try:
        SyncValue.load(view.get("private_metadata"))
    except BadMetadata:
        refuse(context)
        ack(response_action="errors", errors={B.BLOCKERS: STALE_BUTTON})
        return
    ack_stored(ack, context, block_id=B.BLOCKERS)


@replies_on_error("sync blockers")
def save_blockers(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: record the blockers the form's ack accepted."""
    values = read_values(view)
    parsed, _ = validate_blockers(blockers=values.get(B.BLOCKERS), mood=values.get(B.MOOD))
    if parsed is None:
        return  # the ack refused it, so nothing was stored; unreachable from the inbox
    meta = SyncValue.load(view.get("private_metadata"))
    answer_sync(
        deps=deps_of(context),
        slack_user_id=user_id_of(body),
        meta=meta,
        status="blockers",
        blockers=parsed[0],
        mood=parsed[1],
    )


def sync_command(ctx: CommandContext) -> None:
    """`/casebook sync`: today's sync as an ephemeral message with the same buttons."""
    dm = todays_sync(deps=ctx.deps, slack_user_id=ctx.person.slack_user_id)
    ctx.respond(text=dm["text"], blocks=dm["blocks"], response_type="ephemeral", replace_original=False)


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "sync",
            "sync",
            "answer today's evening sync now",
            handler=sync_command,
            roles=ENGINEERS,
        )
    )
    app.action(Action.SYNC_ALL_GOOD)(ack=ack_now, lazy=[all_good])
    app.action(Action.SYNC_BLOCKERS)(ack=ack_now, lazy=[open_blockers])
    app.view(Callback.SYNC_BLOCKERS)(ack=check_blockers, lazy=[save_blockers])
