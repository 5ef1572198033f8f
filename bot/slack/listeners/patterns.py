"""Precedents and policy proposals: `/casebook precedents <words>`, the leads' Home section and
Accept / Dismiss on a proposal (on Home or in its DM).

Accept / Dismiss are keyed on the proposal: a double click or a replay of the stored work
finds it decided and changes nothing.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import App, BoltContext, Respond

from bot.deps import Deps
from bot.domain.policy_refs import check_ref
from bot.domain.vocab import PRACTITIONERS, REVIEWERS
from bot.flows import patterns
from bot.slack.blocks.common import esc, section
from bot.slack.blocks.patterns import decided_text, precedent_blocks
from bot.slack.ids import Action
from bot.slack.listeners.home import publish_home
from bot.slack.metadata import DecisionValue, ProposalValue
from bot.slack.middleware import ack_now, deps_of, replies_on_error, tell
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import replace, reply, reply_error, user_id_of

HOME_ORDER = 35  # after the review queue: leads decide proposals when the queue is done
DRAFTS_ORDER = 36
SEARCHERS = PRACTITIONERS | REVIEWERS
USAGE = "Say what to look for: `/casebook precedents <words>`, e.g. `/casebook precedents namespace ttl`."


def precedents_command(ctx: CommandContext) -> None:
    """`/casebook precedents <words>`: past live decisions by text similarity (and by rule, if named)."""
    words = ctx.args.strip()
    if not words:
        reply_error(ctx.respond, USAGE)
        return
    rule = check_ref(words)[0] if " " not in words else None  # a lone policy/rule lists that rule first
    found = patterns.precedents_for(deps=ctx.deps, policy_rule=rule, about=words)
    title = f"Precedents for “{words[:80]}”"
    reply(ctx.respond, precedent_blocks(found, title=title), f"{len(found)} precedents for {esc(words[:80])}")


@replies_on_error("deciding a policy proposal")
def on_decide(body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Accept / Dismiss: record it (leads only), then show the outcome where the button was."""
    deps = deps_of(context)
    user = user_id_of(body)
    value = ProposalValue.load(action.get("value"))
    accept = action.get("action_id") == Action.PROPOSAL_ACCEPT
    proposal, changed = patterns.decide(
        deps=deps, slack_user_id=user, proposal_id=value.proposal_id, accept=accept
    )
    text = (
        decided_text(proposal, who=f"<@{user}>")
        if changed
        else f"Proposal #{proposal.id} was already {proposal.status}."
    )
    if (body.get("container") or {}).get("type") == "view":
        publish_home(deps, user)
        if not changed:
            tell(deps, body, None, f"Proposal #{proposal.id} was already {proposal.status}.")
        return
    if body.get("response_url"):
        replace(respond, [section(text)], text)
    else:  # tell() escapes its text: no mention in it
        tell(deps, body, respond, f"Proposal #{proposal.id} is {proposal.status}.")


@replies_on_error("drafting a practice scenario")
def on_draft(body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Draft a practice scenario*: the draft comes by DM (once per lead and decision)."""
    deps = deps_of(context)
    value = DecisionValue.load(action.get("value"))
    sent = patterns.send_draft(deps=deps, slack_user_id=user_id_of(body), decision_id=value.decision_id)
    if not sent:
        tell(deps, body, respond, f"I already sent you the draft of #{value.decision_id}; it's in our DM.")


def register(app: App, deps: Deps) -> None:
    """The `precedents` subcommand, the leads' proposals on Home, Accept and Dismiss."""
    deps.router.add(
        Subcommand(
            "precedents",
            "precedents <words>",
            "past live decisions like this one (same rule first, then similar words)",
            precedents_command,
            roles=SEARCHERS,
        )
    )
    deps.add_home_section(HOME_ORDER, partial(patterns.proposals_home_section, deps))
    app.action(Action.PROPOSAL_ACCEPT)(ack=ack_now, lazy=[on_decide])
    app.action(Action.PROPOSAL_DISMISS)(ack=ack_now, lazy=[on_decide])
    deps.add_home_section(DRAFTS_ORDER, partial(patterns.drafts_home_section, deps))
    app.action(Action.DRAFT_SCENARIO)(ack=ack_now, lazy=[on_draft])
