"""Ledger sends around the evening sync: the DMs, a mentor's overview, and edits after an answer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Delivery, Person
from bot.domain import deliveries as ledger
from bot.domain.people import mentees_of, mentor_of
from bot.domain.sync import DaySummary, day_summaries, get_sync, mentor_day, summaries_for
from bot.domain.weeks import day_bounds
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.sync import mentor_summary_blocks, mentor_summary_text, sync_dm_blocks, sync_dm_text

SUMMARY_JOB = "sync-summary"
UPDATE_JOB = "sync-summary-update"
DM_UPDATE_JOB = "sync-dm-update"


def summary_payload(*, session: Session, mentor: Person, day: date, program_tz: str) -> dict[str, Any]:
    """The mentor's overview for ``day`` as it stands now."""
    mentees = mentees_of(session=session, mentor_id=mentor.id)
    summaries = summaries_for(session=session, people=mentees, day=day, program_tz=program_tz)
    lines = mentor_day(session=session, mentees=mentees, day=day, summaries=summaries)
    return {
        "channel": mentor.slack_user_id,
        "text": mentor_summary_text(day=day, lines=lines),
        "blocks": to_dicts(mentor_summary_blocks(day=day, lines=lines)),
    }


@dataclass(frozen=True)
class SyncAsk:
    """One evening sync DM to build: to whom, in which timezone, for which of their local days."""

    person_id: int
    name: str
    channel: str
    tz: ZoneInfo
    day: date


def sync_dm_payloads(*, session: Session, asks: Sequence[SyncAsk]) -> list[dict[str, Any]]:
    """Each engineer's DM, with their decisions of that local day (one query set per zone and day)."""
    groups: dict[tuple[str, date], list[SyncAsk]] = defaultdict(list)
    for ask in asks:
        groups[(ask.tz.key, ask.day)].append(ask)
    summaries: dict[tuple[int, date], DaySummary] = {}
    for (_, day), members in groups.items():
        start, end = day_bounds(day, members[0].tz)
        found = day_summaries(
            session=session, person_ids=[m.person_id for m in members], day=day, start=start, end=end
        )
        summaries.update({(pid, day): summary for pid, summary in found.items()})
    payloads = []
    for ask in asks:
        summary = summaries[(ask.person_id, ask.day)]
        blocks = sync_dm_blocks(name=ask.name, summary=summary)
        payloads.append({"channel": ask.channel, "text": sync_dm_text(summary), "blocks": to_dicts(blocks)})
    return payloads


def summary_payloads(
    *, session: Session, asks: Sequence[tuple[int, date]], program_tz: str
) -> list[dict[str, Any]]:
    """Mentor overviews, one per ``(mentor person id, day)``, as they stand now."""
    out = []
    for mentor_id, day in asks:
        mentor = session.get(Person, mentor_id)
        assert mentor is not None
        out.append(summary_payload(session=session, mentor=mentor, day=day, program_tz=program_tz))
    return out


def dm_payload(*, session: Session, person: Person, day: date, program_tz: str) -> dict[str, Any]:
    """An engineer's sync DM for ``day``, showing their answer if they gave one."""
    summary = summaries_for(session=session, people=[person], day=day, program_tz=program_tz)[person.id]
    answer = get_sync(session=session, person_id=person.id, day=day)
    return {
        "channel": person.slack_user_id,
        "text": sync_dm_text(summary),
        "blocks": to_dicts(
            sync_dm_blocks(
                name=person.name,
                summary=summary,
                answer=answer.status if answer else None,
                blockers=answer.blockers if answer else None,
            )
        ),
    }


def _enqueue_edit(
    *,
    session: Session,
    now: datetime,
    job: str,
    recipient: str,
    day: date,
    payload: dict[str, Any],
    parent: Delivery | None,
) -> Delivery | None:
    """A chat.update keyed ``day#n``; every answer gets its own row, so none is lost to a dedupe."""
    start = (
        ledger.count_prefixed(session=session, job=job, recipient=recipient, prefix=f"{day.isoformat()}#") + 1
    )
    for n in range(start, start + 20):
        result = ledger.enqueue(
            session=session,
            now=now,
            job=job,
            recipient=recipient,
            period=f"{day.isoformat()}#{n}",
            method="chat.update",
            payload=payload,
            parent=parent,
        )
        if result.created:
            return result.delivery
    return None


def enqueue_summary_update(
    *, session: Session, now: datetime, mentee: Person, day: date, program_tz: str
) -> Delivery | None:
    """After an answer: edit the mentor's overview for ``day`` if it exists (never a second post)."""
    mentor = mentor_of(session=session, person_id=mentee.id)
    if mentor is None:
        return None
    summary = ledger.find_delivery(
        session=session, job=SUMMARY_JOB, recipient=mentor.slack_user_id, period=day.isoformat()
    )
    if summary is None or summary.status not in ("pending", "sent"):
        return None  # not enqueued yet: it will be built with this answer in it
    payload = summary_payload(session=session, mentor=mentor, day=day, program_tz=program_tz)
    # The dispatcher fills in the posted overview's channel and ts (``_parent: ts``) at send time;
    # ``channel`` stays the mentor's id so pacing keeps the edit behind the post.
    payload["_parent"] = "ts"
    return _enqueue_edit(
        session=session,
        now=now,
        job=UPDATE_JOB,
        recipient=mentor.slack_user_id,
        day=day,
        payload=payload,
        parent=summary,
    )


def enqueue_dm_update(
    *, session: Session, now: datetime, person: Person, day: date, channel: str, ts: str, program_tz: str
) -> Delivery | None:
    """Show the recorded answer in the sync DM the engineer answered from (after the modal)."""
    payload = dm_payload(session=session, person=person, day=day, program_tz=program_tz)
    payload.update(channel=channel, ts=ts)
    return _enqueue_edit(
        session=session,
        now=now,
        job=DM_UPDATE_JOB,
        recipient=person.slack_user_id,
        day=day,
        payload=payload,
        parent=None,
    )
