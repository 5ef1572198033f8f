"""Practice: `/casebook practice|guide`, card buttons, the justification modal, Next, App Home."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.justification import validate_justification
from bot.domain.vocab import PRACTITIONERS
from bot.flows.practice import (
    deal_practice_card,
    justification_view,
    library_of,
    practice_home_section,
    submit_decision,
)
from bot.slack.blocks.card import ACTION_VERDICTS
from bot.slack.blocks.common import section
from bot.slack.blocks.guide import category_list_blocks, guide_blocks
from bot.slack.forms import justification_values, read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadMetadata, CardValue, CategoryValue, JustifyMeta, NextValue
from bot.slack.middleware import ack_now, ack_stored, caller_of, deps_of, refuse, replies_on_error, tell
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import reply, reply_error, user_id_of

SENT = "A scenario is on its way to your DMs with Casebook."
OUT_OF_DATE = "This form is out of date; close it and try again."


def practice(ctx: CommandContext) -> None:
    """`/casebook practice [category]`: deal a card by DM."""
    library = library_of(ctx.deps)
    category = library.find_category(ctx.args) if ctx.args else None
    if ctx.args and category is None:
        reply(ctx.respond, category_list_blocks(library.categories, unknown=ctx.args), "Unknown category")
        return
    deal_practice_card(
        deps=ctx.deps, person=ctx.person, category=category.id if category else None, request=ctx.request
    )
    reply(ctx.respond, [section(f":incoming_envelope: {SENT}")], SENT)


def guide(ctx: CommandContext) -> None:
    """`/casebook guide [category]`: a category's decision guide, or the list of categories."""
    library = library_of(ctx.deps)
    category = library.find_category(ctx.args) if ctx.args else None
    if category is None:
        blocks = category_list_blocks(library.categories, unknown=ctx.args or None)
        reply(ctx.respond, blocks, "Scenario categories")
        return
    reply(ctx.respond, guide_blocks(category), f"Decision guide: {category.name}")


@replies_on_error("card click")
def on_decide(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Approve / Deny / Escalate on a card: open the justification form (or say why not)."""
    deps = deps_of(context)
    action = body["actions"][0]
    container = body.get("container") or {}
    result = justification_view(
        deps=deps,
        user_id=user_id_of(body),
        assignment_id=CardValue.load(action.get("value")).assignment_id,
        verdict=ACTION_VERDICTS[action["action_id"]],
        channel=container.get("channel_id"),
        ts=container.get("message_ts"),
    )
    if isinstance(result, str):
        tell(deps, body, respond, result)
        return
    deps.client.views_open(trigger_id=body["trigger_id"], view=result.to_dict())


def on_justify(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The justification form's ack: checked inline (pure), then stored for :func:`record`."""
    try:
        meta = JustifyMeta.load(view.get("private_metadata"))
    except BadMetadata:
        refuse(context)
        ack(response_action="errors", errors={"policy": OUT_OF_DATE})
        return
    justification, errors = validate_justification(
        verdict=meta.verdict, **justification_values(read_values(view))
    )
    if justification is None:
        present = {b.get("block_id") for b in view.get("blocks", [])}
        ack(response_action="errors", errors={k if k in present else "policy": v for k, v in errors.items()})
        return
    ack_stored(ack, context, block_id="policy")


@replies_on_error("recording a decision")
def record(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: the one decision the card takes is recorded (App Home is
    rebuilt whenever it is opened). Whose card this is is the database's to say:
    :func:`submit_decision` refuses someone else's, a leaver's or a deleted card inside its own
    transaction, and the refusal reaches the submitter by DM through ``replies_on_error``."""
    deps = deps_of(context)
    meta = JustifyMeta.load(view.get("private_metadata"))
    justification, _ = validate_justification(verdict=meta.verdict, **justification_values(read_values(view)))
    if justification is not None:
        submit_decision(deps=deps, user_id=user_id_of(body), meta=meta, justification=justification)


@replies_on_error("dealing a practice card")
def on_next(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Next scenario* on a feedback DM, or *Practise a scenario* on App Home."""
    deps = deps_of(context)
    person = caller_of(context).with_roles(PRACTITIONERS)
    if person is None:
        tell(deps, body, respond, "Practice is for engineers, pilots, mentors and leads on the roster.")
        return
    action = body["actions"][0]
    value = NextValue.load(action.get("value"))
    dealt = deal_practice_card(deps=deps, person=person, category=value.category, after=value.after)
    if not dealt.created and action["action_id"] == Action.NEXT_SCENARIO:
        tell(deps, body, respond, "Your next scenario is already in your DMs.")


@replies_on_error("showing a guide")
def on_guide(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Decision guide* on a feedback DM."""
    value = CategoryValue.load(body["actions"][0].get("value"))
    category = library_of(deps_of(context)).category(value.category or "")
    if category is None:
        reply_error(respond, "That category is no longer in the taxonomy.")
        return
    reply(respond, guide_blocks(category), f"Decision guide: {category.name}")


def register(app: App, deps: Deps) -> None:
    """The `practice` and `guide` subcommands, the Home section, the card buttons and the form."""
    deps.router.add(
        Subcommand(
            "practice",
            "practice [category]",
            "a practice scenario by DM, with instant feedback",
            practice,
            roles=PRACTITIONERS,
        )
    )
    deps.router.add(Subcommand("guide", "guide [category]", "the decision guide for a category", guide))
    deps.add_home_section(20, partial(practice_home_section, deps))
    for action_id in (Action.DECIDE_APPROVE, Action.DECIDE_DENY, Action.DECIDE_ESCALATE):
        app.action(action_id)(ack=ack_now, lazy=[on_decide])
    app.view(Callback.JUSTIFY)(ack=on_justify, lazy=[record])
    app.action(Action.NEXT_SCENARIO)(ack=ack_now, lazy=[on_next])
    app.action(Action.HOME_PRACTICE)(ack=ack_now, lazy=[on_next])
    app.action(Action.SHOW_GUIDE)(ack=ack_now, lazy=[on_guide])
