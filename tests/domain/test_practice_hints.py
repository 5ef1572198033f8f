"""Adaptive practice and issue 18: due re-tests first, then scenarios that train the weakest part."""

from __future__ import annotations

from bot.db.engine import transaction
from bot.domain.practice import choose_next
from bot.domain.practice_hints import training
from bot.domain.vocab import JustificationPart
from tests.domain.scenario_fixtures import synced
from tests.domain.test_practice import CATS, POOL, _history


def _chosen(past, **kw) -> int | None:
    choice = choose_next(pool=POOL, past=past, categories=CATS, **kw)
    return choice.scenario_id if choice else None


def test_a_due_re_test_comes_before_the_adaptive_choice() -> None:
    past = _history({}, answered={3: 1, 6: 2})
    assert _chosen(past, retests=[6, 3]) == 6
    held = _history({}, answered={3: 1, 6: 2}, held=[6])  # on an open card: the next due one
    assert _chosen(held, retests=[6, 3]) == 3
    assert _chosen(past, retests=[99]) == 1  # not in the pool: the adaptive choice


def test_inside_the_category_the_weakest_part_wins_over_complexity() -> None:
    past = _history({})
    plain = choose_next(pool=POOL, past=past, categories=CATS)
    assert plain is not None and plain.scenario_id == 1  # category a, low
    leaning = choose_next(pool=POOL, past=past, categories=CATS, prefer={3})
    assert leaning is not None and leaning.scenario_id == 3  # a's high one trains the weak part
    other = choose_next(pool=POOL, past=past, categories=CATS, prefer={6})
    assert other is not None and other.scenario_id == 1  # the category is still the weakest one


def test_the_shipped_library_has_scenarios_for_every_part(sessions, clock) -> None:
    with transaction(sessions) as session:
        synced(session, clock.now())
        found = {part: training(session=session, part=part) for part in JustificationPart}
    assert all(len(ids) >= 5 for ids in found.values()), {p.value: len(ids) for p, ids in found.items()}
