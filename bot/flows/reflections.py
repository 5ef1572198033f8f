"""Reflections: open the form, save it (and send the mentor their copy), the Home sections, the DM.

Only active engineers write one, on a reflection day the program names and until that
week's Sunday. Saving the same text again is a no-op; a change is a new revision, and
the mentor gets each revision once (the ledger key holds the revision number).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.db.models import Person
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.people import PersonView, active_with_role, find_by_slack_id, mentees_of, mentor_of
from bot.domain.reflections import (
    Saved,
    check_open,
    get_reflection,
    last_open_day,
    open_day,
    reflection_days,
    reflections_report,
    save_reflection,
)
from bot.domain.timezones import local_today
from bot.domain.vocab import ENGINEERS, Role
from bot.flows.notify import enqueue_dm
from bot.program import Program
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.reflections import (
    engineer_home_blocks,
    mentor_copy_blocks,
    mentor_home_blocks,
    pm_home_blocks,
    reflection_dm_blocks,
    reflection_modal,
)

NOT_FOR_YOU = "Reflections are for engineers in the program."
NONE_OPEN = "There is no reflection to write this week. The program's reflection days: {days}."
MENTOR_JOB = "reflection-mentor"


def _writer(session: Session, slack_user_id: str) -> Person:
    return active_with_role(
        session=session, slack_user_id=slack_user_id, roles=ENGINEERS, refusal=NOT_FOR_YOU
    )


def _day_for(program: Program, person: Person, now: datetime, day: date | None) -> date:
    today = local_today(person, program.timezone, now)
    chosen = day or open_day(program, today)
    if chosen is None:
        days = ", ".join(f"{d:%a %d %b}" for d in program.voices.reflections.dates(program.start_date))
        raise DomainError(NONE_OPEN.format(days=days))
    check_open(program=program, day=chosen, today=today)
    return chosen


def reflection_form(*, deps: Deps, slack_user_id: str, day: date | None) -> View:
    """The reflection form for ``day`` (default: the one open now), pre-filled when already written."""
    program = deps.program
    with transaction(deps.sessions) as session:
        person = _writer(session, slack_user_id)
        day = _day_for(program, person, deps.clock.now(), day)
        row = get_reflection(session=session, person_id=person.id, day=day)
        initial = dict(row.answers) if row else None
        shared = bool(row and row.shared_with_pm)
    return reflection_modal(
        day=day, questions=program.voices.reflections.questions, initial=initial, shared=shared
    )


def submit_reflection(
    *, deps: Deps, slack_user_id: str, day: date, answers: dict[str, str], share: bool
) -> Saved:
    """Save the reflection; on a change, queue the mentor's copy of this revision (once per revision)."""
    now = deps.clock.now()
    program = deps.program
    with transaction(deps.sessions) as session:
        person = _writer(session, slack_user_id)
        _day_for(program, person, now, day)
        saved = save_reflection(
            session=session, now=now, person=person, day=day, answers=answers, share=share
        )
        mentor = mentor_of(session=session, person_id=person.id)
        if saved.changed and mentor is not None and mentor.status == "active":
            blocks = mentor_copy_blocks(
                engineer=person.name,
                day=day,
                questions=program.voices.reflections.questions,
                answers=answers,
                revision=saved.revision,
            )
            enqueue_dm(
                session=session,
                now=now,
                job=MENTOR_JOB,
                user_id=mentor.slack_user_id,
                period=f"{day.isoformat()}:{person.slack_user_id}:r{saved.revision}",
                text=f"{person.name}'s reflection for {day:%a %d %b}",
                blocks=to_dicts(blocks),
            )
    if saved.changed:
        deps.dispatcher.kick()
    return saved


def reflection_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """App Home: the open reflection for an engineer; who has written for the PM (never the text)."""
    program = deps.program
    record = find_by_slack_id(session=session, slack_user_id=person.slack_user_id)
    if record is None:
        return []
    today = local_today(record, program.timezone, now)
    blocks: list[Block] = []
    if person.has_any(ENGINEERS):
        day = open_day(program, today)
        if day is not None:
            written = get_reflection(session=session, person_id=record.id, day=day) is not None
            blocks.extend(engineer_home_blocks(day=day, written=written))
    if person.has_any({Role.MENTOR, Role.LEAD}):
        blocks.extend(_mentor_blocks(session, program, record, today))
    if person.has_any({Role.PM}):
        blocks.extend(
            pm_home_blocks(reports=reflections_report(session=session, program=program), today=today)
        )
    return blocks


def _mentor_blocks(session: Session, program: Program, mentor: Person, today: date) -> list[Block]:
    """The newest reflection day so far (until a week after it), for the mentor's active mentees."""
    days = [d for d in reflection_days(program) if d <= today <= d + timedelta(days=7)]
    if not days:
        return []
    mentees = [m for m in mentees_of(session=session, mentor_id=mentor.id) if m.status == "active"]
    rows = []
    for mentee in mentees:
        row = get_reflection(session=session, person_id=mentee.id, day=days[-1])
        rows.append((mentee.name, dict(row.answers) if row else None))
    return mentor_home_blocks(day=days[-1], mentees=rows)


def reflection_dm(*, program: Program, channel: str, day: date) -> dict[str, Any]:
    """The reflection-day DM with its "Write my reflection" button."""
    questions = len(program.voices.reflections.questions)
    return {
        "channel": channel,
        "text": f"Your reflection for {day:%a %d %b}: {questions} short questions",
        "blocks": to_dicts(reflection_dm_blocks(day=day, questions=questions, until=last_open_day(day))),
    }
