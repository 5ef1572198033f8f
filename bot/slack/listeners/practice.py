"""Practice: `/casebook practice|guide`, card buttons, the justification modal, Next, App Home."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.justification import validate_justification
from bot.domain.people import PersonView, get_view
from bot.domain.progress import engineer_progress
from bot.domain.vocab import PRACTITIONERS
from bot.flows.cards import enqueue_note
from bot.flows.practice import (
    card_refusal,
    deal_practice_card,
    justification_view,
    library_of,
    submit_decision,
)
from bot.slack.blocks.card import ACTION_VERDICTS
from bot.slack.blocks.common import esc, section
from bot.slack.blocks.engineer_home import engineer_home_blocks
from bot.slack.blocks.guide import category_list_blocks, guide_blocks
from bot.slack.blocks.log_modal import notice_view
from bot.slack.forms import justification_values, read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadMetadata, CardValue, CategoryValue, JustifyMeta, NextValue
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import SERVER_ERROR, reply, reply_error, user_id_of

log = logging.getLogger(__name__)
SENT = "A scenario is on its way to your DMs with Casebook."


def tell(deps: Deps, body: dict[str, Any], respond: Respond | None, text: str) -> None:
    """An ephemeral note: through response_url when the payload has one (messages), else a DM."""
    if respond is not None and body.get("response_url"):
        reply(respond, [section(f":information_source: {esc(text)}")], esc(text))
        return
    with transaction(deps.sessions) as session:
        enqueue_note(
            session=session, now=deps.clock.now(), slack_user_id=user_id_of(body), channel=None, text=text
        )
    deps.dispatcher.kick()


def _person(deps: Deps, user_id: str) -> PersonView | None:
    with transaction(deps.sessions) as session:
        person = get_view(session=session, slack_user_id=user_id)
    return person if person is not None and person.active else None


def _practice(deps: Deps, ctx: CommandContext) -> None:
    library = library_of(deps)
    category = library.find_category(ctx.args) if ctx.args else None
    if ctx.args and category is None:
        reply(ctx.respond, category_list_blocks(library.categories, unknown=ctx.args), "Unknown category")
        return
    deal_practice_card(deps, person=ctx.person, category=category.id if category else None)
    reply(ctx.respond, [section(f":incoming_envelope: {SENT}")], SENT)


def _guide(deps: Deps, ctx: CommandContext) -> None:
    library = library_of(deps)
    category = library.find_category(ctx.args) if ctx.args else None
    if category is None:
        blocks = category_list_blocks(library.categories, unknown=ctx.args or None)
        reply(ctx.respond, blocks, "Scenario categories")
        return
    reply(ctx.respond, guide_blocks(category), f"Decision guide: {category.name}")


def _home_section(deps: Deps, session: Session, person: PersonView, _now: datetime) -> list[Block]:
    if not person.has_any({"engineer", "pilot"}) or deps.library is None:
        return []
    categories = [(c.id, c.name) for c in deps.library.categories]
    progress = engineer_progress(session=session, person_id=person.id, categories=categories)
    return engineer_home_blocks(progress)


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "practice",
            "practice [category]",
            "a practice scenario by DM, with instant feedback",
            handler=lambda ctx: _practice(deps, ctx),
            roles=PRACTITIONERS,
        )
    )
    deps.router.add(
        Subcommand(
            "guide", "guide [category]", "the decision guide for a category", lambda c: _guide(deps, c)
        )
    )
    deps.add_home_section(20, lambda session, person, now: _home_section(deps, session, person, now))

    def on_decide(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        action = body["actions"][0]
        container = body.get("container") or {}
        try:
            value = CardValue.load(action.get("value"))
            result = justification_view(
                deps,
                user_id=user_id_of(body),
                assignment_id=value.assignment_id,
                verdict=ACTION_VERDICTS[action["action_id"]],
                channel=container.get("channel_id"),
                ts=container.get("message_ts"),
            )
            if isinstance(result, str):
                tell(deps, body, respond, result)
                return
            deps.client.views_open(trigger_id=body["trigger_id"], view=result.to_dict())
        except (DomainError, BadMetadata) as exc:
            tell(deps, body, respond, str(exc))
        except Exception:
            log.exception("card click failed")
            tell(deps, body, respond, SERVER_ERROR)

    for action_id in (Action.DECIDE_APPROVE, Action.DECIDE_DENY, Action.DECIDE_ESCALATE):
        app.action(action_id)(on_decide)

    @app.view(Callback.JUSTIFY)
    def on_justify(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            meta = JustifyMeta.load(view.get("private_metadata"))
        except BadMetadata:
            ack(
                response_action="errors",
                errors={"policy": "This form is out of date; close it and try again."},
            )
            return
        user_id = user_id_of(body)
        try:
            refusal = card_refusal(deps, user_id=user_id, assignment_id=meta.assignment_id)
        except Exception:
            log.exception("checking a card's owner failed")  # the form stays open for a retry
            ack(response_action="errors", errors={"policy": SERVER_ERROR})
            return
        if refusal:
            ack(response_action="update", view=notice_view(title="Can't record this", text=esc(refusal)))
            return
        values = justification_values(read_values(view))
        justification, errors = validate_justification(verdict=meta.verdict, **values)
        if justification is None:
            present = {b.get("block_id") for b in view.get("blocks", [])}
            ack(
                response_action="errors",
                errors={k if k in present else "policy": v for k, v in errors.items()},
            )
            return
        ack()
        try:
            # App Home is rebuilt whenever it is opened, so nothing is published from here
            submit_decision(deps, user_id=user_id, meta=meta, justification=justification)
        except DomainError as exc:
            tell(deps, body, None, str(exc))
        except Exception:
            log.exception("recording a decision failed")
            tell(deps, body, None, SERVER_ERROR)

    @app.action(Action.NEXT_SCENARIO)
    @app.action(Action.HOME_PRACTICE)
    def on_next(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        person = _person(deps, user_id_of(body))
        if person is None or not person.has_any(PRACTITIONERS):
            tell(deps, body, respond, "Practice is for engineers, pilots, mentors and leads on the roster.")
            return
        try:
            value = NextValue.load(body["actions"][0].get("value"))
            dealt = deal_practice_card(deps, person=person, category=value.category, after=value.after)
            if not dealt.created and body["actions"][0]["action_id"] == Action.NEXT_SCENARIO:
                tell(deps, body, respond, "Your next scenario is already in your DMs.")
        except (DomainError, BadMetadata) as exc:
            tell(deps, body, respond, str(exc))
        except Exception:
            log.exception("dealing a practice card failed")
            tell(deps, body, respond, SERVER_ERROR)

    @app.action(Action.SHOW_GUIDE)
    def on_guide(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        try:
            value = CategoryValue.load(body["actions"][0].get("value"))
        except BadMetadata as exc:
            tell(deps, body, respond, str(exc))
            return
        category = library_of(deps).category(value.category or "")
        if category is None:
            reply_error(respond, "That category is no longer in the taxonomy.")
            return
        reply(respond, guide_blocks(category), f"Decision guide: {category.name}")
