"""Logging a live decision: `/casebook log`, the *Handle as exception* shortcut, App Home, the modal.

The form opens straight after the ack, from the inbox (views.open needs the trigger within
3 s; the worker picks the row up at once). On submit the fields are checked in the ack and
bad ones come back inline; the accepted form is stored in the inbox before the ack and
bot.flows.live_log saves it from there (keyed by the view, so a re-run records it once). If
it cannot even be stored, the form stays open saying nothing was recorded.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.live import LiveInput, Prefill, prefill_from_message, validate_live
from bot.domain.policy_refs import choose
from bot.flows import live_log, patterns
from bot.flows.alert_notes import Handling, who_is_handling
from bot.slack.blocks.log_modal import handling_warning, log_modal, with_verdict
from bot.slack.blocks.patterns import precedent_blocks, with_precedents
from bot.slack.client import make_client
from bot.slack.forms import justification_values, read_values
from bot.slack.ids import Action, Callback, Shortcut
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, LogMeta
from bot.slack.middleware import ack_now, ack_stored, deps_of, refuse, replies_on_error, tell
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import reply_error, user_id_of

log = logging.getLogger(__name__)
SAVE_FAILED = "Couldn't save this just now and nothing was recorded. Press Record again in a moment."
OPEN_FAILED = "Slack didn't let me open the form in time. Please try again."
FAST_CLIENT = "log.fast_client"
NO_CONTEXT = (
    "pick the policy rule below, or open this form from an alert with Handle as exception, to see "
    "past live decisions like this one; search any time with /casebook precedents <words>."
)


def log_command(ctx: CommandContext) -> None:
    """`/casebook log`: open the form."""
    _open(
        ctx.deps,
        ctx.trigger_id,
        LogMeta(source="command", channel=ctx.channel_id or None),
        Prefill(),
        ctx.respond,
    )


@replies_on_error("handle-as-exception shortcut")
def on_shortcut(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Handle as exception* on an alert: the form, prefilled from the message and its link."""
    deps = deps_of(context)
    refusal = live_log.refusal(deps=deps, slack_user_id=user_id_of(body))
    if refusal:
        reply_error(respond, refusal)
        return
    channel = str((body.get("channel") or {}).get("id") or "")
    message = body.get("message") or {}
    message_ts = str(body.get("message_ts") or message.get("ts") or "")
    permalink = _permalink(deps.extras[FAST_CLIENT], channel, message_ts)
    prefill = prefill_from_message(
        text=message_text(message), permalink=permalink, categories=live_log.categories(deps=deps)
    )
    domain = str((body.get("team") or {}).get("domain") or "") or None
    meta = LogMeta(
        source="shortcut", channel=channel or None, message_ts=message_ts or None, team_domain=domain
    )
    handling = who_is_handling(deps=deps, channel=channel, message_ts=message_ts, team_domain=domain)
    _open(deps, str(body.get("trigger_id", "")), meta, prefill, respond, handling=handling)


