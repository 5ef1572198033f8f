"""The exception register: every approved live exception, its expiry, and what happened at expiry.

An approval's conditions are free text; :func:`bot.domain.expiry.parse_expiry` reads a
date from them, else the entry says "no expiry given" and is never asked about. When the
expiry date has come (program-local day) the engineer is asked whether the conditions
were met and whether it was rolled back, made permanent or extended. "Conditions not met"
or "not rolled back" is **delayed rework**: the call needed fixing after the fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Decision, MentorPair, Person
from bot.db.models_review2 import EXCEPTION_OUTCOMES, ExceptionEntry
from bot.domain.errors import DomainError, Forbidden, NotFound
from bot.domain.expiry import parse_expiry
from bot.domain.vocab import Verdict

OUTCOME_LABELS = {
    "rolled_back": "Rolled back",
    "permanent": "Made permanent",
    "extended": "Extended",
    "not_rolled_back": "Still in place, not rolled back",
}
STATUS_LABELS = {"open": "open", "asked": "asked, waiting for the answer", "answered": "answered"}


def register_approval(
    *, session: Session, now: datetime, decision: Decision, tz: ZoneInfo
) -> ExceptionEntry | None:
    """Add a live approval to the register (once per decision); other decisions are not exceptions."""
    if decision.kind != "live" or decision.verdict != Verdict.APPROVE:
        return None
    existing = _by_decision(session, decision.id)
    if existing is not None:
        return existing
    conditions = str(decision.justification.get("conditions") or "").strip()
    expires_on, words = parse_expiry(conditions, decided_at=decision.decided_at, tz=tz)
    entry = ExceptionEntry(
        decision_id=decision.id,
        person_id=decision.person_id,
        conditions=conditions,
        expires_on=expires_on,
        expiry_text=words,
        status="open",
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
    except IntegrityError:
        return _by_decision(session, decision.id)
    return entry


def _by_decision(session: Session, decision_id: int) -> ExceptionEntry | None:
    return session.execute(
        select(ExceptionEntry).where(ExceptionEntry.decision_id == decision_id)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class EntryView:
    """One register line as plain data."""

    id: int
    decision_id: int
    engineer_slack_id: str
    engineer_name: str
    title: str
    conditions: str
    expires_on: date | None
    expiry_text: str | None
    status: str
    conditions_met: bool | None
    outcome: str | None
    note: str | None
    delayed_rework: bool | None
    answered_at: datetime | None


def _view(entry: ExceptionEntry, decision: Decision, person: Person) -> EntryView:
    return EntryView(
        id=entry.id,
        decision_id=decision.id,
        engineer_slack_id=person.slack_user_id,
        engineer_name=person.name,
        title=decision.title,
        conditions=entry.conditions,
        expires_on=entry.expires_on,
        expiry_text=entry.expiry_text,
        status=entry.status,
        conditions_met=entry.conditions_met,
        outcome=entry.outcome,
        note=entry.note,
        delayed_rework=entry.delayed_rework,
        answered_at=entry.answered_at,
    )


def _query(*where: ColumnElement[bool]) -> Select[ExceptionEntry, Decision, Person]:
    return (
        select(ExceptionEntry, Decision, Person)
        .join(Decision, Decision.id == ExceptionEntry.decision_id)
        .join(Person, Person.id == ExceptionEntry.person_id)
        .where(*where)
    )


def entries(*, session: Session, expiring_by: date | None = None) -> list[EntryView]:
    """The register, soonest expiry first (no expiry last); ``expiring_by``: open ones expiring by then."""
    where: list[ColumnElement[bool]] = []
    if expiring_by is not None:
        where += [ExceptionEntry.expires_on.is_not(None), ExceptionEntry.expires_on <= expiring_by]
        where.append(ExceptionEntry.status != "answered")
    rows = session.execute(
        _query(*where).order_by(
            ExceptionEntry.expires_on.is_(None), ExceptionEntry.expires_on, ExceptionEntry.id
        )
    ).all()
    return [_view(e, d, p) for e, d, p in rows]


def entry_view(*, session: Session, entry_id: int) -> EntryView:
    row = session.execute(_query(ExceptionEntry.id == entry_id)).first()
    if row is None:
        raise NotFound(f"Exception #{entry_id} is not in the register.")
    return _view(*row)


def due(*, session: Session, today: date) -> list[ExceptionEntry]:
    """Open entries whose expiry day has come (program-local ``today``), oldest expiry first."""
    return list(
        session.execute(
            select(ExceptionEntry)
            .where(
                ExceptionEntry.status == "open",
                ExceptionEntry.expires_on.is_not(None),
                ExceptionEntry.expires_on <= today,
            )
            .order_by(ExceptionEntry.expires_on, ExceptionEntry.id)
        ).scalars()
    )


def mark_asked(*, session: Session, now: datetime, entry: ExceptionEntry) -> None:
    entry.status = "asked"
    entry.asked_at = now
    session.flush()


class AnswerError(DomainError):
    """A missing or unknown answer; ``errors`` maps the form field to its problem."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def check_answer(*, conditions_met: str | None, outcome: str | None) -> dict[str, str]:
    """Problems with the expiry answer, keyed by the form's fields."""
    errors: dict[str, str] = {}
    if conditions_met not in ("yes", "no"):
        errors["expiry_met"] = "Say whether the conditions were met: Yes or No."
    if outcome not in EXCEPTION_OUTCOMES:
        errors["expiry_outcome"] = (
            "Choose what happened: rolled back, made permanent, extended, or still in place."
        )
    return errors


