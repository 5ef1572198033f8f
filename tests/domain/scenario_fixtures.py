"""Building practice history through the domain's own functions, for domain tests."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Assessment, Decision, Person, Scenario, ScenarioVersion
from bot.domain.decisions import record_decision
from bot.domain.justification import Justification
from bot.domain.library import Library, load_library
from bot.domain.practice import create_assignment, grade
from bot.domain.scenario_sync import sync_library

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "scenarios"
JUSTIFICATION = Justification(
    policy="The rule that fired and its exception clause.",
    evidence="The facts on the card, checked one by one.",
    risk="Bounded to the one service named on the card.",
    conditions="Seven days, rollback to the previous release.",
    escalation=None,
    confidence=3,
)


def copy_library(tmp_path: Path) -> Path:
    target = tmp_path / "scenarios"
    shutil.copytree(SHIPPED, target)
    return target


def synced(session: Session, now: datetime, directory: Path = SHIPPED) -> Library:
    library = load_library(directory)
    sync_library(session=session, now=now, library=library)
    return library


def person_id(session: Session, slack_id: str = "U0ENG1") -> int:
    return session.execute(select(Person.id).where(Person.slack_user_id == slack_id)).scalar_one()


def answer(
    session: Session,
    *,
    now: datetime,
    who: int,
    slug: str,
    verdict: str | None = None,
    correct: bool = True,
    review_status: str | None = None,
) -> Decision:
    """Deal ``slug`` to ``who`` and record a decision on it (the expected one, or a wrong one)."""
    scenario = session.execute(select(Scenario).where(Scenario.slug == slug)).scalar_one()
    assignment, _ = create_assignment(
        session=session,
        now=now,
        person_id=who,
        version_id=int(scenario.current_version_id or 0),
        kind="practice",
    )
    version = session.get(ScenarioVersion, assignment.scenario_version_id)
    assert version is not None
    expected = version.expected_verdict
    acceptable = list(version.content["expected"]["acceptable"])
    if verdict is None:
        wrong = [v for v in ("approve", "deny", "escalate") if v != expected and v not in acceptable]
        verdict = expected if correct else wrong[0]
    recorded = record_decision(
        session=session,
        now=now,
        person_id=who,
        actor="test",
        kind="practice",
        verdict=verdict,
        justification=JUSTIFICATION,
        idempotency_key=f"assignment:{assignment.id}",
        category=scenario.category,
        title=version.content["title"],
        assignment_id=assignment.id,
        scenario_version_id=version.id,
        outcome=grade(expected=expected, acceptable=acceptable, verdict=verdict),
    )
    if review_status:
        recorded.decision.review_status = review_status
        session.flush()
    return recorded.decision


def answer_all(
    session: Session,
    *,
    now: datetime,
    assessment: Assessment,
    good: int,
    actor: str = "test",
    justification: Justification = JUSTIFICATION,
) -> None:
    """Deal and decide every card of ``assessment``: the first ``good`` right, the rest wrong."""
    for position, version_id in enumerate(assessment.plan, start=1):
        assignment, _ = create_assignment(
            session=session,
            now=now,
            person_id=assessment.person_id,
            version_id=int(version_id),
            kind="assessment",
            assessment_id=assessment.id,
            position=position,
        )
        version = session.get(ScenarioVersion, assignment.scenario_version_id)
        assert version is not None
        expected, acceptable = version.expected_verdict, version.content["expected"]["acceptable"]
        wrong = next(v for v in ("approve", "deny", "escalate") if v != expected and v not in acceptable)
        verdict = expected if position <= good else wrong
        record_decision(
            session=session,
            now=now,
            person_id=assessment.person_id,
            actor=actor,
            kind="assessment",
            verdict=verdict,
            justification=justification,
            idempotency_key=f"assignment:{assignment.id}",
            category=version.content["category"],
            title=version.content["title"],
            assignment_id=assignment.id,
            scenario_version_id=version.id,
            outcome=grade(expected=expected, acceptable=acceptable, verdict=verdict),
            review_required=False,
        )
