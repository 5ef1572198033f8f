"""Confidence calibration: how often calls at each confidence level were sound, and a Brier score.

Documented for mentors and PMs in docs/calibration.md.

* A call is *sound* when, for practice and assessment decisions, its verdict was the
  expected or an acceptable one (outcome ``correct`` / ``acceptable``); for live
  decisions, when a mentor upheld it. Live decisions still waiting for a review (or
  never needing one) are left out: they have no outcome yet.
* Confidence maps to a probability as ``confidence / 5``: 1 → 0.2, 2 → 0.4, 3 → 0.6,
  4 → 0.8, 5 → 1.0. The Brier score is the mean of ``(probability - sound)²`` over the
  calls (sound = 1, not sound = 0): 0 is perfect; always answering 3 on a coin-flip
  record gives 0.26; lower is better.
* A level's share is shown only from ``calibration.min_sample`` calls at that level,
  and the Brier score only from ``min_sample`` calls in all ("not enough data yet").
* The overconfidence flag: at least ``flag_min_high`` high-confidence calls (4 or 5)
  with an outcome, of which at least ``flag_unsound_share`` were not sound.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Decision, Person
from bot.domain.facts import holds_role
from bot.domain.vocab import ENGINEERS
from bot.program import Program
from bot.program_calib import Calibration as Settings

LEVELS = (1, 2, 3, 4, 5)
HIGH = frozenset({4, 5})
GOOD_OUTCOMES = frozenset({"correct", "acceptable"})
GRADED = frozenset({"practice", "assessment"})


def probability(confidence: int) -> float:
    """The probability a confidence level claims: ``confidence / 5`` (1 → 0.2 … 5 → 1.0)."""
    return confidence / 5


@dataclass(frozen=True)
class Call:
    """One decision with an outcome: who, how confident, whether it was sound, and how it failed."""

    person_id: int
    confidence: int
    sound: bool
    overturned: bool  # a live call a mentor overturned


def sound_of(*, kind: str, outcome: str | None, review_status: str) -> bool | None:
    """Whether a decision was sound, or None while it has no outcome (a pending live call)."""
    if kind in GRADED:
        return None if outcome is None else outcome in GOOD_OUTCOMES
    if review_status == "upheld":
        return True
    if review_status == "overturned":
        return False
    return None


def calls(
    *, session: Session, person_ids: Iterable[int] | None = None, until: datetime | None = None
) -> list[Call]:
    """Decisions with an outcome (made before ``until``), of these people (default: every engineer)."""
    query = select(
        Decision.person_id, Decision.confidence, Decision.kind, Decision.outcome, Decision.review_status
    )
    if person_ids is None:
        engineers = select(Person.id).where(holds_role(ENGINEERS))
        query = query.where(Decision.person_id.in_(engineers))
    else:
        query = query.where(Decision.person_id.in_(sorted(set(person_ids))))
    if until is not None:
        query = query.where(Decision.decided_at < until)
    out: list[Call] = []
    for person_id, confidence, kind, outcome, status in session.execute(query.order_by(Decision.id)):
        sound = sound_of(kind=kind, outcome=outcome, review_status=status)
        if sound is not None:
            out.append(Call(person_id, int(confidence), sound, status == "overturned"))
    return out


@dataclass(frozen=True)
class Level:
    """Calls made at one confidence level; ``share`` is None below the minimum sample."""

    confidence: int
    decisions: int
    sound: int
    share: float | None


@dataclass(frozen=True)
class Summary:
    """Calibration of one person or a cohort (plain data)."""

    levels: tuple[Level, ...]
    total: int
    brier: float | None  # None below the minimum sample
    high: int  # calls at confidence 4-5
    high_unsound: int
    high_overturned: int  # of those, live calls a mentor overturned
    flagged: bool

    @property
    def enough(self) -> bool:
        return self.brier is not None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarise(items: Sequence[Call], settings: Settings) -> Summary:
    """Per-level counts and shares, the Brier score and the overconfidence flag of ``items``."""
    levels = []
    for level in LEVELS:
        at = [c for c in items if c.confidence == level]
        good = sum(c.sound for c in at)
        share = good / len(at) if len(at) >= settings.min_sample else None
        levels.append(Level(level, len(at), good, share))
    brier = None
    if items and len(items) >= settings.min_sample:
        brier = sum((probability(c.confidence) - float(c.sound)) ** 2 for c in items) / len(items)
    high = [c for c in items if c.confidence in HIGH]
    unsound = [c for c in high if not c.sound]
    flagged = len(high) >= settings.flag_min_high and len(unsound) >= settings.flag_unsound_share * len(high)
    return Summary(
        levels=tuple(levels),
        total=len(items),
        brier=brier,
        high=len(high),
        high_unsound=len(unsound),
        high_overturned=sum(c.overturned for c in unsound),
        flagged=flagged,
    )


def flag_text(summary: Summary, *, whose: str = "your") -> str | None:
    """ "4 of your 5 high-confidence (4–5) calls were overturned" / "…were not sound", or None."""
    if not summary.flagged:
        return None
    how = "were overturned" if summary.high_overturned == summary.high_unsound else "were not sound"
    return f"{summary.high_unsound} of {whose} {summary.high} high-confidence (4–5) calls {how}."


def line_text(summary: Summary) -> str:
    """One plain line: the Brier score and the levels with enough calls, or "not enough data yet"."""
    if not summary.enough:
        calls = "call" if summary.total == 1 else "calls"
        return f"not enough data yet ({summary.total} {calls} with an outcome)."
    shown = [
        f"{lv.confidence}: {lv.sound} of {lv.decisions} sound"
        for lv in summary.levels
        if lv.share is not None
    ]
    levels = "; ".join(shown) if shown else "no confidence level has enough calls for a share yet"
    return f"Brier {summary.brier:.2f} over {summary.total} calls (0 is perfect). {levels}."


def person_summary(*, session: Session, person_id: int, settings: Settings) -> Summary:
    return summarise(calls(session=session, person_ids=[person_id]), settings)


def summaries_by_person(
    *, session: Session, person_ids: Iterable[int], settings: Settings
) -> dict[int, Summary]:
    """One summary per person (people without calls get an empty one)."""
    ids = sorted(set(person_ids))
    found = calls(session=session, person_ids=ids)
    return {pid: summarise([c for c in found if c.person_id == pid], settings) for pid in ids}


def cohort_summary(*, session: Session, settings: Settings) -> Summary:
    """Every engineer's and pilot's calls together."""
    return summarise(calls(session=session), settings)


def calibration_report(*, session: Session, program: Program) -> dict[str, Any]:
    """Plain data for reports: the mapping, the cohort's summary and each engineer's (by name)."""
    settings = program.calibration
    found = calls(session=session)
    ids = sorted({c.person_id for c in found})
    people = {p.id: p for p in session.execute(select(Person).where(Person.id.in_(ids))).scalars()}
    engineers = []
    for pid in sorted(ids, key=lambda i: people[i].name):
        summary = summarise([c for c in found if c.person_id == pid], settings)
        engineers.append(
            {
                "slack_user_id": people[pid].slack_user_id,
                "name": people[pid].name,
                **summary.as_dict(),
                "flag": flag_text(summary, whose=f"{people[pid].name}'s"),
            }
        )
    cohort = summarise(found, settings)
    return {
        "probability": {str(level): probability(level) for level in LEVELS},
        "min_sample": settings.min_sample,
        "cohort": {**cohort.as_dict(), "flag": flag_text(cohort, whose="the cohort's")},
        "engineers": engineers,
    }
