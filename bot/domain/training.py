"""Training weeks: the program file's sessions as instants, and the records of what people did.

Sessions come from ``program.training`` (dates, or program week + weekday, at program-local
times); attendance, labs and the Week-10 sign-offs are rows keyed on the stable ids there,
so a repeated click, command or replay changes nothing. Who may correct or sign off for
whom is decided here: a mentor for their mentees, leads and admins for anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Decision, Person
from bot.db.models_training import TrainingAttendance, TrainingLab, TrainingSignOff
from bot.domain.errors import Conflict, DomainError, Forbidden, NotFound
from bot.domain.people import mentor_of
from bot.domain.vocab import ENGINEERS, QUEUE_ALL_ROLES
from bot.program import WEEKDAYS, Program
from bot.program_training import Lab, TrainingSession

PRESENT, ABSENT = "present", "absent"
REAL_EXCEPTIONS, TESTING_ENVIRONMENT = "real_exceptions", "testing_environment"
MILESTONE_LABELS = {
    REAL_EXCEPTIONS: "5 real exceptions observed",
    TESTING_ENVIRONMENT: "testing environment sign-off",
}


@dataclass(frozen=True)
class PlannedSession:
    """A session of the program file with its local day and its UTC ``[start, end)``."""

    id: str
    title: str
    module: str | None
    labs: tuple[Lab, ...]
    hours: float
    day: date
    start: datetime
    end: datetime


def session_day(program: Program, item: TrainingSession) -> date:
    """The program-local date of a session (its ``date``, or its week and weekday)."""
    if item.date is not None:
        return item.date
    assert item.week is not None and item.day is not None  # the settings model insists on both
    monday = program.start_date - timedelta(days=program.start_date.weekday())
    return monday + timedelta(days=7 * (item.week - program.training.first_week) + WEEKDAYS.index(item.day))


def planned_sessions(program: Program) -> list[PlannedSession]:
    """Every session of the program file, in start order."""
    out = []
    for item in program.training.sessions:
        day = session_day(program, item)
        start = datetime.combine(day, item.start, tzinfo=program.tz)
        out.append(
            PlannedSession(
                id=item.id,
                title=item.title,
                module=item.module,
                labs=tuple(item.labs),
                hours=item.hours,
                day=day,
                start=start,
                end=start + timedelta(hours=item.hours),
            )
        )
    return sorted(out, key=lambda s: (s.start, s.id))


def find_session(program: Program, session_id: str) -> PlannedSession:
    """The session with this id; NotFound lists a few that exist."""
    for planned in planned_sessions(program):
        if planned.id == session_id.strip().lower():
            return planned
    known = ", ".join(s.id for s in planned_sessions(program)[:6]) or "none are configured"
    raise NotFound(f"There is no training session `{session_id}`. Session ids look like: {known}.")


def find_lab(program: Program, lab_id: str) -> tuple[Lab, PlannedSession]:
    """The lab with this id and the session that hands it out; NotFound names a few that exist."""
    for planned in planned_sessions(program):
        for lab in planned.labs:
            if lab.id == lab_id.strip().lower():
                return lab, planned
    labs = [lab.id for s in planned_sessions(program) for lab in s.labs]
    known = ", ".join(labs[:6]) or "none are configured"
    raise NotFound(f"There is no lab `{lab_id}`. Lab ids look like: {known}.")


def training_span(program: Program) -> tuple[date, date] | None:
    """The first and last session days (program-local), or None when no session is configured."""
    days = [s.day for s in planned_sessions(program)]
    return (min(days), max(days)) if days else None


def in_training(program: Program, today: date) -> bool:
    """Whether ``today`` is a training week: the weeks holding the first to the last session."""
    span = training_span(program)
    if span is None:
        return False
    first, last = span
    return first - timedelta(days=first.weekday()) <= today <= last + timedelta(days=6 - last.weekday())


def _attendance(session: Session, person_id: int, session_id: str) -> TrainingAttendance | None:
    return session.execute(
        select(TrainingAttendance).where(
            TrainingAttendance.person_id == person_id, TrainingAttendance.session_id == session_id
        )
    ).scalar_one_or_none()


@dataclass(frozen=True)
class CheckIn:
    """What a check-in click did: the status now on record, and whether a mentor had set it."""

    status: str
    changed: bool
    corrected: bool


def check_in(
    *,
    session: Session,
    now: datetime,
    person: Person,
    planned: PlannedSession,
    present: bool,
    opens: timedelta,
) -> CheckIn:
    """Record "I'm here" / "Can't make it" while the session is open; a mentor's correction stands."""
    if now < planned.start - opens:
        raise Conflict(f"The check-in for “{planned.title}” opens at its start; try again then.")
    if now >= planned.end:
        raise Conflict(
            f"The check-in for “{planned.title}” closed when the session ended, so nothing was recorded. "
            "If you were there, ask your mentor to correct your attendance."
        )
    status = PRESENT if present else ABSENT
    row = _attendance(session, person.id, planned.id)
    if row is not None and (row.source == "correction" or row.status == status):
        return CheckIn(status=row.status, changed=False, corrected=row.source == "correction")
    before = row.status if row else None
    if row is None:
        row = TrainingAttendance(person_id=person.id, session_id=planned.id, recorded_at=now)
        session.add(row)
    row.status, row.source, row.recorded_by, row.recorded_at = status, "checkin", person.id, now
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=person.slack_user_id,
        action="training.checked_in",
        subject_type="training_session",
        subject_id=planned.id,
        payload={"person": person.slack_user_id, "before": before, "after": status},
    )
    return CheckIn(status=status, changed=True, corrected=False)


