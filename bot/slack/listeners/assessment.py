"""Readiness assessment: `/casebook assess`, the App Home button, and the mentor's Sign off."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.vocab import ENGINEERS
from bot.flows import assessment as assessment_flow
from bot.slack.blocks.assessment import assess_confirm_blocks, started_blocks
from bot.slack.ids import Action
from bot.slack.listeners.home import publish_home
from bot.slack.metadata import AssessmentValue
from bot.slack.middleware import ack_now, caller_of, deps_of, replies_on_error, tell
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import replace, reply, user_id_of

ENGINEERS_ONLY = "The readiness assessment is for engineers and pilots."


def start_assessment(ctx: CommandContext) -> None:
    """`/casebook assess`: report the one in progress, or say what it is and ask before starting."""
    threshold = ctx.deps.program.thresholds.assessment_pass
    outcome = assessment_flow.current(deps=ctx.deps, person=ctx.person)
    if outcome is not None:
        blocks = started_blocks(size=outcome.size, threshold=threshold, resumed=outcome.resumed_at)
    else:
        blocks = assess_confirm_blocks(size=ctx.deps.program.practice.assessment_size, threshold=threshold)
    reply(ctx.respond, blocks, "Readiness assessment")


@replies_on_error("starting an assessment")
def on_assess_confirm(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Start the assessment* on the confirm step (after the ack, from the inbox); its card comes by DM."""
    deps = deps_of(context)
    person = caller_of(context).with_roles(ENGINEERS)
    if person is None:
        raise DomainError(ENGINEERS_ONLY)
    outcome = assessment_flow.start(deps=deps, person=person)
    threshold = deps.program.thresholds.assessment_pass
    blocks = started_blocks(size=outcome.size, threshold=threshold, resumed=outcome.resumed_at)
    replace(respond, blocks, "Readiness assessment")


@replies_on_error("starting an assessment")
def on_home_assess(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Take the assessment* on App Home (after the ack, from the inbox)."""
    deps = deps_of(context)
    person = caller_of(context).with_roles(ENGINEERS)
    if person is None:
        tell(deps, body, respond, ENGINEERS_ONLY)
        return
    assessment_flow.start(deps=deps, person=person)
    publish_home(deps, person.slack_user_id)


@replies_on_error("sign-off")
def on_sign_off(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Sign off* on a mentor's result DM or on App Home (after the ack, from the inbox)."""
    deps = deps_of(context)
    value = AssessmentValue.load(body["actions"][0].get("value"))
    _, signer = assessment_flow.sign_off(
        deps=deps, user_id=user_id_of(body), assessment_id=value.assessment_id
    )
    if (body.get("container") or {}).get("type") == "view":
        # clicked on App Home: show it there now (the engineer's is rebuilt when opened)
        publish_home(deps, signer)


def register(app: App, deps: Deps) -> None:
    """The `assess` subcommand, the sign-off Home section and the two buttons."""
    size = deps.program.practice.assessment_size
    deps.router.add(
        Subcommand(
            "assess",
            "assess",
            f"the readiness assessment ({size} scenarios; asks before starting)",
            start_assessment,
            roles=ENGINEERS,
        )
    )
    deps.add_home_section(40, assessment_flow.sign_off_home_section)
    app.action(Action.HOME_ASSESS)(ack=ack_now, lazy=[on_home_assess])
    app.action(Action.SIGN_OFF)(ack=ack_now, lazy=[on_sign_off])
    app.action(Action.ASSESS_CONFIRM)(ack=ack_now, lazy=[on_assess_confirm])
