"""Planning an assessment form: balanced, mixed in complexity, and made only of unseen scenarios.

A form deals only scenarios this engineer has never been shown (practice cards, earlier
assessment forms, open cards): the assessment pool is held out from practice, and a
retake is a fresh form with nothing from an earlier attempt. When too few unseen
scenarios are left the form is refused rather than padded with seen ones.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Assignment, ScenarioVersion
from bot.domain.errors import Conflict
from bot.domain.library import COMPLEXITIES
from bot.domain.practice import Candidate, candidates


def seen_scenarios(*, session: Session, person_id: int) -> set[int]:
    """Scenario ids ever shown to this person, on any card of any kind, in any version."""
    return set(
        session.execute(
            select(ScenarioVersion.scenario_id)
            .join(Assignment, Assignment.scenario_version_id == ScenarioVersion.id)
            .where(Assignment.person_id == person_id)
            .distinct()
        ).scalars()
    )


def category_quotas(categories: Sequence[str], size: int, rng: random.Random) -> dict[str, int]:
    """``size`` spread evenly; the categories that get one more are drawn by ``rng``."""
    base, extra = divmod(size, len(categories))
    lucky = set(rng.sample(list(categories), extra))
    return {c: base + (c in lucky) for c in categories}


def plan_assessment(
    *,
    session: Session,
    person_id: int,
    categories: Sequence[str],
    size: int,
    seed: str,
    slugs: Collection[str] | None = None,
) -> list[int]:
    """Scenario version ids for a new assessment, in serving order (from ``slugs`` only, if given)."""
    rng = random.Random(seed)
    seen = seen_scenarios(session=session, person_id=person_id)
    every = candidates(session=session, slugs=slugs)
    pool = [c for c in every if c.scenario_id not in seen]
    if len(pool) < size:
        where = "assessment pool" if slugs is not None else "library"
        unseen = " you have not seen" if len(pool) < len(every) else ""
        advice = " Ask a lead to add scenarios for a fresh form." if unseen else ""
        raise Conflict(f"The {where} has {len(pool)} scenarios{unseen}; an assessment needs {size}.{advice}")
    by_category: dict[str, list[Candidate]] = defaultdict(list)
    for item in pool:
        by_category[item.category].append(item)
    present = [c for c in categories if by_category.get(c)]
    quotas = category_quotas(present, size, rng)
    chosen: list[Candidate] = []
    for category in present:
        available = sorted(by_category[category], key=lambda c: (rng.random(), c.slug))
        levels = list(COMPLEXITIES)
        rng.shuffle(levels)
        used: set[str] = set()
        for i in range(min(quotas[category], len(available))):
            pick = _pick(available, levels[i % len(levels)], used)
            available.remove(pick)
            used.add(pick.complexity)
            chosen.append(pick)
    if len(chosen) < size:  # a thin category: top up from the others
        rest = sorted((c for c in pool if c not in chosen), key=lambda c: (rng.random(), c.slug))
        chosen.extend(rest[: size - len(chosen)])
    rng.shuffle(chosen)
    return [c.version_id for c in chosen]


def _pick(available: list[Candidate], level: str, used: set[str]) -> Candidate:
    """The wanted level, else a level not yet in the plan, else any."""
    for wanted in (
        lambda c: c.complexity == level,
        lambda c: c.complexity not in used,
        lambda c: True,
    ):
        found = next((c for c in available if wanted(c)), None)
        if found is not None:
            return found
    raise LookupError("no scenario left to pick")