def may_oversee(*, session: Session, actor: Person, mentee: Person) -> bool:
    """A mentor for their own mentees; leads and admins for anyone."""
    if actor.role_names & QUEUE_ALL_ROLES:
        return True
    mentor = mentor_of(session=session, person_id=mentee.id)
    return mentor is not None and mentor.id == actor.id


def _overseen(session: Session, actor: Person, mentee: Person, what: str) -> None:
    if actor.status != "active":
        raise Forbidden(f"Only mentors, leads and admins on the roster can {what}.")
    if not mentee.role_names & ENGINEERS:
        raise DomainError(f"{mentee.name} is not an engineer in the program, so there is nothing to {what}.")
    if not may_oversee(session=session, actor=actor, mentee=mentee):
        raise Forbidden(f"Only {mentee.name}'s mentor (or a lead or admin) can {what} for them.")


def correct_attendance(
    *, session: Session, now: datetime, actor: Person, mentee: Person, planned: PlannedSession, present: bool
) -> bool:
    """A mentor's correction (present / absent) of one session; returns whether it changed anything."""
    _overseen(session, actor, mentee, "correct attendance")
    if now < planned.start:
        raise Conflict(f"“{planned.title}” has not started yet; correct its attendance once it has.")
    status = PRESENT if present else ABSENT
    row = _attendance(session, mentee.id, planned.id)
    if row is not None and row.status == status and row.source == "correction":
        return False
    before = {"status": row.status, "source": row.source} if row else None
    if row is None:
        row = TrainingAttendance(person_id=mentee.id, session_id=planned.id, recorded_at=now)
        session.add(row)
    row.status, row.source, row.recorded_by, row.recorded_at = status, "correction", actor.id, now
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=actor.slack_user_id,
        action="training.attendance_corrected",
        subject_type="training_session",
        subject_id=planned.id,
        payload={"person": mentee.slack_user_id, "before": before, "after": {"status": status}},
    )
    return True


def mark_lab(*, session: Session, now: datetime, person: Person, lab: Lab, planned: PlannedSession) -> bool:
    """Mark a lab done (once its session has started); returns False when it already was."""
    if not person.role_names & ENGINEERS:
        raise DomainError("Labs are for engineers and pilots in the training weeks.")
    if now < planned.start:
        raise Conflict(
            f"“{lab.title}” is handed out in “{planned.title}” on {planned.day:%a %b} {planned.day.day}."
        )
    exists = session.execute(
        select(TrainingLab.id).where(TrainingLab.person_id == person.id, TrainingLab.lab_id == lab.id)
    ).first()
    if exists is not None:
        return False
    session.add(TrainingLab(person_id=person.id, lab_id=lab.id, done_at=now))
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=person.slack_user_id,
        action="training.lab_done",
        subject_type="training_lab",
        subject_id=lab.id,
        payload={"person": person.slack_user_id},
    )
    return True


def mock_count(*, session: Session, person_id: int) -> int:
    """Practice and assessment decisions: the mock exceptions of the testing environment."""
    count = session.execute(
        select(func.count(Decision.id)).where(
            Decision.person_id == person_id, Decision.kind.in_(("practice", "assessment"))
        )
    ).scalar_one()
    return int(count)


def sign_off(
    *, session: Session, now: datetime, actor: Person, mentee: Person, milestone: str, mock_needed: int
) -> bool:
    """A Week-10 sign-off; the testing environment's needs ``mock_needed`` mock exceptions first."""
    if milestone not in MILESTONE_LABELS:
        raise DomainError(f"Unknown milestone {milestone!r}.")
    label = MILESTONE_LABELS[milestone]
    _overseen(session, actor, mentee, f"sign off “{label}”")
    if milestone == TESTING_ENVIRONMENT:
        done = mock_count(session=session, person_id=mentee.id)
        if done < mock_needed:
            raise Conflict(
                f"Not yet: {mentee.name} has done {done} of the {mock_needed} mock exceptions the "
                f"testing-environment sign-off needs ({mock_needed - done} to go, in practice or the "
                "assessment). Sign off once they are done."
            )
    exists = session.execute(
        select(TrainingSignOff.id).where(
            TrainingSignOff.person_id == mentee.id, TrainingSignOff.milestone == milestone
        )
    ).first()
    if exists is not None:
        return False
    session.add(TrainingSignOff(person_id=mentee.id, milestone=milestone, signed_by=actor.id, signed_at=now))
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=actor.slack_user_id,
        action="training.signed_off",
        subject_type="person",
        subject_id=mentee.slack_user_id,
        payload={"milestone": milestone},
    )
    return True
