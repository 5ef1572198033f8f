"""Practice: grading a call, matching key points, choosing the next scenario, dealing cards.

Adaptive selection (documented in docs/practice.md):

* Only scenarios the engineer has not answered yet are candidates, in any version;
  cards already open (dealt, undecided) and questions of an assessment in progress
  are held back.
* The category is the weakest one: weakness = (1 - accuracy) + overturn rate, where
  accuracy is correct-or-acceptable over graded answers (a category never tried
  counts as accuracy 0, so every category is tried early) and the overturn rate is
  overturned over all of the person's decisions in it, live ones included. Ties go to
  the category with fewer answers, then to taxonomy order.
* Complexity steps up with accuracy: below 50% low, below 80% medium, else high;
  measured in the category once it has 2 answers, before that overall once there are
  3, and low at the very start. The nearest available level wins, the lower on a tie.
* When every candidate is answered, the least recently answered scenario returns.
* Inside the chosen category, scenarios whose key points train the person's weakest
  justification part (``prefer``: see bot.domain.overturn_reasons) come first.
* A due spaced re-test (``retests``: see bot.domain.retests) is served before all of this.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import Assessment, Assignment, Decision, Person, Scenario, ScenarioVersion
from bot.db.models_perf import RequestDeal
from bot.domain.errors import NotFound
from bot.domain.library import COMPLEXITIES, KeyPoint

OUTCOMES = ("correct", "acceptable", "differs")
GOOD_OUTCOMES = frozenset({"correct", "acceptable"})
GRADED_KINDS = ("practice", "assessment")


def grade(*, expected: str, acceptable: Sequence[str], verdict: str) -> str:
    """``correct`` (the expected call), ``acceptable`` (a listed alternative) or ``differs``."""
    if verdict == expected:
        return "correct"
    return "acceptable" if verdict in acceptable else "differs"


@dataclass(frozen=True)
class KeyPointResult:
    named: list[str]
    missed: list[str]


def match_key_points(*, key_points: Sequence[KeyPoint], text: str) -> KeyPointResult:
    """A key point is named when any of its keywords appears in the text, ignoring case."""
    haystack = text.casefold()
    named: list[str] = []
    missed: list[str] = []
    for key_point in key_points:
        hit = any(keyword.casefold() in haystack for keyword in key_point.keywords)
        (named if hit else missed).append(key_point.point)
    return KeyPointResult(named, missed)


@dataclass
class CategoryStats:
    """One person's record in one category (``graded``: practice and assessment answers)."""

    category: str
    graded: int = 0
    good: int = 0
    decided: int = 0
    overturned: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.good / self.graded if self.graded else None

    @property
    def weakness(self) -> float:
        overturn_rate = self.overturned / self.decided if self.decided else 0.0
        return (1.0 - (self.accuracy or 0.0)) + overturn_rate


@dataclass(frozen=True)
class History:
    stats: dict[str, CategoryStats]
    last_answered: dict[int, datetime]  # scenario id -> latest decision on any of its versions
    held_back: set[int]  # scenario ids on open cards or in an assessment in progress

    def overall(self) -> CategoryStats:
        total = CategoryStats("*")
        for item in self.stats.values():
            total.graded += item.graded
            total.good += item.good
            total.decided += item.decided
            total.overturned += item.overturned
        return total


def history(*, session: Session, person_id: int, categories: Sequence[str]) -> History:
    """Everything adaptive selection needs about one person, in three queries."""
    stats = {c: CategoryStats(c) for c in categories}
    last: dict[int, datetime] = {}
    rows = session.execute(
        select(
            ScenarioVersion.scenario_id,
            Decision.category,
            Decision.kind,
            Decision.outcome,
            Decision.review_status,
            Decision.decided_at,
        )
        .select_from(Decision)
        .outerjoin(ScenarioVersion, Decision.scenario_version_id == ScenarioVersion.id)
        .where(Decision.person_id == person_id)
    ).all()
    for scenario_id, category, kind, outcome, review_status, decided_at in rows:
        item = stats.setdefault(category, CategoryStats(category))
        item.decided += 1
        item.overturned += review_status == "overturned"
        if kind in GRADED_KINDS and outcome is not None:
            item.graded += 1
            item.good += outcome in GOOD_OUTCOMES
        if scenario_id is not None and (scenario_id not in last or last[scenario_id] < decided_at):
            last[scenario_id] = decided_at
    open_cards = session.execute(
        select(ScenarioVersion.scenario_id)
        .select_from(Assignment)
        .join(ScenarioVersion, Assignment.scenario_version_id == ScenarioVersion.id)
        .outerjoin(Decision, Decision.assignment_id == Assignment.id)
        .where(Assignment.person_id == person_id, Decision.id.is_(None))
    ).scalars()
    held = set(open_cards)
    plans = session.execute(
        select(Assessment.plan).where(Assessment.person_id == person_id, Assessment.completed_at.is_(None))
    ).scalars()
    plan_versions = {int(v) for plan in plans for v in plan}
    if plan_versions:
        held |= set(
            session.execute(
                select(ScenarioVersion.scenario_id).where(ScenarioVersion.id.in_(plan_versions))
            ).scalars()
        )
    return History(stats, last, held)


