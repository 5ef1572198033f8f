"""The evening sync: All good / I have blockers, the blockers modal, and `/casebook sync`."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.people import find_by_slack_id
from bot.domain.sync import check_answerable, get_sync, is_sync_dm, record_sync, validate_blockers
from bot.domain.timezones import local_today
from bot.domain.vocab import ENGINEERS
from bot.flows.sync_notify import dm_payload, enqueue_dm_update, enqueue_summary_update
from bot.slack.blocks.sync import blockers_modal
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, SyncValue
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import SERVER_ERROR, reply_error, user_id_of

log = logging.getLogger(__name__)
STALE_BUTTON = "That button is no longer valid; use `/casebook sync` for today's sync."
SAVE_FAILED = "Something went wrong and nothing was saved. Please try again."


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(STALE_BUTTON) from None


def answer(
    deps: Deps,
    user_id: str,
    meta: SyncValue,
    *,
    status: str,
    blockers: str | None = None,
    mood: int | None = None,
) -> dict[str, Any]:
    """Record an answer (and queue the mentor's and the DM's refresh); returns the updated DM."""
    now, tz = deps.clock.now(), deps.program.timezone
    with transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=user_id)
        if person is None or person.status != "active":
            raise DomainError("You're not on the roster, so there is no sync to answer.")
        day = _day(meta.day)
        check_answerable(day=day, today=local_today(person, tz, now))
        recorded = record_sync(
            session=session, now=now, person=person, day=day, status=status, blockers=blockers, mood=mood
        )
        if recorded.changed:
            enqueue_summary_update(session=session, now=now, mentee=person, day=day, program_tz=tz)
            if (
                meta.channel
                and meta.message_ts
                and is_sync_dm(
                    session=session, slack_user_id=user_id, day=day, channel=meta.channel, ts=meta.message_ts
                )
            ):
                enqueue_dm_update(
                    session=session,
                    now=now,
                    person=person,
                    day=day,
                    channel=meta.channel,
                    ts=meta.message_ts,
                    program_tz=tz,
                )
        return dm_payload(session=session, person=person, day=day, program_tz=tz)


def _value(body: dict[str, Any]) -> SyncValue:
    actions = body.get("actions") or [{}]
    try:
        return SyncValue.load(actions[0].get("value"))
    except BadMetadata:
        raise DomainError(STALE_BUTTON) from None


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "sync",
            "sync",
            "answer today's evening sync now",
            handler=lambda ctx: _command(deps, ctx),
            roles=ENGINEERS,
        )
    )

    @app.action(Action.SYNC_ALL_GOOD)
    def all_good(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        try:
            dm = answer(deps, user_id_of(body), _value(body), status="all_good")
        except DomainError as exc:
            reply_error(respond, str(exc))
            return
        except Exception:
            log.exception("sync answer failed")
            reply_error(respond, SERVER_ERROR)
            return
        deps.dispatcher.kick()
        respond(text=dm["text"], blocks=dm["blocks"], replace_original=True)

    @app.action(Action.SYNC_BLOCKERS)
    def open_blockers(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        try:
            value = _value(body)
            container = body.get("container") or {}
            in_dm = not container.get("is_ephemeral") and container.get("type") == "message"
            meta = SyncValue(
                day=value.day,
                channel=container.get("channel_id") if in_dm else None,
                message_ts=container.get("message_ts") if in_dm else None,
            )
            with transaction(deps.sessions) as session:
                person = find_by_slack_id(session=session, slack_user_id=user_id_of(body))
                if person is None or person.status != "active":
                    raise DomainError("You're not on the roster, so there is no sync to answer.")
                day = _day(value.day)
                check_answerable(day=day, today=local_today(person, deps.program.timezone, deps.clock.now()))
                existing = get_sync(session=session, person_id=person.id, day=day)
            view = blockers_modal(
                meta,
                initial=existing.blockers if existing else None,
                mood=existing.mood if existing else None,
            )
            deps.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())
        except DomainError as exc:
            reply_error(respond, str(exc))
        except Exception:
            log.exception("opening the blockers modal failed")
            reply_error(respond, SERVER_ERROR)

    @app.view(Callback.SYNC_BLOCKERS)
    def submit_blockers(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = read_values(view)
        parsed, errors = validate_blockers(blockers=values.get(B.BLOCKERS), mood=values.get(B.MOOD))
        if parsed is None:
            ack(response_action="errors", errors={B(k): v for k, v in errors.items()})
            return
        # Saved before the ack (one small transaction) so a failure shows in the modal, not lost.
        try:
            answer(
                deps,
                user_id_of(body),
                SyncValue.load(view.get("private_metadata")),
                status="blockers",
                blockers=parsed[0],
                mood=parsed[1],
            )
        except (DomainError, BadMetadata) as exc:
            ack(
                response_action="errors",
                errors={B.BLOCKERS: str(exc) if isinstance(exc, DomainError) else STALE_BUTTON},
            )
            return
        except Exception:
            log.exception("sync blockers failed")
            ack(response_action="errors", errors={B.BLOCKERS: SAVE_FAILED})
            return
        ack()
        deps.dispatcher.kick()


def _command(deps: Deps, ctx: CommandContext) -> None:
    """`/casebook sync`: today's sync as an ephemeral message with the same buttons."""
    now, tz = deps.clock.now(), deps.program.timezone
    with transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=ctx.person.slack_user_id)
        assert person is not None
        dm = dm_payload(session=session, person=person, day=local_today(person, tz, now), program_tz=tz)
    ctx.respond(text=dm["text"], blocks=dm["blocks"], response_type="ephemeral", replace_original=False)
