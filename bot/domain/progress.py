"""Progress for App Home: per-category practice record, recent decisions, readiness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Assessment, Assignment, Decision, Person, PersonRole
from bot.domain.assessment import Readiness, readiness
from bot.domain.people import mentees_of
from bot.domain.practice import history
from bot.domain.reasoning import ReasoningScore, practice_reasoning
from bot.domain.vocab import ENGINEERS, QUEUE_ALL_ROLES

RECENT = 5


@dataclass(frozen=True)
class CategoryProgress:
    category: str
    name: str
    answered: int
    good: int

    @property
    def accuracy(self) -> float | None:
        return self.good / self.answered if self.answered else None


@dataclass(frozen=True)
class RecentDecision:
    id: int
    kind: str
    title: str
    verdict: str
    outcome: str | None
    review_status: str
    decided_at: datetime


@dataclass(frozen=True)
class EngineerProgress:
    categories: list[CategoryProgress]
    recent: list[RecentDecision]
    readiness: Readiness
    last_assignment_id: int  # lets a Practise button tell a double click from a new request
    reasoning: ReasoningScore = field(default_factory=lambda: ReasoningScore(0, 0))  # sound / graded practice

    @property
    def answered(self) -> int:
        return sum(c.answered for c in self.categories)

    @property
    def good(self) -> int:
        return sum(c.good for c in self.categories)


def engineer_progress(
    *, session: Session, person_id: int, categories: Sequence[tuple[str, str]]
) -> EngineerProgress:
    """``categories``: (id, display name) in taxonomy order."""
    past = history(session=session, person_id=person_id, categories=[c for c, _ in categories])
    rows = [
        CategoryProgress(cid, name, past.stats[cid].graded, past.stats[cid].good) for cid, name in categories
    ]
    recent = [
        RecentDecision(d.id, d.kind, d.title, d.verdict, d.outcome, d.review_status, d.decided_at)
        for d in session.execute(
            select(Decision)
            # held out: assessment questions never reappear on Home, even after the attempt
            .where(Decision.person_id == person_id, Decision.kind != "assessment")
            .order_by(Decision.decided_at.desc(), Decision.id.desc())
            .limit(RECENT)
        ).scalars()
    ]
    last = session.execute(
        select(func.max(Assignment.id)).where(Assignment.person_id == person_id)
    ).scalar_one()
    return EngineerProgress(
        rows,
        recent,
        readiness(session=session, person_id=person_id),
        int(last or 0),
        practice_reasoning(session=session, person_id=person_id),
    )


@dataclass(frozen=True)
class MenteeReadiness:
    slack_user_id: str
    name: str
    readiness: Readiness


def sign_off_queue(*, session: Session, signer: Person) -> list[MenteeReadiness]:
    """People whose readiness this signer looks after: their mentees; for leads and admins,
    also anyone whose passed assessment still waits for a sign-off."""
    people = {p.id: p for p in mentees_of(session=session, mentor_id=signer.id)}
    if signer.role_names & QUEUE_ALL_ROLES:
        waiting = session.execute(
            select(Person)
            .join(Assessment, Assessment.person_id == Person.id)
            .where(Assessment.passed.is_(True), Assessment.signed_off_by.is_(None))
            .distinct()
        ).scalars()
        people.update({p.id: p for p in waiting})
    engineers = set(
        session.execute(
            select(PersonRole.person_id).where(
                PersonRole.person_id.in_(people), PersonRole.role.in_(sorted(ENGINEERS))
            )
        ).scalars()
    )
    out = [
        MenteeReadiness(p.slack_user_id, p.name, readiness(session=session, person_id=p.id))
        for p in people.values()
        if p.id in engineers and p.id != signer.id and p.status == "active"
    ]
    return sorted(out, key=lambda m: m.name)