def record_answer(
    *,
    session: Session,
    now: datetime,
    entry_id: int,
    slack_user_id: str,
    conditions_met: str | None,
    outcome: str | None,
    note: str | None,
) -> tuple[ExceptionEntry, bool]:
    """The engineer's answer at expiry (the first stands); returns (entry, created)."""
    entry = session.execute(
        select(ExceptionEntry).where(ExceptionEntry.id == entry_id).with_for_update()
    ).scalar_one_or_none()
    if entry is None:
        raise NotFound(f"Exception #{entry_id} is not in the register.")
    person = session.get(Person, entry.person_id)
    if person is None or person.slack_user_id != slack_user_id:
        raise Forbidden("Only the engineer who approved this exception can say how it ended.")
    if entry.status == "answered":
        return entry, False
    errors = check_answer(conditions_met=conditions_met, outcome=outcome)
    if errors:
        raise AnswerError(errors)
    entry.conditions_met = conditions_met == "yes"
    entry.outcome = outcome
    entry.note = (note or "").strip()[:2000] or None
    entry.delayed_rework = conditions_met == "no" or outcome == "not_rolled_back"
    entry.status = "answered"
    entry.answered_at = now
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=slack_user_id,
        action="exception.answered",
        subject_type="decision",
        subject_id=entry.decision_id,
        reason=entry.note,
        payload={
            "entry_id": entry.id,
            "conditions_met": entry.conditions_met,
            "outcome": outcome,
            "delayed_rework": entry.delayed_rework,
        },
    )
    return entry, True


def delayed_rework_count(
    *, session: Session, start: datetime, end: datetime, person_ids: list[int] | None = None
) -> tuple[int, int]:
    """(delayed rework, answered) among expiry answers given in ``[start, end)``; optionally some people."""
    where = [
        ExceptionEntry.status == "answered",
        ExceptionEntry.answered_at >= start,
        ExceptionEntry.answered_at < end,
    ]
    if person_ids is not None:
        where.append(ExceptionEntry.person_id.in_(person_ids))
    answered = session.execute(select(func.count(ExceptionEntry.id)).where(*where)).scalar_one()
    rework = session.execute(
        select(func.count(ExceptionEntry.id)).where(*where, ExceptionEntry.delayed_rework.is_(True))
    ).scalar_one()
    return int(rework), int(answered)


def mentees_delayed_rework(*, session: Session, mentor_id: int, limit: int = 10) -> list[EntryView]:
    """A mentor's mentees' exceptions that came back as delayed rework, newest answer first."""
    mentees = select(MentorPair.mentee_id).where(MentorPair.mentor_id == mentor_id)
    rows = session.execute(
        _query(ExceptionEntry.delayed_rework.is_(True), ExceptionEntry.person_id.in_(mentees))
        .order_by(ExceptionEntry.answered_at.desc(), ExceptionEntry.id.desc())
        .limit(limit)
    ).all()
    return [_view(e, d, p) for e, d, p in rows]


@dataclass(frozen=True)
class RegisterReport:
    """The register in figures, for the report engineer."""

    entries: list[EntryView]
    open: int
    asked: int
    answered: int
    no_expiry: int
    delayed_rework: int


def exceptions_register_report(*, session: Session) -> RegisterReport:
    """Every approved live exception with its expiry and answer, and the counts by state."""
    rows = entries(session=session)
    return RegisterReport(
        entries=rows,
        open=sum(r.status == "open" for r in rows),
        asked=sum(r.status == "asked" for r in rows),
        answered=sum(r.status == "answered" for r in rows),
        no_expiry=sum(r.expires_on is None for r in rows),
        delayed_rework=sum(bool(r.delayed_rework) for r in rows),
    )
