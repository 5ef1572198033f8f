"""Practice domain: grading, key points, and adaptive selection of the next scenario."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db.engine import transaction
from bot.db.models import Scenario, ScenarioVersion
from bot.domain.library import KeyPoint, Pool
from bot.domain.practice import (
    Candidate,
    CategoryStats,
    History,
    choose_next,
    deal_practice,
    grade,
    match_key_points,
    target_complexity,
)
from tests.domain.scenario_fixtures import answer, person_id, synced
from tests.helpers import load_roster

CATS = ["a", "b", "c"]


def test_grade_distinguishes_correct_acceptable_and_differs() -> None:
    assert grade(expected="deny", acceptable=["escalate"], verdict="deny") == "correct"
    assert grade(expected="deny", acceptable=["escalate"], verdict="escalate") == "acceptable"
    assert grade(expected="deny", acceptable=["escalate"], verdict="approve") == "differs"
    assert grade(expected="approve", acceptable=[], verdict="deny") == "differs"


def test_key_points_match_any_keyword_ignoring_case() -> None:
    points = [
        KeyPoint(point="Quantifies impact", keywords=["310 failed", "2.4%"]),
        KeyPoint(point="Names the sequence", keywords=["flag off", "drain"]),
        KeyPoint(point="Names the owner", keywords=["incident commander"]),
    ]
    result = match_key_points(key_points=points, text="About 310 FAILED charges; we Drain first.")
    assert result.named == ["Quantifies impact", "Names the sequence"]
    assert result.missed == ["Names the owner"]
    assert match_key_points(key_points=points, text="").named == []


def _c(i: int, category: str, complexity: str) -> Candidate:
    return Candidate(i, f"{category}-{i:02d}-{complexity}", category, complexity, 100 + i)


POOL = [
    _c(1, "a", "low"),
    _c(2, "a", "medium"),
    _c(3, "a", "high"),
    _c(4, "b", "low"),
    _c(5, "b", "medium"),
    _c(6, "b", "high"),
    _c(7, "c", "low"),
    _c(8, "c", "high"),
]
T0 = datetime(2026, 11, 2, tzinfo=UTC)


def _history(
    stats: dict[str, tuple[int, int, int, int]], answered: dict[int, int] | None = None, held=()
) -> History:
    return History(
        {c: CategoryStats(c, *stats.get(c, (0, 0, 0, 0))) for c in CATS},
        {sid: T0 + timedelta(hours=h) for sid, h in (answered or {}).items()},
        set(held),
    )


def test_a_newcomer_starts_low_in_the_first_category() -> None:
    choice = choose_next(pool=POOL, past=_history({}), categories=CATS)
    assert choice is not None and (choice.category, choice.complexity) == ("a", "low")


def test_untried_categories_come_before_ones_with_a_good_record() -> None:
    past = _history({"a": (1, 1, 1, 0)}, {1: 0})
    choice = choose_next(pool=POOL, past=past, categories=CATS)
    assert choice is not None and choice.category == "b"


def test_lowest_accuracy_category_is_chosen() -> None:
    # graded, good, decided, overturned
    past = _history({"a": (4, 4, 4, 0), "b": (4, 1, 4, 0), "c": (4, 3, 4, 0)}, {1: 0, 4: 1, 7: 2})
    choice = choose_next(pool=POOL, past=past, categories=CATS)
    assert choice is not None and choice.category == "b"


def test_overturns_weigh_as_much_as_accuracy() -> None:
    # same accuracy in a and c, but c's decisions (live ones included) were overturned
    past = _history({"a": (2, 2, 2, 0), "b": (2, 2, 2, 0), "c": (2, 2, 5, 2)}, {1: 0, 4: 1, 7: 2})
    choice = choose_next(pool=POOL, past=past, categories=CATS)
    assert choice is not None and choice.category == "c"


def test_complexity_steps_up_as_accuracy_rises() -> None:
    none = CategoryStats("x")
    assert target_complexity(none, none) == "low"
    assert target_complexity(CategoryStats("x", 2, 0), none) == "low"
    assert target_complexity(CategoryStats("x", 2, 1), none) == "medium"
    assert target_complexity(CategoryStats("x", 4, 3), none) == "medium"
    assert target_complexity(CategoryStats("x", 5, 4), none) == "high"
    # with one answer in the category, the overall record decides
    assert target_complexity(CategoryStats("x", 1, 0), CategoryStats("*", 6, 6)) == "high"
    assert target_complexity(CategoryStats("x", 1, 1), CategoryStats("*", 2, 2)) == "low"

    weakest_a = _history({"a": (3, 1, 3, 0), "b": (3, 3, 3, 0), "c": (3, 3, 3, 0)}, {2: 0})
    pick = choose_next(pool=POOL, past=weakest_a, categories=CATS)
    assert pick is not None and (pick.category, pick.complexity) == ("a", "low")
    weak_a = _history({"a": (3, 2, 3, 0), "b": (3, 3, 3, 0), "c": (3, 3, 3, 0)}, {1: 0})
    pick = choose_next(pool=POOL, past=weak_a, categories=CATS)
    assert pick is not None and (pick.category, pick.complexity) == ("a", "medium")
    great_b = _history({"a": (5, 5, 5, 0), "b": (5, 5, 5, 0), "c": (5, 5, 5, 0)}, {1: 0, 2: 1, 3: 2, 4: 3})
    pick = choose_next(pool=POOL, past=great_b, categories=CATS)
    assert pick is not None and (pick.category, pick.complexity) == ("b", "high")


def test_open_cards_are_held_back_and_when_all_are_answered_the_oldest_returns() -> None:
    held = choose_next(pool=POOL, past=_history({}, held={1}), categories=CATS)
    assert held is not None and held.scenario_id != 1
    every = {c.scenario_id: 10 - c.scenario_id for c in POOL}  # scenario 8 answered longest ago
    pick = choose_next(pool=POOL, past=_history({}, every), categories=CATS)
    assert pick is not None and pick.scenario_id == 8
    pick = choose_next(pool=POOL, past=_history({}, every, held={8}), categories=CATS)
    assert pick is not None and pick.scenario_id == 7
    assert choose_next(pool=[], past=_history({}), categories=CATS) is None


def _slug_of(session, version_id: int) -> str:
    version = session.get(ScenarioVersion, version_id)
    return session.get(Scenario, version.scenario_id).slug


def test_dealing_against_the_database_follows_the_record(sessions, clock) -> None:
    load_roster(sessions, clock.now())
    with transaction(sessions) as session:
        library = synced(session, clock.now())
        who = person_id(session)
        order = library.category_ids
        practice = library.slugs(Pool.PRACTICE)
        # a newcomer: the first category, low complexity
        first = deal_practice(
            session=session, now=clock.now(), person_id=who, categories=order, slugs=practice
        )
        spec = next(
            s for s in library.scenarios if s.id == _slug_of(session, first.assignment.scenario_version_id)
        )
        assert (spec.category, spec.complexity) == (order[0], "low")
        # answer one low scenario right in every category but rollback, where two go wrong
        for category in order:
            lows = [s for s in library.in_category(category, Pool.PRACTICE) if s.complexity == "low"]
            wrong = category == "rollback"
            for s in lows[: 2 if wrong else 1]:
                clock.advance(timedelta(minutes=5))
                answer(session, now=clock.now(), who=who, slug=s.id, correct=not wrong)
        nxt = deal_practice(session=session, now=clock.now(), person_id=who, categories=order, slugs=practice)
        spec = next(
            s for s in library.scenarios if s.id == _slug_of(session, nxt.assignment.scenario_version_id)
        )
        assert spec.category == "rollback" and spec.complexity == "medium"  # nearest to "low", none left


def test_overturned_decisions_steer_practice_to_their_category(sessions, clock) -> None:
    load_roster(sessions, clock.now())
    with transaction(sessions) as session:
        library = synced(session, clock.now())
        who = person_id(session)
        for category in library.category_ids:
            low = next(s for s in library.in_category(category) if s.complexity == "low")
            overturned = "overturned" if category == "change_freeze" else None
            answer(session, now=clock.now(), who=who, slug=low.id, review_status=overturned)
        nxt = deal_practice(session=session, now=clock.now(), person_id=who, categories=library.category_ids)
        slug = _slug_of(session, nxt.assignment.scenario_version_id)
        assert next(s for s in library.scenarios if s.id == slug).category == "change_freeze"


def test_a_repeat_click_after_a_card_deals_nothing_new(sessions, clock) -> None:
    load_roster(sessions, clock.now())
    with transaction(sessions) as session:
        library = synced(session, clock.now())
        who = person_id(session)
        first = deal_practice(
            session=session, now=clock.now(), person_id=who, categories=library.category_ids
        )
        again = deal_practice(
            session=session, now=clock.now(), person_id=who, categories=library.category_ids, after=0
        )
        assert not again.created and again.assignment.id == first.assignment.id
        fresh = deal_practice(
            session=session,
            now=clock.now(),
            person_id=who,
            categories=library.category_ids,
            after=first.assignment.id,
        )
        assert fresh.created and fresh.assignment.id != first.assignment.id
        assert fresh.assignment.scenario_version_id != first.assignment.scenario_version_id


def test_practice_skips_questions_of_an_assessment_in_progress(sessions, clock) -> None:
    from bot.domain.assessment import start_assessment

    load_roster(sessions, clock.now())
    with transaction(sessions) as session:
        library = synced(session, clock.now())
        who = person_id(session)
        started = start_assessment(
            session=session,
            now=clock.now(),
            person_id=who,
            actor="U0ENG1",
            categories=library.category_ids,
            size=20,
        )
        plan = set(started.assessment.plan)
        seen = set()
        for _ in range(22):
            dealt = deal_practice(
                session=session, now=clock.now(), person_id=who, categories=library.category_ids
            )
            seen.add(dealt.assignment.scenario_version_id)
        assert len(seen) == 22 and not (seen & plan)
