"""A card as its flows see it: the assignment, its version's snapshot, its owner and decision."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload

from bot.db.models import Assignment, Decision, Person, ScenarioVersion
from bot.domain.errors import NotFound
from bot.domain.scenario_spec import ScenarioSpec
from bot.domain.versions import KEY_COLUMNS as VERSION_KEY
from bot.domain.versions import VersionSnapshot, snapshot_of


@dataclass(frozen=True)
class CardContext:
    """An assignment with its scenario version, owner and decision (if any)."""

    assignment: Assignment
    version: VersionSnapshot
    spec: ScenarioSpec
    person: Person
    decision: Decision | None


def load_card(*, session: Session, assignment_id: int) -> CardContext:
    """The card's assignment, owner and decision in one query; its version from the process's snapshots.

    Every click, deal and submission loads a card: one joined read instead of four
    separate ones is a measurable share of an interaction's CPU (BENCHMARKS.md). The
    owner's roles load only if asked for (a card's flows never ask)."""
    row = session.execute(_CARD, {"assignment_id": assignment_id}).one_or_none()
    if row is None:
        raise NotFound("This card no longer exists.")
    assignment, person, decision, version_id, scenario_id, number, content_hash = row
    version = snapshot_of(session=session, key=(version_id, scenario_id, number, content_hash))
    return CardContext(assignment, version, version.spec, person, decision)


_CARD = (
    select(Assignment, Person, Decision, *VERSION_KEY)
    .join(Person, Person.id == Assignment.person_id)
    .join(ScenarioVersion, ScenarioVersion.id == Assignment.scenario_version_id)
    .outerjoin(Decision, Decision.assignment_id == Assignment.id)
    .where(Assignment.id == bindparam("assignment_id"))
    .options(lazyload(Person.roles))
)
