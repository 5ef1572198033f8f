"""Training weeks, one function per action: check in, correct, mark a lab, sign off, App Home.

Each function owns its transaction and returns what to show. Sign-offs tell the engineer
by DM through the delivery ledger, keyed (job, engineer, milestone), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.db.models import Person
from bot.deps import Deps
from bot.domain import training as domain
from bot.domain.errors import DomainError
from bot.domain.people import PersonView, find_by_slack_id, mentees_of
from bot.domain.scheduling import people_with_roles
from bot.domain.training import MILESTONE_LABELS, PlannedSession, find_session, in_training, planned_sessions
from bot.domain.training_report import TrainingProgress, training_progress
from bot.domain.vocab import ENGINEERS, QUEUE_ALL_ROLES, REVIEWERS, SCORECARD_VIEWERS
from bot.flows.notify import enqueue_dm
from bot.program import Program
from bot.slack.blocks.common import esc, to_dicts
from bot.slack.blocks.training import (
    checkin_blocks,
    cohort_blocks,
    correction_modal,
    engineer_blocks,
    mentor_blocks,
    session_when,
)

CHECKIN_JOB = "training-checkin"
SIGNED_OFF_JOB = "training-signoff"
NOT_ON_ROSTER = "You're not on the roster, so there is no training record to change."


def _module_title(program: Program, module: str | None) -> str | None:
    return next((m.title for m in program.training.modules if m.id == module), None)


def checkin_payload(*, program: Program, channel: str, planned: PlannedSession) -> dict[str, Any]:
    """The check-in DM for one session (built by the job at the session's start)."""
    blocks = checkin_blocks(
        planned=planned,
        module=_module_title(program, planned.module),
        tz=program.tz,
        status=None,
        target=program.training.attendance_target,
    )
    when = session_when(planned, program.tz)
    return {
        "channel": channel,
        "text": f"Training check-in: {esc(planned.title)} ({when})",
        "blocks": to_dicts(blocks),
    }


def _person(session: Session, slack_user_id: str) -> Person:
    person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
    if person is None or person.status != "active":
        raise DomainError(NOT_ON_ROSTER)
    return person


def answer_checkin(*, deps: Deps, slack_user_id: str, session_id: str, present: bool) -> dict[str, Any]:
    """Record a check-in click; returns the DM as it now reads (a late click raises, saying why)."""
    program, now = deps.program, deps.clock.now()
    planned = find_session(program, session_id)
    opens = timedelta(minutes=program.training.checkin_opens_minutes)
    with transaction(deps.sessions) as session:
        person = _person(session, slack_user_id)
        if not person.role_names & ENGINEERS:
            raise DomainError("Training check-ins are for engineers and pilots.")
        done = domain.check_in(
            session=session, now=now, person=person, planned=planned, present=present, opens=opens
        )
    blocks = checkin_blocks(
        planned=planned,
        module=_module_title(program, planned.module),
        tz=program.tz,
        status=done.status,
        corrected=done.corrected,
        target=program.training.attendance_target,
    )
    return {"text": f"Training check-in: {esc(planned.title)}", "blocks": to_dicts(blocks)}


def correct_attendance(
    *, deps: Deps, actor_slack_id: str, slack_user_id: str, session_id: str, present: bool
) -> str:
    """A mentor's correction; returns the confirmation to show them."""
    planned = find_session(deps.program, session_id)
    with transaction(deps.sessions) as session:
        actor = _person(session, actor_slack_id)
        mentee = find_by_slack_id(session=session, slack_user_id=slack_user_id)
        if mentee is None:
            raise DomainError(f"{slack_user_id} is not on the roster.")
        changed = domain.correct_attendance(
            session=session,
            now=deps.clock.now(),
            actor=actor,
            mentee=mentee,
            planned=planned,
            present=present,
        )
        name = mentee.name
    status = "present" if present else "absent"
    if not changed:
        return f"{name} was already recorded {status} at “{planned.title}”; nothing changed."
    return f"Corrected: {name} was *{status}* at “{planned.title}” ({planned.id})."


def mark_lab_done(*, deps: Deps, slack_user_id: str, lab_id: str) -> str:
    """Mark a lab done for the caller; returns the confirmation."""
    lab, planned = domain.find_lab(deps.program, lab_id)
    with transaction(deps.sessions) as session:
        person = _person(session, slack_user_id)
        created = domain.mark_lab(
            session=session, now=deps.clock.now(), person=person, lab=lab, planned=planned
        )
    if not created:
        return f"“{lab.title}” was already marked done."
    return f"Marked done: “{lab.title}”. :tada:"


def sign_off_milestone(*, deps: Deps, actor_slack_id: str, slack_user_id: str, milestone: str) -> str:
    """A Week-10 sign-off (refused with the reason when not yet possible); the engineer is told by DM."""
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        actor = _person(session, actor_slack_id)
        mentee = find_by_slack_id(session=session, slack_user_id=slack_user_id)
        if mentee is None:
            raise DomainError(f"{slack_user_id} is not on the roster.")
        created = domain.sign_off(
            session=session,
            now=now,
            actor=actor,
            mentee=mentee,
            milestone=milestone,
            mock_needed=deps.program.training.mock_exceptions,
        )
        label, name = MILESTONE_LABELS[milestone], mentee.name
        if created:
            enqueue_dm(
                session=session,
                now=now,
                job=SIGNED_OFF_JOB,
                user_id=mentee.slack_user_id,
                period=milestone,
                text=f"{esc(actor.name)} signed off your Week-10 milestone: {label}. :tada:",
            )
    if not created:
        return f"{name}'s “{label}” was already signed off."
    deps.dispatcher.kick()
    return f"Signed off: {name} — {label}."


def _overseen(session: Session, actor: Person) -> list[Person]:
    if actor.role_names & QUEUE_ALL_ROLES:
        people = people_with_roles(session=session, roles=ENGINEERS)
    else:
        people = [p for p in mentees_of(session=session, mentor_id=actor.id) if p.role_names & ENGINEERS]
    return sorted((p for p in people if p.status == "active"), key=lambda p: p.name)


def correction_form(*, deps: Deps, slack_user_id: str) -> View:
    """The *Correct attendance* form: sessions that have started, and the people this mentor oversees."""
    now = deps.clock.now()
    started = [s for s in planned_sessions(deps.program) if s.start <= now]
    if not started:
        raise DomainError("No training session has started yet, so there is no attendance to correct.")
    with transaction(deps.sessions) as session:
        actor = _person(session, slack_user_id)
        if not actor.role_names & REVIEWERS:
            raise DomainError("Only mentors, leads and admins can correct training attendance.")
        people = [(p.slack_user_id, p.name) for p in _overseen(session, actor)]
    if not people:
        raise DomainError("You have no mentees in the roster, so there is no attendance for you to correct.")
    sessions = [(s.id, f"{s.day:%a %b} {s.day.day}: {s.title}") for s in reversed(started)]
    return correction_modal(sessions=sessions, people=people)


@dataclass(frozen=True)
class _Shown:
    engineer: bool
    mentor: bool
    cohort: bool


def _shown(program: Program, person: PersonView, now: datetime) -> _Shown:
    today = now.astimezone(program.tz).date()
    during = in_training(program, today)
    span = domain.training_span(program)
    started = span is not None and today >= span[0] - timedelta(days=span[0].weekday())
    return _Shown(
        engineer=during and person.has_any(ENGINEERS),
        mentor=during and person.has_any(REVIEWERS),
        cohort=started and person.has_any(SCORECARD_VIEWERS),
    )


def training_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """App Home: own progress (engineer), mentees' (mentor), the cohort (PM) — in the training weeks."""
    program = deps.program
    shown = _shown(program, person, now)
    if not (shown.engineer or shown.mentor or shown.cohort):
        return []
    cfg = program.training
    progress: TrainingProgress = training_progress(session=session, program=program, now=now)
    blocks: list[Block] = []
    if shown.engineer:
        mine = next((p for p in progress.people if p.slack_user_id == person.slack_user_id), None)
        if mine is not None:
            labs = {lab.id: lab.title for s in planned_sessions(program) for lab in s.labs}
            modules = {m.id: m.title for m in cfg.modules}
            blocks += engineer_blocks(
                person=mine,
                target=cfg.attendance_target,
                labs=labs,
                modules=modules,
                mock_needed=cfg.mock_exceptions,
            )
    if shown.mentor:
        actor = find_by_slack_id(session=session, slack_user_id=person.slack_user_id)
        assert actor is not None
        ids = {p.id for p in _overseen(session, actor)}
        everyone = bool(actor.role_names & QUEUE_ALL_ROLES)
        people = [p for p in progress.people if p.person_id in ids]
        sessions = {s.id: f"{s.day:%a %b} {s.day.day}: {s.title}" for s in planned_sessions(program)}
        blocks += mentor_blocks(
            people=people,
            everyone=everyone,
            target=cfg.attendance_target,
            mock_needed=cfg.mock_exceptions,
            sessions=sessions,
        )
    if shown.cohort:
        blocks += cohort_blocks(progress=progress)
    return blocks
