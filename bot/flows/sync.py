"""The evening sync, from the engineer's side: answer it, open the blockers form, see today's.

Each function owns its transaction. An answer that changes what was recorded queues the
mentor's overview refresh and, when answered from the sync DM itself, that DM's refresh
(both through the delivery ledger, in the same transaction as the answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.db.models import Delivery, Person
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.people import find_by_slack_id
from bot.domain.sync import check_answerable, get_sync, is_sync_dm, record_sync
from bot.domain.timezones import local_today
from bot.domain.vocab import ENGINEERS
from bot.flows.sync_notify import dm_payload, enqueue_dm_update, enqueue_summary_update
from bot.slack.blocks.sync import blockers_modal
from bot.slack.metadata import SyncValue

STALE_BUTTON = "That button is no longer valid; use `/casebook sync` for today's sync."
NOT_ON_ROSTER = "You're not on the roster, so there is no sync to answer."
NOT_AN_ENGINEER = "The daily sync is for engineers and pilots; there is none for you to answer."


@dataclass(frozen=True)
class SyncAnswered:
    """What answering showed and sent: the refreshed DM (a payload) and how many edits were queued."""

    dm: dict[str, Any]
    queued: int


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(STALE_BUTTON) from None


def _answerable(deps: Deps, session: Session, slack_user_id: str, raw_day: str) -> tuple[Person, date]:
    """The engineer and the day they may answer for, or a DomainError saying why not."""
    person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
    if person is None or person.status != "active":
        raise DomainError(NOT_ON_ROSTER)
    if not person.role_names & ENGINEERS:  # the sync is only sent to engineers and pilots
        raise DomainError(NOT_AN_ENGINEER)
    day = _day(raw_day)
    check_answerable(day=day, today=local_today(person, deps.program.timezone, deps.clock.now()))
    return person, day


def answer_sync(
    *,
    deps: Deps,
    slack_user_id: str,
    meta: SyncValue,
    status: str,
    blockers: str | None = None,
    mood: int | None = None,
) -> SyncAnswered:
    """Record an answer (and queue the mentor's and the DM's refresh); returns the updated DM."""
    now, tz = deps.clock.now(), deps.program.timezone
    queued: list[Delivery | None] = []
    with transaction(deps.sessions) as session:
        person, day = _answerable(deps, session, slack_user_id, meta.day)
        recorded = record_sync(
            session=session, now=now, person=person, day=day, status=status, blockers=blockers, mood=mood
        )
        if recorded.changed:
            queued.append(
                enqueue_summary_update(session=session, now=now, mentee=person, day=day, program_tz=tz)
            )
            if (
                meta.channel
                and meta.message_ts
                and is_sync_dm(
                    session=session,
                    slack_user_id=slack_user_id,
                    day=day,
                    channel=meta.channel,
                    ts=meta.message_ts,
                )
            ):
                edit = enqueue_dm_update(
                    session=session,
                    now=now,
                    person=person,
                    day=day,
                    channel=meta.channel,
                    ts=meta.message_ts,
                    program_tz=tz,
                )
                queued.append(edit)
        dm = dm_payload(session=session, person=person, day=day, program_tz=tz)
    sent = sum(1 for row in queued if row is not None)
    if sent:
        deps.dispatcher.kick()
    return SyncAnswered(dm=dm, queued=sent)


def blockers_form(*, deps: Deps, slack_user_id: str, meta: SyncValue) -> View:
    """The blockers modal for the day in ``meta``, pre-filled with an earlier answer."""
    with transaction(deps.sessions) as session:
        person, day = _answerable(deps, session, slack_user_id, meta.day)
        existing = get_sync(session=session, person_id=person.id, day=day)
        initial = existing.blockers if existing else None
        mood = existing.mood if existing else None
    return blockers_modal(meta, initial=initial, mood=mood)


def todays_sync(*, deps: Deps, slack_user_id: str) -> dict[str, Any]:
    """Today's sync DM (as a payload) for someone on the roster, showing any answer they gave."""
    now, tz = deps.clock.now(), deps.program.timezone
    with transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
        if person is None:
            raise DomainError(NOT_ON_ROSTER)
        return dm_payload(session=session, person=person, day=local_today(person, tz, now), program_tz=tz)