def target_complexity(category: CategoryStats, overall: CategoryStats) -> str:
    """The level to aim for: it rises with accuracy (see the module docstring)."""
    if category.graded >= 2:
        accuracy = category.accuracy or 0.0
    elif overall.graded >= 3:
        accuracy = overall.accuracy or 0.0
    else:
        return "low"
    return "low" if accuracy < 0.5 else "medium" if accuracy < 0.8 else "high"


@dataclass(frozen=True)
class Candidate:
    scenario_id: int
    slug: str
    category: str
    complexity: str
    version_id: int


def candidates(
    *, session: Session, category: str | None = None, slugs: Collection[str] | None = None
) -> list[Candidate]:
    """Scenarios that may be dealt: not retired, with a current version, in ``slugs`` (one pool) if given."""
    # Columns, not Scenario objects: a deal reads every live scenario, and loading each into
    # the session cost more than the query (py-spy, `/casebook practice`).
    query = select(
        Scenario.id, Scenario.slug, Scenario.category, Scenario.complexity, Scenario.current_version_id
    ).where(Scenario.retired_at.is_(None), Scenario.current_version_id.is_not(None))
    if category is not None:
        query = query.where(Scenario.category == category)
    if slugs is not None:
        query = query.where(Scenario.slug.in_(sorted(slugs)))
    return [
        Candidate(s.id, s.slug, s.category, s.complexity, int(s.current_version_id or 0))
        for s in session.execute(query.order_by(Scenario.slug))
    ]


def choose_next(
    *,
    pool: Sequence[Candidate],
    past: History,
    categories: Sequence[str],
    retests: Sequence[int] = (),
    prefer: Collection[int] = (),
) -> Candidate | None:
    """Pick the next scenario from ``pool`` for someone with this history (pure).

    ``retests``: scenario ids due for a re-test, most urgent first; ``prefer``: scenario
    ids that train the person's weakest part of a justification.
    """
    if not pool:
        return None
    by_id = {c.scenario_id: c for c in pool if c.scenario_id not in past.held_back}
    due = next((by_id[s] for s in retests if s in by_id), None)
    if due is not None:
        return due
    unanswered = [c for c in pool if c.scenario_id not in past.last_answered]
    fresh = [c for c in unanswered if c.scenario_id not in past.held_back] or unanswered
    if not fresh:
        repeatable = [c for c in pool if c.scenario_id not in past.held_back] or list(pool)
        return min(repeatable, key=lambda c: (past.last_answered.get(c.scenario_id, datetime.min), c.slug))
    order = {c: i for i, c in enumerate(categories)}
    present = {c.category for c in fresh}

    def rank(category: str) -> tuple[float, int, int]:
        stats = past.stats.get(category) or CategoryStats(category)
        return (-stats.weakness, stats.graded, order.get(category, len(order)))

    category = min(present, key=rank)
    stats = past.stats.get(category) or CategoryStats(category)
    target = COMPLEXITIES.index(target_complexity(stats, past.overall()))

    def closeness(c: Candidate) -> tuple[bool, int, int, str]:
        level = COMPLEXITIES.index(c.complexity)
        return (c.scenario_id not in prefer, abs(level - target), level, c.slug)

    return min((c for c in fresh if c.category == category), key=closeness)


