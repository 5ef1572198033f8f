"""Pools: practice deals only from the practice pool, the assessment only from the held-out pool."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.engine import transaction
from bot.db.models import Scenario, ScenarioVersion
from bot.domain import assessment as a
from bot.domain.errors import Conflict
from bot.domain.practice import deal_practice
from bot.domain.scenario_spec import Pool
from tests.domain.scenario_fixtures import answer, person_id, synced
from tests.domain.test_library import VALID
from tests.helpers import load_roster


def _slug(session, version_id: int) -> str:
    version = session.get(ScenarioVersion, version_id)
    return session.get(Scenario, version.scenario_id).slug


def test_practice_never_deals_the_assessment_pool(sessions, clock) -> None:
    load_roster(sessions, clock.now())
    with transaction(sessions) as session:
        library = synced(session, clock.now(), VALID)
        who = person_id(session)
        practice = library.slugs(Pool.PRACTICE)
        dealt = []
        for _ in range(9):  # the whole pool, then repeats
            got = deal_practice(
                session=session,
                now=clock.now(),
                person_id=who,
                categories=library.category_ids,
                slugs=practice,
            )
            slug = _slug(session, got.assignment.scenario_version_id)
            dealt.append(slug)
            clock.advance(timedelta(minutes=3))
            answer(session, now=clock.now(), who=who, slug=slug)
    assert set(dealt) == practice and not set(dealt) & library.slugs(Pool.ASSESSMENT)


def test_the_assessment_plans_only_from_its_pool(sessions, clock) -> None:
    load_roster(sessions, clock.now())
    with transaction(sessions) as session:
        library = synced(session, clock.now(), VALID)
        who = person_id(session)
        held_out = library.slugs(Pool.ASSESSMENT)
        kw = {"session": session, "person_id": who, "categories": library.category_ids, "slugs": held_out}
        plan = a.plan_assessment(size=6, seed="1:1", **kw)
        assert {_slug(session, v) for v in plan} == held_out
        with pytest.raises(Conflict, match="The assessment pool has 6 scenarios; an assessment needs 7"):
            a.plan_assessment(size=7, seed="1:1", **kw)