@replies_on_error("opening the live decision form")
def on_home_button(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Log a live decision* on App Home (a forged click from another role opens nothing)."""
    deps = deps_of(context)
    refusal = live_log.refusal(deps=deps, slack_user_id=user_id_of(body))
    if refusal:
        tell(deps, body, respond, refusal)
        return
    _open(deps, str(body.get("trigger_id", "")), LogMeta(source="home"), Prefill(), None)


def _checked(view: dict[str, Any], deps: Deps) -> tuple[LogMeta, LiveInput | None, dict[str, str]]:
    """The form's metadata and input, or its problems by field (pure; raises on bad metadata)."""
    values = read_values(view)
    meta = LogMeta.load(view.get("private_metadata"))
    categories = live_log.categories(deps=deps)  # the library's taxonomy file, not the database
    rule, rule_problem = choose(values.get(B.POLICY_RULE), values.get(B.POLICY_RULE_OTHER))
    live, errors = validate_live(
        title=values.get(B.TITLE),
        category=values.get(B.CATEGORY),
        categories={c.id for c in categories},
        source_url=values.get(B.SOURCE_URL),
        source_text=values.get(B.SOURCE_TEXT),
        verdict=values.get(B.VERDICT),
        policy_rule=rule,
        **justification_values(values),
    )
    if rule_problem:
        return meta, None, {**errors, B.POLICY_RULE_OTHER: rule_problem}
    return meta, live, errors


def on_submit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The form's ack: bad fields inline; an accepted form goes to the inbox (see :func:`save`)."""
    try:
        _, live, errors = _checked(view, deps_of(context))
    except (BadMetadata, DomainError) as exc:
        log.warning("log modal cannot be processed: %s", exc)
        refuse(context)
        ack(response_action="errors", errors={B.TITLE: SAVE_FAILED})
        return
    if live is None:
        ack(response_action="errors", errors=errors)
        return
    ack_stored(ack, context, block_id=B.TITLE, failed=SAVE_FAILED)


@replies_on_error("saving a live decision")
def save(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: the decision, its review post and receipt in one go."""
    deps = deps_of(context)
    meta, live, _ = _checked(view, deps)
    if live is None:
        return  # refused by the ack, so never stored
    view_id = str(view.get("id", ""))
    live_log.save_live_decision(
        deps=deps, slack_user_id=user_id_of(body), view_id=view_id, meta=meta, live=live
    )


def on_verdict_picked(body: dict[str, Any], context: BoltContext) -> None:
    """A verdict picked in the open form: mark the field it requires (submit checks it either way)."""
    view = body.get("view") or {}
    chosen = ((body.get("actions") or [{}])[0].get("selected_option") or {}).get("value")
    try:
        deps_of(context).client.views_update(
            view_id=str(view.get("id", "")), hash=view.get("hash"), view=with_verdict(view, str(chosen))
        )
    except SlackApiError as exc:  # a stale hash or a closed form: nothing to mark
        log.info("log form not updated after the verdict was picked: %s", exc)


def _open(
    deps: Deps,
    trigger_id: str,
    meta: LogMeta,
    prefill: Prefill,
    respond: Respond | None,
    *,
    handling: Handling | None = None,
) -> None:
    """Open the form; if Slack refuses, say so where we can (the caller can simply try again)."""
    meta = meta.model_copy(update={"opened_at": deps.clock.now().timestamp()})
    try:
        categories = live_log.categories(deps=deps)
        warning = (
            handling_warning(name=handling.name, decision_id=handling.decision_id, post_url=handling.post_url)
            if handling
            else None
        )
        view = log_modal(
            categories=categories,
            prefill=prefill,
            meta=meta,
            warning=warning,
            rules=patterns.policy_rules(deps=deps),
            precedents=form_precedents(deps, prefill),
        )
        deps.client.views_open(trigger_id=trigger_id, view=view.to_dict())
    except (SlackApiError, DomainError) as exc:
        log.warning("live decision form did not open: %s", exc)
        if respond is not None:
            reply_error(respond, OPEN_FAILED if isinstance(exc, SlackApiError) else str(exc))


def on_rule_picked(body: dict[str, Any], context: BoltContext) -> None:
    """A policy rule picked in the open form: show that rule's precedents (and the typed words')."""
    deps = deps_of(context)
    view = body.get("view") or {}
    values = read_values(view)
    picked = ((body.get("actions") or [{}])[0].get("selected_option") or {}).get("value")
    rule, _ = choose(picked or values.get(B.POLICY_RULE), values.get(B.POLICY_RULE_OTHER))
    prefill = Prefill(title=values.get(B.TITLE), source_text=values.get(B.SOURCE_TEXT), policy_rule=rule)
    updated = with_precedents(view, form_precedents(deps, prefill), before=B.TITLE)
    try:
        deps.client.views_update(view_id=str(view.get("id", "")), hash=view.get("hash"), view=updated)
    except SlackApiError as exc:  # a stale hash or a closed form: the precedents simply stay as they were
        log.info("log form precedents not updated: %s", exc)


def form_precedents(deps: Deps, prefill: Prefill) -> list[Block]:
    """Past live decisions like the alert's (same rule first, then similar words): one bounded query."""
    about = " ".join(x for x in (prefill.title, prefill.source_text) if x)
    if not prefill.policy_rule and not about:
        return precedent_blocks((), title="Precedents", empty=NO_CONTEXT)
    found = patterns.precedents_for(deps=deps, policy_rule=prefill.policy_rule, about=about)
    return precedent_blocks(found, title="Precedents: past live decisions like this one")


def _permalink(client: WebClient, channel: str, message_ts: str) -> str | None:
    """The message's permalink, or None when the bot cannot read that message."""
    if not channel or not message_ts:
        return None
    try:
        link = client.chat_getPermalink(channel=channel, message_ts=message_ts).get("permalink")
        return str(link) if link else None
    except Exception as exc:  # any failure only means the engineer pastes the link
        log.info("no permalink for the shortcut's message: %s", exc)
        return None


def message_text(message: dict[str, Any]) -> str:
    """A message's readable text: its `text`, else its attachments' text or fallback."""
    text = str(message.get("text") or "").strip()
    if text:
        return text
    parts = [str(a.get("text") or a.get("fallback") or "").strip() for a in message.get("attachments") or []]
    return "\n".join(p for p in parts if p)


def register(app: App, deps: Deps) -> None:
    """The `log` subcommand, the Home section, the shortcut, the Home button and the form."""
    # getPermalink runs inside the 3 s trigger window, so it gets a short timeout and no retries.
    deps.extras.setdefault(FAST_CLIENT, make_client(deps.settings, retries=False, timeout=2))
    deps.router.add(
        Subcommand(
            "log", "log", "record a live exception decision for review", log_command, roles=live_log.LOGGERS
        )
    )
    deps.add_home_section(50, partial(live_log.live_home_section, deps))
    app.shortcut(Shortcut.HANDLE_AS_EXCEPTION)(ack=ack_now, lazy=[on_shortcut])
    app.action(Action.HOME_LOG)(ack=ack_now, lazy=[on_home_button])
    app.view(Callback.LOG_DECISION)(ack=on_submit, lazy=[save])
    app.action(B.VERDICT)(ack=ack_now, lazy=[on_verdict_picked])
    app.action(B.POLICY_RULE)(ack=ack_now, lazy=[on_rule_picked])