def lock_person(*, session: Session, person_id: int) -> None:
    """Serialise card dealing per person (row lock on PostgreSQL; SQLite writers queue anyway).

    Only the id is read: loading the person would also load their roles, a second query
    per deal that nothing here uses."""
    session.execute(select(Person.id).where(Person.id == person_id).with_for_update()).scalar_one()


def create_assignment(
    *,
    session: Session,
    now: datetime,
    person_id: int,
    version_id: int,
    kind: str,
    assessment_id: int | None = None,
    position: int | None = None,
) -> tuple[Assignment, bool]:
    """Record a card shown to someone; an assessment position is dealt at most once."""
    assignment = Assignment(
        person_id=person_id,
        scenario_version_id=version_id,
        kind=kind,
        assessment_id=assessment_id,
        position=position,
        shown_at=now,
    )
    if assessment_id is None:  # only an assessment position is unique: no conflict, no savepoint
        session.add(assignment)
        session.flush()
        return assignment, True
    try:
        with session.begin_nested():
            session.add(assignment)
            session.flush()
    except IntegrityError:
        existing = session.execute(
            select(Assignment).where(
                Assignment.assessment_id == assessment_id, Assignment.position == position
            )
        ).scalar_one_or_none()
        if existing is None:
            raise
        return existing, False
    return assignment, True


@dataclass(frozen=True)
class Dealt:
    assignment: Assignment
    created: bool  # False: an undecided card dealt after ``after`` exists (a double click)


def deal_practice(
    *,
    session: Session,
    now: datetime,
    person_id: int,
    categories: Sequence[str],
    category: str | None = None,
    after: int | None = None,
    slugs: Collection[str] | None = None,
    retests: Sequence[int] = (),
    prefer: Collection[int] = (),
    request: str | None = None,
    choice: Candidate | None = None,
) -> Dealt:
    """Choose and assign the next practice card; ``after`` makes a repeated click a no-op.

    ``slugs`` limits the deal to one pool (the library's practice pool); ``retests`` and
    ``prefer`` as in :func:`choose_next`. ``request`` (the stored request running this,
    ``inbox-<row>``) makes a replay of it find its own card. ``choice``: the card already
    chosen by :func:`choose_card` (before the write transaction), else it is chosen here.
    """
    lock_person(session=session, person_id=person_id)
    if request is not None:
        earlier = session.get(RequestDeal, request)
        if earlier is not None:
            dealt_before = session.get(Assignment, earlier.assignment_id)
            assert dealt_before is not None
            return Dealt(dealt_before, False)
    if after is not None:
        pending = session.execute(
            select(Assignment)
            .outerjoin(Decision, Decision.assignment_id == Assignment.id)
            .where(
                Assignment.person_id == person_id,
                Assignment.kind == "practice",
                Assignment.id > after,
                Decision.id.is_(None),
            )
            .order_by(Assignment.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if pending is not None:
            return Dealt(pending, False)
    if choice is None:
        choice = choose_card(
            session=session,
            person_id=person_id,
            categories=categories,
            category=category,
            slugs=slugs,
            retests=retests,
            prefer=prefer,
        )
    assignment, _ = create_assignment(
        session=session, now=now, person_id=person_id, version_id=choice.version_id, kind="practice"
    )
    if request is not None:
        session.add(RequestDeal(request=request, assignment_id=assignment.id, created_at=now))
        session.flush()
    return Dealt(assignment, True)


def choose_card(
    *,
    session: Session,
    person_id: int,
    categories: Sequence[str],
    category: str | None = None,
    slugs: Collection[str] | None = None,
    retests: Sequence[int] = (),
    prefer: Collection[int] = (),
) -> Candidate:
    """The next card for the person (as :func:`deal_practice` chooses it), or NotFound.

    Reads only: it runs before the deal's write transaction, which then only inserts. On
    SQLite the process's writers queue on one lock, whose holds bound the throughput
    (benchmarks/NOTES.md, fifth round). A choice from a moment-old read is the one a deal
    arriving that moment earlier would have made; choosing never looked at undecided cards.
    """
    pool = candidates(session=session, category=category, slugs=slugs)
    if not pool:
        where = f" in {category.replace('_', ' ')}" if category else ""
        raise NotFound(f"There are no scenarios{where} to practise yet.")
    past = history(session=session, person_id=person_id, categories=categories)
    choice = choose_next(pool=pool, past=past, categories=categories, retests=retests, prefer=prefer)
    assert choice is not None
    return choice
