"""Logging a live decision: `/casebook log`, the *Handle as exception* shortcut, App Home, the modal.

The form opens straight after the ack (views.open needs the trigger within 3 s).
On submit everything is checked first and bad fields come back inline; then the
decision, its audit event, the review post and the engineer's receipt are written
in one transaction. If that fails nothing is kept and the form stays open saying
so, so the engineer can press Record again; the view id is the idempotency key, so
a retried or doubled submit records one decision.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.categories import Category, categories_path, load_categories
from bot.domain.decisions import record_decision
from bot.domain.errors import DomainError
from bot.domain.live import LiveInput, Prefill, prefill_from_message, seconds_to_decide, validate_live
from bot.domain.mentees import week_counts
from bot.domain.people import PersonView, find_by_slack_id, get_view
from bot.domain.vocab import PRACTITIONERS
from bot.domain.weeks import week_label, week_range
from bot.flows.notify import enqueue_review_post
from bot.flows.review_outbox import enqueue_logged_confirmation
from bot.slack.blocks.log_modal import log_modal
from bot.slack.blocks.mentor_home import live_summary_blocks
from bot.slack.client import make_client
from bot.slack.forms import justification_values, read_values
from bot.slack.ids import Action, Callback, Shortcut
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, LogMeta
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import SERVER_ERROR, reply_error, user_id_of

log = logging.getLogger(__name__)
SAVE_FAILED = "Couldn't save this just now and nothing was recorded. Press Record again in a moment."
OPEN_FAILED = "Slack didn't let me open the form in time. Please try again."
LOGGERS = PRACTITIONERS


def register(app: App, deps: Deps) -> None:
    # getPermalink runs inside the 3 s trigger window, so it gets a short timeout and no retries.
    fast = make_client(deps.settings, retries=False, timeout=2)
    deps.router.add(
        Subcommand(
            "log",
            "log",
            "record a live exception decision for review",
            handler=lambda ctx: _from_command(deps, ctx),
            roles=LOGGERS,
        )
    )
    deps.add_home_section(50, lambda session, person, now: _home_section(deps, session, person, now))

    @app.shortcut(Shortcut.HANDLE_AS_EXCEPTION)
    def on_shortcut(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if not _may_log(deps, respond, user_id_of(body)):
            return
        channel = str((body.get("channel") or {}).get("id") or "")
        message = body.get("message") or {}
        message_ts = str(body.get("message_ts") or message.get("ts") or "")
        permalink = _permalink(fast, channel, message_ts)
        prefill = prefill_from_message(text=message_text(message), permalink=permalink)
        meta = LogMeta(source="shortcut", channel=channel or None, message_ts=message_ts or None)
        _open(deps, str(body.get("trigger_id", "")), meta, prefill, respond)

    @app.action(Action.HOME_LOG)
    def on_home_button(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _open(deps, str(body.get("trigger_id", "")), LogMeta(source="home"), Prefill(), None)

    @app.view(Callback.LOG_DECISION)
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = read_values(view)
        try:
            meta = LogMeta.load(view.get("private_metadata"))
            categories = _categories(deps)
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
        problem = _save(deps, user_id_of(body), str(view.get("id", "")), meta, live)
        if problem:
            ack(response_action="errors", errors={B.TITLE: problem})
            return
        ack()
        deps.dispatcher.kick()


def _from_command(deps: Deps, ctx: CommandContext) -> None:
    meta = LogMeta(source="command", channel=ctx.channel_id or None)
    _open(deps, ctx.trigger_id, meta, Prefill(), ctx.respond)


def _categories(deps: Deps) -> tuple[Category, ...]:
    return load_categories(categories_path(deps.settings.casebook_scenarios))


def _may_log(deps: Deps, respond: Respond, slack_user_id: str) -> bool:
    try:
        with transaction(deps.sessions) as session:
            person = get_view(session=session, slack_user_id=slack_user_id)
    except Exception:
        log.exception("live decision: caller lookup failed")
        reply_error(respond, SERVER_ERROR)
        return False
    if person is None or not person.active:
        reply_error(respond, f"You're not on the Casebook roster yet; ask {deps.program.admins_contact}.")
        return False
    if not person.has_any(LOGGERS):
        reply_error(respond, "Logging live decisions is for engineers, pilots, mentors and leads.")
        return False
    return True


def _open(deps: Deps, trigger_id: str, meta: LogMeta, prefill: Prefill, respond: Respond | None) -> None:
    """Open the form; if Slack refuses, say so where we can (the caller can simply try again)."""
    meta = meta.model_copy(update={"opened_at": deps.clock.now().timestamp()})
    try:
        view = log_modal(categories=_categories(deps), prefill=prefill, meta=meta)
        deps.client.views_open(trigger_id=trigger_id, view=view.to_dict())
    except (SlackApiError, DomainError) as exc:
        log.warning("live decision form did not open: %s", exc)
        if respond is not None:
            reply_error(respond, OPEN_FAILED if isinstance(exc, SlackApiError) else str(exc))


def _permalink(client: Any, channel: str, message_ts: str) -> str | None:
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


def _epoch(ts: str | None) -> float | None:
    try:
        return float(ts) if ts else None
    except ValueError:
        return None


def _save(deps: Deps, slack_user_id: str, view_id: str, meta: LogMeta, live: LiveInput) -> str | None:
    """Write the decision and its notifications in one transaction; a message on failure."""
    now = deps.clock.now()
    raised_at = _epoch(meta.message_ts) if meta.source == "shortcut" else None
    try:
        with transaction(deps.sessions) as session:
            person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
            if person is None or person.status != "active" or not person.role_names & LOGGERS:
                return "Only engineers, pilots, mentors and leads on the roster can log live decisions."
            recorded = record_decision(
                session=session,
                now=now,
                person_id=person.id,
                actor=slack_user_id,
                kind="live",
                verdict=live.verdict,
                justification=live.justification,
                idempotency_key=f"live:{view_id}",
                category=live.category,
                title=live.title,
                source_url=live.source_url,
                source_text=live.source_text,
                seconds_to_decide=seconds_to_decide(
                    decided_at=now.timestamp(), raised_at=raised_at, opened_at=meta.opened_at
                ),
            )
            if recorded.created:
                channel = deps.program.channels.review
                enqueue_review_post(
                    session=session, now=now, channel=channel, decision_id=recorded.decision.id
                )
                enqueue_logged_confirmation(
                    session=session, now=now, decision=recorded.decision, engineer=person, channel=channel
                )
    except DomainError as exc:
        return str(exc)
    except Exception:
        log.exception("live decision could not be saved")
        return SAVE_FAILED
    return None


def _home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    if not person.has_any({"engineer", "pilot"}):
        return []
    week = week_label(now, deps.program.tz)
    start, end = week_range(week, deps.program.tz)
    counts = week_counts(session=session, person_id=person.id, start=start, end=end)
    return live_summary_blocks(
        week=week, logged=counts.live, pending=counts.pending, overturned=counts.overturned
    )
