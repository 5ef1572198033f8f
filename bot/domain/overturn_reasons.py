"""Why an overturn: the failed parts a reviewer names, their pattern per engineer and cohort.

Documented in docs/reviews.md. An overturn, and an upheld practice call marked "Right call,
weak reasoning", name one or more parts of the justification that failed
(:class:`~bot.domain.vocab.JustificationPart`). A person's *pattern* is the part named most
often across their reviews with reasons, shown once there are ``pattern_min_reviews`` such
reviews and the part is in at least ``pattern_min_share`` of them:
"3 of your 4 overturns: missing rollback conditions".

Adaptive practice uses the weakest part: :func:`parts_of_point` maps a scenario's key
point to the parts it trains by the words in it (the table :data:`POINT_WORDS`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Decision, Person, Review
from bot.db.models_calib import ReviewReason
from bot.domain.vocab import JUSTIFICATION_PARTS, JustificationPart
from bot.program_calib import Calibration as Settings

P = JustificationPart
LABEL = {
    P.POLICY: "Policy applied",
    P.EVIDENCE: "Evidence",
    P.RISK: "Risk and blast radius",
    P.CONDITIONS: "Conditions / rollback / expiry",
    P.ESCALATION: "Escalation target",
}
# How a pattern reads: "3 of your 4 overturns: missing rollback conditions".
PATTERN = {
    P.POLICY: "the wrong policy or rule applied",
    P.EVIDENCE: "missing or weak evidence",
    P.RISK: "risk and blast radius misjudged",
    P.CONDITIONS: "missing rollback conditions",
    P.ESCALATION: "the wrong escalation target",
}
# A key point trains a part when its text contains one of these word stems (case ignored).
POINT_WORDS: dict[JustificationPart, tuple[str, ...]] = {
    P.POLICY: ("policy", "rule", "cites", "waive", "additive", "regulat", "threshold", "allowed"),
    P.EVIDENCE: ("evidence", "confirm", "verif", "shows", "passed", "test", "checks", "logged", "data"),
    P.RISK: ("risk", "impact", "harm", "blast", "exposure", "customer", "weigh", "quantif", "compares"),
    P.CONDITIONS: ("condition", "rollback", "roll back", "expir", "limit", "canary", "timeline", "sequence"),
    P.ESCALATION: ("escalat", "approver", "on-call", "incident commander", "owner", "lead", "ic "),
}


def parse_parts(values: Iterable[str] | None) -> tuple[JustificationPart, ...]:
    """The known parts among a form's values, in vocabulary order (unknown values dropped)."""
    given = {str(v) for v in values or ()}
    return tuple(P(v) for v in JUSTIFICATION_PARTS if v in given)


def check_parts(*, verdict: str, weak_reasoning: bool, parts: Sequence[str] | None) -> dict[str, str]:
    """The form error when an overturn or a weak-reasoning mark names no failed part."""
    if (verdict == "overturn" or weak_reasoning) and not parse_parts(parts):
        what = "Overturning" if verdict == "overturn" else "“Right call, weak reasoning”"
        return {"failed_parts": f"{what} needs at least one part of the justification that failed."}
    return {}


def record_parts(
    *, session: Session, now: datetime, actor: str, review: Review, parts: Sequence[str] | None
) -> list[str]:
    """Store the named parts of one review and audit them (a replay adds nothing); returns them."""
    chosen = [p.value for p in parse_parts(parts)]
    have = set(
        session.execute(select(ReviewReason.part).where(ReviewReason.review_id == review.id)).scalars()
    )
    added = [part for part in chosen if part not in have]
    for part in added:
        session.add(ReviewReason(review_id=review.id, part=part))
    session.flush()
    if added:
        append_event(
            session=session,
            now=now,
            actor=actor,
            action="review.reasons",
            subject_type="decision",
            subject_id=review.decision_id,
            payload={"review_id": review.id, "parts": added},
        )
    return chosen


def parts_of_review(*, session: Session, review_id: int) -> list[str]:
    rows = session.execute(select(ReviewReason.part).where(ReviewReason.review_id == review_id)).scalars()
    return [p for p in JUSTIFICATION_PARTS if p in set(rows)]


def parts_of_point(point: str) -> frozenset[JustificationPart]:
    """The parts a key point trains, by the words in it (:data:`POINT_WORDS`)."""
    text = re.sub(r"\s+", " ", point.casefold()) + " "
    return frozenset(part for part, words in POINT_WORDS.items() if any(w in text for w in words))


