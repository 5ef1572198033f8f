"""The evening sync: an engineer's day in numbers, their answer, and their mentor's overview."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Decision, Delivery, Person, SyncResponse
from bot.domain.errors import DomainError
from bot.domain.timezones import person_zone, zone_or_none
from bot.domain.weeks import day_bounds

STATUSES = ("all_good", "blockers")
MAX_BLOCKERS = 2000
SYNC_JOB = "daily-sync"
ANSWER_DAYS = 7


@dataclass(frozen=True)
class DaySummary:
    """What an engineer did on one local day, for their sync DM."""

    day: date
    live_by_verdict: dict[str, int] = field(default_factory=dict)
    practice: int = 0
    titles: tuple[str, ...] = ()
    pending_reviews: int = 0

    @property
    def live_total(self) -> int:
        return sum(self.live_by_verdict.values())


def day_summaries(
    *, session: Session, person_ids: list[int], day: date, start: datetime, end: datetime
) -> dict[int, DaySummary]:
    """Summaries for people sharing one local day window ``[start, end)`` (one query per kind)."""
    if not person_ids:
        return {}
    counts = session.execute(
        select(Decision.person_id, Decision.kind, Decision.verdict, func.count())
        .where(Decision.person_id.in_(person_ids), Decision.decided_at >= start, Decision.decided_at < end)
        .group_by(Decision.person_id, Decision.kind, Decision.verdict)
    ).all()
    titles = session.execute(
        select(Decision.person_id, Decision.title)
        .where(
            Decision.person_id.in_(person_ids),
            Decision.kind == "live",
            Decision.decided_at >= start,
            Decision.decided_at < end,
        )
        .order_by(Decision.decided_at)
    ).all()
    pending = session.execute(
        select(Decision.person_id, func.count())
        .where(Decision.person_id.in_(person_ids), Decision.review_status == "pending")
        .group_by(Decision.person_id)
    ).all()
    live: dict[int, Counter[str]] = {pid: Counter() for pid in person_ids}
    practice: Counter[int] = Counter()
    for person_id, kind, verdict, count in counts:
        if kind == "live":
            live[person_id][verdict] += count
        else:
            practice[person_id] += count
    names: dict[int, list[str]] = {pid: [] for pid in person_ids}
    for person_id, title in titles:
        names[person_id].append(title)
    waiting = {person_id: count for person_id, count in pending}
    return {
        pid: DaySummary(
            day=day,
            live_by_verdict=dict(live[pid]),
            practice=practice[pid],
            titles=tuple(names[pid][:5]),
            pending_reviews=waiting.get(pid, 0),
        )
        for pid in person_ids
    }


def validate_blockers(
    *, blockers: str | None, mood: str | None
) -> tuple[tuple[str, int] | None, dict[str, str]]:
    """The blockers modal's fields, or errors keyed by field name."""
    errors: dict[str, str] = {}
    text = (blockers or "").strip()
    if not text:
        errors["blockers"] = "Describe what is blocking you (a sentence is enough)."
    elif len(text) > MAX_BLOCKERS:
        errors["blockers"] = f"Keep this under {MAX_BLOCKERS} characters (it has {len(text)})."
    try:
        level = int(str(mood))
    except (TypeError, ValueError):
        level = 0
    if not 1 <= level <= 5:
        errors["mood"] = "Pick how the day felt, from 1 (rough) to 5 (great)."
    return (None, errors) if errors else ((text, level), {})


@dataclass(frozen=True)
class SyncRecorded:
    response: SyncResponse
    changed: bool  # False: a double click or a retry repeated the stored answer


def _answer(response: SyncResponse | None) -> dict[str, Any] | None:
    if response is None:
        return None
    return {"status": response.status, "blockers": response.blockers, "mood": response.mood}


def record_sync(
    *,
    session: Session,
    now: datetime,
    person: Person,
    day: date,
    status: str,
    blockers: str | None = None,
    mood: int | None = None,
) -> SyncRecorded:
    """Store (or replace) someone's answer for ``day``; one row per person and day, audited."""
    if status not in STATUSES:
        raise DomainError(f"Unknown sync answer {status!r}.")
    if status == "blockers" and not (blockers or "").strip():
        raise DomainError("Describe your blockers.")
    query = select(SyncResponse).where(SyncResponse.person_id == person.id, SyncResponse.day == day)
    response = session.execute(query).scalar_one_or_none()
    before: dict[str, Any] | None = None
    if response is None:
        fresh = SyncResponse(
            person_id=person.id, day=day, status=status, blockers=blockers, mood=mood, submitted_at=now
        )
        try:
            with session.begin_nested():
                session.add(fresh)
                session.flush()
            response = fresh
        except IntegrityError:
            # A concurrent click stored an answer first; ours replaces it below.
            response = session.execute(query).scalar_one()
        else:
            return _audited(session, now, person, day, None, response)
    before = _answer(response)
    if before == {"status": status, "blockers": blockers, "mood": mood}:
        return SyncRecorded(response, False)
    response.status, response.blockers, response.mood, response.submitted_at = status, blockers, mood, now
    session.flush()
    return _audited(session, now, person, day, before, response)


