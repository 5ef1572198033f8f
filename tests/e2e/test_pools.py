"""End to end over HTTP: practice deals only the practice pool, the assessment only the held-out pool."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.app import Casebook
from bot.config import Settings
from bot.db.engine import transaction
from bot.db.models import Scenario, ScenarioVersion
from bot.domain.library import Pool, load_library
from bot.program import Program
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.domain.test_library import VALID
from tests.e2e.cards import decide, expected_of, open_card
from tests.helpers import confirm_step, load_roster

ENG = "U0ENG1"


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    """Two categories, each with six practice and six assessment scenarios."""
    target = tmp_path / "scenarios"
    shutil.copytree(VALID, target)
    cats = (target / "categories.yaml").read_text()
    entry = cats[cats.index("  - id: rollback") :]
    second = entry.replace("id: rollback", "id: change_freeze").replace(
        "name: Rollback", "name: Change freeze"
    )
    (target / "categories.yaml").write_text(cats + second)
    (target / "change_freeze").mkdir()
    for path in (target / "rollback").glob("rb-*.yaml"):
        text = (
            path.read_text()
            .replace("id: rb-", "id: cf-")
            .replace("category: rollback", "category: change_freeze")
        )
        (target / "change_freeze" / path.name.replace("rb-", "cf-")).write_text(text)
    return target


@pytest.fixture
def settings(settings: Settings, library_dir: Path) -> Settings:
    return settings.model_copy(update={"casebook_scenarios": str(library_dir)})


@pytest.fixture
def program(program: Program) -> Program:
    practice = program.practice.model_copy(update={"assessment_size": 12})
    return program.model_copy(update={"practice": practice})


def _slug(sessions: sessionmaker[Session], version_id: int) -> str:
    with transaction(sessions) as session:
        version = session.get(ScenarioVersion, version_id)
        assert version is not None
        scenario = session.get(Scenario, version.scenario_id)
        assert scenario is not None
        return scenario.slug


def test_practising_the_whole_pool_leaves_the_assessment_unseen(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock, library_dir: Path
) -> None:
    library = load_library(library_dir)
    load_roster(casebook.deps.sessions, clock.now())
    practised: list[str] = []
    for count in range(1, 13):
        assert slack.command(ENG, "practice").status == 200
        card = open_card(fake, ENG, count=count)
        expected, _, version_id = expected_of(casebook.deps.sessions, card)
        practised.append(_slug(casebook.deps.sessions, version_id))
        decide(slack, fake, ENG, card, expected, modal=count)
    assert set(practised) == library.slugs(Pool.PRACTICE)

    assert slack.command(ENG, "assess").status == 200
    confirm_step(slack, fake, ENG)  # issue 16: it asks before starting
    assessed: list[str] = []
    for position in range(1, 13):
        card = open_card(fake, ENG, count=12 + position)
        expected, _, version_id = expected_of(casebook.deps.sessions, card)
        assessed.append(_slug(casebook.deps.sessions, version_id))
        decide(slack, fake, ENG, card, expected, modal=12 + position)
    assert set(assessed) == library.slugs(Pool.ASSESSMENT)
    assert not set(assessed) & set(practised)
