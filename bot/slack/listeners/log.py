"""Logging a live decision: `/casebook log`, the *Handle as exception* shortcut, App Home, the modal.

The form opens straight after the ack (views.open needs the trigger within 3 s). On submit
everything is checked first and bad fields come back inline; then bot.flows.live_log saves
it in one transaction. If that fails nothing is kept and the form stays open saying so, so
the engineer can press Record again.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.live import Prefill, prefill_from_message, validate_live
from bot.flows import live_log
from bot.flows.alert_notes import Handling, who_is_handling
from bot.slack.blocks.log_modal import handling_warning, log_modal, with_verdict
from bot.slack.client import make_client
from bot.slack.forms import justification_values, read_values
from bot.slack.ids import Action, Callback, Shortcut
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, LogMeta
from bot.slack.middleware import deps_of, form_errors, replies_on_error, tell
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import reply_error, user_id_of

log = logging.getLogger(__name__)
SAVE_FAILED = "Couldn't save this just now and nothing was recorded. Press Record again in a moment."
OPEN_FAILED = "Slack didn't let me open the form in time. Please try again."
FAST_CLIENT = "log.fast_client"


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
def on_shortcut(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Handle as exception* on an alert: the form, prefilled from the message and its link."""
    ack()
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


def on_home_button(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """*Log a live decision* on App Home (a forged click from another role opens nothing)."""
    ack()
    deps = deps_of(context)
    refusal = live_log.refusal(deps=deps, slack_user_id=user_id_of(body))
    if refusal:
        tell(deps, body, respond, refusal)
        return
    _open(deps, str(body.get("trigger_id", "")), LogMeta(source="home"), Prefill(), None)


@form_errors("saving a live decision", block_id=B.TITLE, failed=SAVE_FAILED)
def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """The form: bad fields inline; else the decision, its review post and receipt in one go."""
    deps = deps_of(context)
    values = read_values(view)
    try:
        meta = LogMeta.load(view.get("private_metadata"))
        categories = live_log.categories(deps=deps)
    except (BadMetadata, DomainError) as exc:
        log.warning("log modal cannot be processed: %s", exc)
        ack(response_action="errors", errors={B.TITLE: SAVE_FAILED})
        return
    live, errors = validate_live(
        title=values.get(B.TITLE),
        category=values.get(B.CATEGORY),
        categories={c.id for c in categories},
        source_url=values.get(B.SOURCE_URL),
        source_text=values.get(B.SOURCE_TEXT),
        verdict=values.get(B.VERDICT),
        **justification_values(values),
    )
    if live is None:
        ack(response_action="errors", errors=errors)
        return
    view_id = str(view.get("id", ""))
    live_log.save_live_decision(
        deps=deps, slack_user_id=user_id_of(body), view_id=view_id, meta=meta, live=live
    )
    ack()


def on_verdict_picked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """A verdict picked in the open form: mark the field it requires (submit checks it either way)."""
    ack()
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
        view = log_modal(categories=categories, prefill=prefill, meta=meta, warning=warning)
        deps.client.views_open(trigger_id=trigger_id, view=view.to_dict())
    except (SlackApiError, DomainError) as exc:
        log.warning("live decision form did not open: %s", exc)
        if respond is not None:
            reply_error(respond, OPEN_FAILED if isinstance(exc, SlackApiError) else str(exc))


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
    app.shortcut(Shortcut.HANDLE_AS_EXCEPTION)(on_shortcut)
    app.action(Action.HOME_LOG)(on_home_button)
    app.view(Callback.LOG_DECISION)(on_submit)
    app.action(B.VERDICT)(on_verdict_picked)
