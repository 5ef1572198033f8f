"""Approved exceptions at expiry: ask the engineer, record the answer, tell the mentor of delayed rework.

The question is a ledger DM keyed by the register entry, and the entry is marked asked in
the same transaction, so a rerun, a restart or a second replica asks once. The answer's
receipt and the mentor's notice are keyed the same way.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import read_transaction, transaction
from bot.deps import Deps
from bot.domain.errors import Conflict, Forbidden
from bot.domain.exception_register import (
    EntryView,
    due,
    entries,
    entry_view,
    mark_asked,
    mentees_delayed_rework,
    record_answer,
)
from bot.domain.people import PersonView, find_by_slack_id, mentor_of
from bot.domain.vocab import REVIEWERS
from bot.flows.notify import enqueue_dm
from bot.program import Program
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.expiry import (
    answered_blocks,
    mentor_home_blocks,
    mentor_notice_blocks,
    mentor_notice_text,
    question_blocks,
    question_text,
)

QUESTION_JOB = "exception-expiry"
ANSWERED_JOB = "exception-answered"
MENTOR_JOB = "exception-delayed-rework"
ALREADY = "You've already said how this exception ended; the first answer stands."


def entry_key(entry_id: int) -> str:
    return f"exception:{entry_id}"


def enqueue_expiry_questions(*, sessions: sessionmaker[Session], program: Program, at: datetime) -> int:
    """Ask about every open exception whose expiry day has come (program time); returns DMs enqueued."""
    today = at.astimezone(program.tz).date()
    created = 0
    with transaction(sessions) as session:
        for entry in due(session=session, today=today):
            view = entry_view(session=session, entry_id=entry.id)
            engineer = find_by_slack_id(session=session, slack_user_id=view.engineer_slack_id)
            if engineer is None or engineer.status != "active":
                continue  # nobody to ask; it stays open (and listed) for a lead to chase
            result = enqueue_dm(
                session=session,
                now=at,
                job=QUESTION_JOB,
                user_id=view.engineer_slack_id,
                period=entry_key(entry.id),
                text=question_text(view),
                blocks=to_dicts(question_blocks(view)),
            )
            mark_asked(session=session, now=at, entry=entry)
            created += int(result.created)
    return created


def open_answer(*, deps: Deps, slack_user_id: str, entry_id: int) -> EntryView:
    """The register entry for the answer form, if it is this person's and not answered yet."""
    with read_transaction(deps.sessions) as session:
        view = entry_view(session=session, entry_id=entry_id)
    if view.engineer_slack_id != slack_user_id:
        raise Forbidden("Only the engineer who approved this exception can say how it ended.")
    if view.status == "answered":
        raise Conflict(ALREADY)
    return view


def save_answer(
    *,
    deps: Deps,
    slack_user_id: str,
    entry_id: int,
    conditions_met: str | None,
    outcome: str | None,
    note: str | None,
) -> EntryView:
    """Record the answer; DM the receipt and, for delayed rework, the engineer's mentor."""
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        entry, created = record_answer(
            session=session,
            now=now,
            entry_id=entry_id,
            slack_user_id=slack_user_id,
            conditions_met=conditions_met,
            outcome=outcome,
            note=note,
        )
        view = entry_view(session=session, entry_id=entry.id)
        if created:
            _notify(session=session, now=now, view=view, person_id=entry.person_id)
    deps.dispatcher.kick()
    return view


def _notify(*, session: Session, now: datetime, view: EntryView, person_id: int) -> None:
    key = entry_key(view.id)
    blocks = answered_blocks(view)
    enqueue_dm(
        session=session,
        now=now,
        job=ANSWERED_JOB,
        user_id=view.engineer_slack_id,
        period=key,
        text=f"Recorded how exception #{view.decision_id} ended",
        blocks=to_dicts(blocks),
    )
    mentor = mentor_of(session=session, person_id=person_id)
    if view.delayed_rework and mentor is not None and mentor.status == "active":
        enqueue_dm(
            session=session,
            now=now,
            job=MENTOR_JOB,
            user_id=mentor.slack_user_id,
            period=key,
            text=mentor_notice_text(view),
            blocks=to_dicts(mentor_notice_blocks(view)),
        )


def delayed_rework_home_section(
    deps: Deps, session: Session, person: PersonView, now: datetime
) -> list[Block]:
    """Mentor Home: their mentees' exceptions that came back as delayed rework."""
    if not person.has_any(REVIEWERS):
        return []
    return mentor_home_blocks(mentees_delayed_rework(session=session, mentor_id=person.id))


def register_list(
    *, sessions: sessionmaker[Session], program: Program, now: datetime, expiring: int | None
) -> list[EntryView]:
    """The register for `casebook exceptions list`; ``expiring``: open ones expiring within that many days."""
    by: date | None = None
    if expiring is not None:
        by = now.astimezone(program.tz).date() + timedelta(days=expiring)
    with read_transaction(sessions) as session:
        return entries(session=session, expiring_by=by)
