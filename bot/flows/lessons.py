"""Wrap-up lessons: the thread under the wrap-up announcement, the form, saving one, the PM's summary.

The ``wrap-up`` announcement (``announcements`` in the program file) gets a thread reply
with "What went well" / "What was hard"; each opens a short form. One of each kind per
person and ISO week; anonymous ones are stored with no link to the person.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.db.models import Person
from bot.deps import Deps
from bot.domain import deliveries
from bot.domain.errors import DomainError
from bot.domain.lessons import already, lessons_report, submit_lesson
from bot.domain.people import PersonView, active_with_role
from bot.domain.post_survey import RESPONDENTS
from bot.domain.timezones import local_today
from bot.domain.vocab import Role
from bot.domain.weeks import iso_week
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.lessons import (
    lesson_modal,
    lessons_home_blocks,
    wrapup_thread_blocks,
)

WRAP_UP = "wrap-up"  # the announcement whose post opens the lessons thread
ANNOUNCEMENTS_JOB = "announcements"
THREAD_JOB = "wrap-up-lessons"
NOT_FOR_YOU = "Wrap-up lessons are for the program's engineers, mentors and leads."


def _author(session: Session, slack_user_id: str) -> Person:
    return active_with_role(
        session=session, slack_user_id=slack_user_id, roles=RESPONDENTS, refusal=NOT_FOR_YOU
    )


def _check_week(week: str, today: date) -> None:
    if week not in {iso_week(today), iso_week(today - timedelta(weeks=1))}:
        raise DomainError(f"Lessons for {week} are closed; the next wrap-up thread opens new ones.")


def lesson_form(*, deps: Deps, slack_user_id: str, week: str, kind: str) -> View:
    """The lesson form for ``week`` and ``kind``, unless this person gave that kind already."""
    with transaction(deps.sessions) as session:
        person = _author(session, slack_user_id)
        _check_week(week, local_today(person, deps.program.timezone, deps.clock.now()))
        if already(session=session, person_id=person.id, week=week, kind=kind):
            raise DomainError(f"You already shared this for {week}: thank you.")
    return lesson_modal(week=week, kind=kind)


def submit_lesson_answer(
    *, deps: Deps, slack_user_id: str, week: str, kind: str, text: str, attributed: bool
) -> None:
    """Store one lesson (anonymous ones with no link to the person)."""
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        person = _author(session, slack_user_id)
        _check_week(week, local_today(person, deps.program.timezone, now))
        submit_lesson(
            session=session, now=now, person=person, week=week, kind=kind, text=text, attributed=attributed
        )


def enqueue_wrapup_threads(*, deps: Deps, periods: list[tuple[str, str]], now: datetime) -> int:
    """For each posted (or pending) wrap-up announcement ``(channel, period)``: its lessons thread, once."""
    created = 0
    minimum = deps.program.thresholds.survey_anonymity_min
    with transaction(deps.sessions) as session:
        for channel, period in periods:
            parent = deliveries.find_delivery(
                session=session, job=ANNOUNCEMENTS_JOB, period=period, recipient=channel
            )
            if parent is None or parent.status in ("failed", "missed", "skipped"):
                continue
            week = iso_week(date.fromisoformat(period.split(":", 1)[1]))
            blocks = wrapup_thread_blocks(week=week, minimum=minimum)
            done = deliveries.enqueue(
                session=session,
                now=now,
                job=THREAD_JOB,
                recipient=channel,
                period=period,
                method="chat.postMessage",
                payload={
                    "channel": channel,
                    "text": f"Lessons for {week}: what went well, what was hard?",
                    "blocks": to_dicts(blocks),
                },
                parent=parent,
            )
            created += int(done.created)
    if created:
        deps.dispatcher.kick()
    return created


def lessons_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """PM Home: the newest week's lessons summary."""
    if not person.has_any({Role.PM}):
        return []
    return lessons_home_blocks(weeks=lessons_report(session=session, program=deps.program))
