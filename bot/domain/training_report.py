"""Training progress as plain data: attendance per person and cohort, labs, modules, sign-offs.

A session counts once it has **ended**, for those on the roster when it began: an
engineer was present if they checked in with "I'm here" (or a mentor corrected them to
present), absent otherwise — a no-show is absent. The cohort figure is every engineer's
sessions together, and is withheld ("not enough data yet") until ``training.min_cohort``
engineers are in the cohort and at least one session counts.
A module is complete for someone who attended each of its sessions and did each of its labs.
App Home, the digest and :func:`training_report` (the evidence report) read this one model.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Decision, Person
from bot.db.models_training import TrainingAttendance, TrainingLab, TrainingSignOff
from bot.domain.scheduling import people_with_roles
from bot.domain.training import MILESTONE_LABELS, PRESENT, PlannedSession, planned_sessions
from bot.domain.vocab import ENGINEERS
from bot.program import Program

EPS = 1e-9


@dataclass(frozen=True)
class PersonTraining:
    """One engineer's training so far."""

    person_id: int
    slack_user_id: str
    name: str
    held: int  # sessions that have ended
    present: int
    missed: tuple[str, ...]  # ids of ended sessions they were not at
    labs_done: tuple[str, ...]
    labs_open: tuple[str, ...]  # labs handed out (their session started) and not done yet
    modules_done: tuple[str, ...]
    signed_off: dict[str, str]  # milestone -> who signed it off
    mock_exceptions: int

    @property
    def rate(self) -> float | None:
        return self.present / self.held if self.held else None


@dataclass(frozen=True)
class ModuleProgress:
    id: str
    title: str
    completed: int  # engineers who completed it


@dataclass(frozen=True)
class CohortTraining:
    """The cohort against the target; ``rate`` is None while the sample is too small."""

    engineers: int
    held: int  # sessions that have ended
    present: int
    expected: int  # engineers × ended sessions
    rate: float | None
    target: float
    min_cohort: int
    labs_done: int
    labs_handed_out: int  # engineers × labs whose session started
    modules: tuple[ModuleProgress, ...]
    signed_off: dict[str, int]  # milestone -> engineers signed off
    below_target: tuple[str, ...]  # names of engineers with attendance at or under the target

    @property
    def enough(self) -> bool:
        return self.rate is not None

    @property
    def meets(self) -> bool | None:
        return None if self.rate is None else self.rate > self.target + EPS


@dataclass(frozen=True)
class TrainingProgress:
    at: datetime
    sessions_total: int
    sessions_held: int
    people: tuple[PersonTraining, ...]
    cohort: CohortTraining


def _records(
    session: Session, ids: Collection[int]
) -> tuple[dict[tuple[int, str], str], dict[int, set[str]]]:
    attendance = {
        (row.person_id, row.session_id): row.status
        for row in session.execute(
            select(TrainingAttendance).where(TrainingAttendance.person_id.in_(list(ids)))
        ).scalars()
    }
    labs: dict[int, set[str]] = {}
    for person_id, lab_id in session.execute(
        select(TrainingLab.person_id, TrainingLab.lab_id).where(TrainingLab.person_id.in_(list(ids)))
    ):
        labs.setdefault(person_id, set()).add(lab_id)
    return attendance, labs