@dataclass(frozen=True)
class Pattern:
    """A person's (or cohort's) failed parts: reviews with reasons and how often each part was named."""

    reviews: int  # reviews that named at least one part
    overturns: int  # of those, overturns (the rest are weak-reasoning marks)
    counts: dict[str, int]  # part -> reviews naming it
    top: str | None  # the most named part, when it makes a pattern (see the module docstring)

    @property
    def top_count(self) -> int:
        return self.counts.get(self.top, 0) if self.top else 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pattern(rows: Sequence[tuple[int, str, str]], settings: Settings) -> Pattern:
    """From (review id, review verdict, part) rows."""
    verdict_of: dict[int, str] = {}
    counts: Counter[str] = Counter()
    for review_id, verdict, part in rows:
        verdict_of[review_id] = verdict
        counts[part] += 1
    reviews = len(verdict_of)
    order = {p: i for i, p in enumerate(JUSTIFICATION_PARTS)}
    top = min(counts, key=lambda p: (-counts[p], order[p])) if counts else None
    enough = reviews >= settings.pattern_min_reviews
    if top is None or not enough or counts[top] < settings.pattern_min_share * reviews or counts[top] < 2:
        top = None
    overturns = sum(v == "overturn" for v in verdict_of.values())
    return Pattern(reviews, overturns, dict(counts), top)


def _rows(
    session: Session,
    *,
    person_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[tuple[int, int, str, str]]:
    """(person id, review id, review verdict, part) for every named part."""
    query = (
        select(Decision.person_id, Review.id, Review.verdict, ReviewReason.part)
        .select_from(ReviewReason)
        .join(Review, Review.id == ReviewReason.review_id)
        .join(Decision, Decision.id == Review.decision_id)
    )
    if person_ids is not None:
        query = query.where(Decision.person_id.in_(sorted(set(person_ids))))
    if since is not None:
        query = query.where(Review.reviewed_at >= since)
    if until is not None:
        query = query.where(Review.reviewed_at < until)
    return [(int(a), int(b), str(c), str(d)) for a, b, c, d in session.execute(query.order_by(Review.id))]


def pattern_of(*, session: Session, person_id: int, settings: Settings) -> Pattern:
    rows = _rows(session, person_ids=[person_id])
    return _pattern([(r, v, p) for _, r, v, p in rows], settings)


def pattern_text(pattern: Pattern, *, whose: str = "your") -> str | None:
    """ "3 of your 4 overturns: missing rollback conditions", or None without a pattern."""
    if pattern.top is None:
        return None
    noun = "overturns" if pattern.overturns == pattern.reviews else "overturns and weak-reasoning marks"
    return f"{pattern.top_count} of {whose} {pattern.reviews} {noun}: {PATTERN[P(pattern.top)]}."


def weakest_part(*, session: Session, person_id: int, settings: Settings) -> JustificationPart | None:
    """The part adaptive practice should train, when the person has a pattern."""
    top = pattern_of(session=session, person_id=person_id, settings=settings).top
    return P(top) if top else None


@dataclass(frozen=True)
class CohortPattern:
    pattern: Pattern
    names: tuple[tuple[str, int], ...]  # (engineer name, reviews naming the top part), most first


def cohort_pattern(
    *, session: Session, settings: Settings, since: datetime | None = None, until: datetime | None = None
) -> CohortPattern:
    """Everyone's reviews with reasons in [since, until): the cohort's pattern and who it comes from."""
    rows = _rows(session, since=since, until=until)
    pattern = _pattern([(r, v, p) for _, r, v, p in rows], settings)
    if pattern.top is None:
        return CohortPattern(pattern, ())
    per: Counter[int] = Counter(pid for pid, _, _, part in rows if part == pattern.top)
    people = {p.id: p.name for p in session.execute(select(Person).where(Person.id.in_(per))).scalars()}
    names = tuple(sorted(((people.get(pid, "?"), n) for pid, n in per.items()), key=lambda x: (-x[1], x[0])))
    return CohortPattern(pattern, names)


def overturn_reasons_report(*, session: Session) -> dict[str, Any]:
    """Plain data for reports: the parts named across all reviews, and per engineer (by name)."""
    rows = _rows(session)
    everyone = Settings()
    per_person: dict[int, list[tuple[int, str, str]]] = {}
    for pid, review_id, verdict, part in rows:
        per_person.setdefault(pid, []).append((review_id, verdict, part))
    people = {p.id: p for p in session.execute(select(Person).where(Person.id.in_(per_person))).scalars()}
    return {
        "parts": {p.value: LABEL[p] for p in P},
        "cohort": _pattern([(r, v, p) for _, r, v, p in rows], everyone).as_dict(),
        "engineers": [
            {
                "slack_user_id": people[pid].slack_user_id,
                "name": people[pid].name,
                **_pattern(items, everyone).as_dict(),
            }
            for pid, items in sorted(per_person.items(), key=lambda kv: people[kv[0]].name)
        ],
    }
