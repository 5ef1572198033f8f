"""The authoring rules on a loaded library: grammar, identical quoting, pool balance."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.domain.library import load_library
from bot.domain.library_rules import check_rules
from bot.domain.scenario_spec import Pool
from tests.domain.test_library import RULES_BROKEN, RULES_EXPECTED, SHIPPED, VALID


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "lib"
    shutil.copytree(VALID, target)
    return target


def test_the_valid_fixture_meets_every_rule_and_pools_split_it() -> None:
    library = load_library(VALID)
    assert check_rules(library) == []
    assert len(library.pool(Pool.PRACTICE)) == len(library.pool(Pool.ASSESSMENT)) == 6
    assert library.slugs(Pool.ASSESSMENT) == {f"rb-a0{i}" for i in range(1, 7)}
    assert [s.id for s in library.in_category("rollback", Pool.PRACTICE)][:2] == ["rb-p01", "rb-p04"]


def test_each_rule_broken_once_is_named_once() -> None:
    problems = check_rules(load_library(RULES_BROKEN))
    assert problems == [
        f"{RULES_BROKEN / rel}:{line}: {field}: {message}"
        for rel, (line, field, message) in RULES_EXPECTED.items()
    ]


def test_a_thin_pool_and_a_missing_complexity_are_reported(tmp_path: Path) -> None:
    lib = _copy(tmp_path)
    (lib / "rollback" / "rb-a03.yaml").unlink()  # the assessment pool's only high deny
    (lib / "rollback" / "rb-a06.yaml").unlink()  # and its high escalate
    problems = check_rules(load_library(lib))
    prefix = f"{lib / 'categories.yaml'}:3: assessment.rollback: "
    assert problems == [
        prefix + "has 4 scenarios (needs at least 6)",
        prefix + "has no high complexity scenario (mix low, medium and high)",
    ]


def test_a_quarter_is_rounded_up(tmp_path: Path) -> None:
    lib = _copy(tmp_path)
    path = lib / "rollback" / "rb-p06.yaml"
    path.write_text(path.read_text().replace("decision: escalate", "decision: deny"))
    [problem] = check_rules(load_library(lib))
    assert problem.endswith("practice.rollback: escalate is expected in 1 of 6 (needs at least a quarter: 2)")


def test_quoting_compares_the_exact_text(tmp_path: Path) -> None:
    lib = _copy(tmp_path)
    path = lib / "rollback" / "rb-p03.yaml"
    path.write_text(path.read_text().replace("within the last 14 days", "within the last  14 days"))
    [problem] = check_rules(load_library(lib))
    assert problem.startswith(f"{path}:9: policy: deploy-safety 3.0 rule rollback-past-migration is quoted")


def test_the_shipped_library_meets_every_authoring_rule() -> None:
    library = load_library(SHIPPED)
    assert check_rules(library) == []
    assert len(library.pool(Pool.PRACTICE)) >= 42 and len(library.pool(Pool.ASSESSMENT)) >= 42