def _signoffs(session: Session, ids: Collection[int]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    rows = session.execute(
        select(TrainingSignOff.person_id, TrainingSignOff.milestone, Person.name)
        .join(Person, Person.id == TrainingSignOff.signed_by)
        .where(TrainingSignOff.person_id.in_(list(ids)))
    )
    for person_id, milestone, signer in rows:
        out.setdefault(person_id, {})[milestone] = signer
    return out


def _mock_counts(session: Session, ids: Collection[int]) -> dict[int, int]:
    rows = session.execute(
        select(Decision.person_id, Decision.id).where(
            Decision.person_id.in_(list(ids)), Decision.kind.in_(("practice", "assessment"))
        )
    )
    counts: dict[int, int] = {}
    for person_id, _ in rows:
        counts[person_id] = counts.get(person_id, 0) + 1
    return counts


def _module_done(module: str, sessions: list[PlannedSession], attended: set[str], labs: set[str]) -> bool:
    mine = [s for s in sessions if s.module == module]
    return bool(mine) and all(s.id in attended and all(lab.id in labs for lab in s.labs) for s in mine)


def _person(
    person: Person,
    sessions: list[PlannedSession],
    now: datetime,
    records: tuple[dict[tuple[int, str], str], dict[int, set[str]]],
    signed: dict[str, str],
    mock: int,
    modules: list[str],
) -> PersonTraining:
    attendance, labs_by_person = records
    # Sessions that began before someone joined the roster were never asked of them.
    ended = [s for s in sessions if s.end <= now and s.start >= person.created_at]
    attended = {s.id for s in sessions if attendance.get((person.id, s.id)) == PRESENT}
    labs = labs_by_person.get(person.id, set())
    handed_out = [lab.id for s in sessions if s.start <= now for lab in s.labs]
    return PersonTraining(
        person_id=person.id,
        slack_user_id=person.slack_user_id,
        name=person.name,
        held=len(ended),
        present=sum(1 for s in ended if s.id in attended),
        missed=tuple(s.id for s in ended if s.id not in attended),
        labs_done=tuple(lab.id for s in sessions for lab in s.labs if lab.id in labs),
        labs_open=tuple(lab for lab in handed_out if lab not in labs),
        modules_done=tuple(m for m in modules if _module_done(m, sessions, attended, labs)),
        signed_off=dict(signed),
        mock_exceptions=mock,
    )


def _cohort(
    program: Program, people: list[PersonTraining], sessions: list[PlannedSession], now: datetime
) -> CohortTraining:
    cfg = program.training
    held = sum(1 for s in sessions if s.end <= now)
    present = sum(p.present for p in people)
    expected = sum(p.held for p in people)
    enough = len(people) >= cfg.min_cohort and expected > 0
    handed = sum(len(s.labs) for s in sessions if s.start <= now)
    titles = {m.id: m.title for m in cfg.modules}
    return CohortTraining(
        engineers=len(people),
        held=held,
        present=present,
        expected=expected,
        rate=present / expected if enough and expected else None,
        target=cfg.attendance_target,
        min_cohort=cfg.min_cohort,
        labs_done=sum(len(p.labs_done) for p in people),
        labs_handed_out=handed * len(people),
        modules=tuple(
            ModuleProgress(m, titles[m], sum(1 for p in people if m in p.modules_done)) for m in titles
        ),
        signed_off={k: sum(1 for p in people if k in p.signed_off) for k in MILESTONE_LABELS},
        below_target=tuple(
            p.name for p in people if p.rate is not None and p.rate <= cfg.attendance_target + EPS
        ),
    )


def training_progress(
    *, session: Session, program: Program, now: datetime, only: Collection[int] | None = None
) -> TrainingProgress:
    """Everyone's training as of ``now`` (``only``: these people's rows; the cohort is always everyone)."""
    sessions = planned_sessions(program)
    engineers = [p for p in people_with_roles(session=session, roles=ENGINEERS) if p.status == "active"]
    ids = [p.id for p in engineers]
    records = _records(session, ids)
    signed = _signoffs(session, ids)
    mock = _mock_counts(session, ids)
    modules = [m.id for m in program.training.modules]
    people = [
        _person(p, sessions, now, records, signed.get(p.id, {}), mock.get(p.id, 0), modules)
        for p in engineers
    ]
    cohort = _cohort(program, people, sessions, now)
    shown = people if only is None else [p for p in people if p.person_id in set(only)]
    return TrainingProgress(
        at=now,
        sessions_total=len(sessions),
        sessions_held=cohort.held,
        people=tuple(sorted(shown, key=lambda p: p.name)),
        cohort=cohort,
    )


def training_report(*, session: Session, program: Program, now: datetime) -> dict[str, Any]:
    """The evidence report's training part as plain JSON-ready data (per person and per cohort)."""
    progress = training_progress(session=session, program=program, now=now)
    cohort = progress.cohort
    return {
        "at": now.isoformat(),
        "sessions": [
            {
                "id": s.id,
                "title": s.title,
                "module": s.module,
                "day": s.day.isoformat(),
                "hours": s.hours,
                "start": s.start.isoformat(),
                "labs": [lab.id for lab in s.labs],
            }
            for s in planned_sessions(program)
        ],
        "sessions_held": progress.sessions_held,
        "people": [asdict(p) | {"rate": p.rate} for p in progress.people],
        "cohort": asdict(cohort)
        | {
            "enough_data": cohort.enough,
            "meets_target": cohort.meets,
            "why_no_figure": None if cohort.enough else not_enough_text(cohort),
        },
    }


def not_enough_text(cohort: CohortTraining) -> str:
    """Why the cohort figure is withheld, in plain words."""
    if cohort.held == 0:
        return "not enough data yet: no training session has ended"
    if cohort.expected == 0:
        return "not enough data yet: no engineer was on the roster for a session that has ended"
    return (
        f"not enough data yet: {cohort.engineers} engineer(s) in the cohort, "
        f"a cohort figure needs at least {cohort.min_cohort}"
    )
