"""Reasoning scores: which graded decisions are *sound*, read back from what was stored.

A decision is sound when its verdict was expected or acceptable, its justification names
at least half of the scenario's key points in real sentences (``bot.domain.justification``),
and no mentor marked it "Right call, weak reasoning". Nothing is stored per decision: the
key points come from the scenario version the card showed, so a rule change re-reads history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Decision, Review, ScenarioVersion
from bot.domain.errors import NotFound
from bot.domain.justification import Reasoning, is_sound, reasoning_of
from bot.domain.versions import version_snapshot

GOOD = frozenset({"correct", "acceptable"})
REASONING_PASS = 0.60  # the default reasoning mark: sound cards / cards (thresholds.reasoning_pass)


def key_points_of(content: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(point, keywords) pairs of a stored scenario version's content."""
    return [(str(k["point"]), [str(w) for w in k["keywords"]]) for k in content.get("key_points", [])]


@dataclass(frozen=True)
class Soundness:
    decision_id: int
    good_verdict: bool
    found: Reasoning
    weak_mark: bool

    @property
    def sound(self) -> bool:
        return is_sound(good_verdict=self.good_verdict, found=self.found, weak_mark=self.weak_mark)


def soundness(*, session: Session, decision_ids: Iterable[int]) -> dict[int, Soundness]:
    """Soundness of each graded decision (ones without a scenario version are left out)."""
    ids = sorted(set(decision_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Decision, ScenarioVersion.content, Review.weak_reasoning)
        .join(ScenarioVersion, Decision.scenario_version_id == ScenarioVersion.id)
        .outerjoin(Review, Review.decision_id == Decision.id)
        .where(Decision.id.in_(ids))
    ).all()
    out: dict[int, Soundness] = {}
    for decision, content, weak in rows:
        found = reasoning_of(key_points=key_points_of(content), justification=dict(decision.justification))
        out[decision.id] = Soundness(decision.id, decision.outcome in GOOD, found, bool(weak))
    return out


@dataclass(frozen=True)
class ScenarioKey:
    """What a reviewer of a practice or assessment decision sees besides the decision itself."""

    expected: str
    acceptable: tuple[str, ...]
    rationale: str
    mentor_notes: str
    named: tuple[str, ...]  # key points the justification names in real sentences
    missed: tuple[str, ...]


def scenario_key(*, session: Session, decision: Decision) -> ScenarioKey | None:
    """The expected decision, rationale, mentor notes and key points named, for a graded decision."""
    if decision.scenario_version_id is None:
        return None
    try:
        version = version_snapshot(session=session, version_id=decision.scenario_version_id)
    except NotFound:
        return None
    content = dict(version.content)
    found = reasoning_of(key_points=key_points_of(content), justification=dict(decision.justification))
    expected = content.get("expected") or {}
    return ScenarioKey(
        expected=str(expected.get("decision", version.expected_verdict)),
        acceptable=tuple(str(v) for v in expected.get("acceptable", [])),
        rationale=str(content.get("rationale", "")),
        mentor_notes=str(content.get("mentor_notes", "")),
        named=tuple(found.named),
        missed=tuple(found.missed),
    )


@dataclass(frozen=True)
class ReasoningScore:
    sound: int
    graded: int

    @property
    def score(self) -> float | None:
        return self.sound / self.graded if self.graded else None


def practice_reasoning(*, session: Session, person_id: int) -> ReasoningScore:
    """Sound practice decisions over graded practice decisions, for App Home and mentors."""
    ids = session.execute(
        select(Decision.id).where(
            Decision.person_id == person_id, Decision.kind == "practice", Decision.outcome.is_not(None)
        )
    ).scalars()
    found = soundness(session=session, decision_ids=ids)
    return ReasoningScore(sum(s.sound for s in found.values()), len(found))