def _audited(
    session: Session,
    now: datetime,
    person: Person,
    day: date,
    before: dict[str, Any] | None,
    response: SyncResponse,
) -> SyncRecorded:
    append_event(
        session=session,
        now=now,
        actor=person.slack_user_id,
        action="sync.answered",
        subject_type="person",
        subject_id=person.slack_user_id,
        payload={"day": day.isoformat(), "before": before, "after": _answer(response)},
    )
    return SyncRecorded(response, True)


def get_sync(*, session: Session, person_id: int, day: date) -> SyncResponse | None:
    return session.execute(
        select(SyncResponse).where(SyncResponse.person_id == person_id, SyncResponse.day == day)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class MenteeDay:
    """One line of a mentor's daily overview."""

    slack_user_id: str
    name: str
    state: str  # all_good | blockers | no_answer | skipped | not_asked
    blockers: str | None = None
    mood: int | None = None
    note: str | None = None  # why skipped
    live_decisions: int = 0


def mentor_day(
    *, session: Session, mentees: list[Person], day: date, summaries: dict[int, DaySummary]
) -> list[MenteeDay]:
    """Each mentee's sync state for ``day``: answered, waiting, skipped (and why) or not asked."""
    if not mentees:
        return []
    ids = [m.id for m in mentees]
    answers = {
        r.person_id: r
        for r in session.execute(
            select(SyncResponse).where(SyncResponse.person_id.in_(ids), SyncResponse.day == day)
        ).scalars()
    }
    sends = {
        d.recipient: d
        for d in session.execute(
            select(Delivery).where(
                Delivery.job == SYNC_JOB,
                Delivery.period == day.isoformat(),
                Delivery.recipient.in_([m.slack_user_id for m in mentees]),
            )
        ).scalars()
    }
    lines: list[MenteeDay] = []
    for mentee in mentees:
        live = summaries[mentee.id].live_total if mentee.id in summaries else 0
        answer = answers.get(mentee.id)
        send = sends.get(mentee.slack_user_id)
        if answer is not None:
            lines.append(
                MenteeDay(
                    mentee.slack_user_id, mentee.name, answer.status, answer.blockers, answer.mood, None, live
                )
            )
        elif send is not None and send.status in ("skipped", "missed", "failed"):
            note = send.last_error if send.status == "skipped" else f"sync {send.status}"
            lines.append(
                MenteeDay(mentee.slack_user_id, mentee.name, "skipped", note=note, live_decisions=live)
            )
        elif send is not None:
            lines.append(MenteeDay(mentee.slack_user_id, mentee.name, "no_answer", live_decisions=live))
        else:
            lines.append(MenteeDay(mentee.slack_user_id, mentee.name, "not_asked", live_decisions=live))
    return lines


def summaries_for(
    *, session: Session, people: list[Person], day: date, program_tz: str
) -> dict[int, DaySummary]:
    """Day summaries for people in any mix of timezones (one query set per zone)."""
    by_zone: dict[str, list[Person]] = {}
    for person in people:
        by_zone.setdefault(person_zone(person, program_tz).key, []).append(person)
    found: dict[int, DaySummary] = {}
    for key, group in by_zone.items():
        start, end = day_bounds(day, zone_or_none(key) or person_zone(group[0], program_tz))
        found.update(
            day_summaries(session=session, person_ids=[p.id for p in group], day=day, start=start, end=end)
        )
    return found


def is_sync_dm(*, session: Session, slack_user_id: str, day: date, channel: str, ts: str) -> bool:
    """Whether ``channel``/``ts`` is the sync DM this person was sent for ``day``.

    An answer may only edit that message: the location comes from the blockers form's
    metadata, and a forged form must not get the bot to overwrite some other message.
    """
    found = session.execute(
        select(Delivery.id).where(
            Delivery.job == SYNC_JOB,
            Delivery.recipient == slack_user_id,
            Delivery.period == day.isoformat(),
            Delivery.channel == channel,
            Delivery.ts == ts,
        )
    ).first()
    return found is not None


def check_answerable(*, day: date, today: date) -> None:
    """Syncs can be answered for today and the past week, never for the future."""
    if day > today:
        raise DomainError("That sync is for a day that has not started yet where you are.")
    if day < today - timedelta(days=ANSWER_DAYS):
        raise DomainError(f"The sync for {day.isoformat()} is closed; answer today's with `/casebook sync`.")
