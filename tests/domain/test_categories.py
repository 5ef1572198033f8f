"""Reading the category list that leads edit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.domain.categories import categories_path, load_categories
from bot.domain.errors import DomainError

REPO = Path(__file__).resolve().parents[2]


def test_the_shipped_taxonomy_has_the_seven_categories() -> None:
    categories = load_categories(categories_path(REPO / "scenarios"))
    assert [c.id for c in categories] == [
        "policy_violation",
        "config_conflict",
        "customer_exemption",
        "rollback",
        "security_exception",
        "change_freeze",
        "automation_anomaly",
    ]
    assert categories[5].name == "Change freeze"


def _entry(cid: str, name: str | None = None) -> str:
    """One full category (the library and the live form read the same model)."""
    named = f", name: {name}" if name else ""
    guide = "guide: {approve: [a], deny: [d], escalate: [e]}"
    return f"  - {{id: {cid}{named}, description: d, signals: [s], {guide}}}\n"


def test_edits_are_picked_up_without_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "categories.yaml"
    path.write_text("categories:\n" + _entry("rollback"))
    assert [c.name for c in load_categories(path)] == ["Rollback"]
    path.write_text("categories:\n" + _entry("rollback", "Roll it back") + _entry("other_thing"))
    os.utime(path, ns=(1, 2_000_000_000_000_000_000))
    assert [c.name for c in load_categories(path)] == ["Roll it back", "Other thing"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("categories: []\n", "non-empty"),
        ("categories:\n  - name: No id\n", "has no id"),
        ("categories:\n  - id: a\n  - id: a\n", "unique"),
        ("categories: [\n", "cannot read"),
    ],
)
def test_bad_files_name_the_problem(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "categories.yaml"
    path.write_text(content)
    with pytest.raises(DomainError, match=problem):
        load_categories(path)


def test_an_incomplete_category_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "categories.yaml"
    path.write_text("categories:\n  - id: rollback\n")
    with pytest.raises(DomainError, match=r"categories\.0\.description: is required"):
        load_categories(path)


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(DomainError, match=r"categories\.yaml"):
        load_categories(tmp_path / "categories.yaml")


def test_every_guide_opens_with_the_deny_escalate_line(tmp_path: Path) -> None:
    path = tmp_path / "categories.yaml"
    line = "decision_line: {approve: [line-a], deny: [line-d], escalate: [line-e]}\n"
    path.write_text(line + "categories:\n" + _entry("rollback") + _entry("other_thing"))
    for category in load_categories(path):
        assert (category.guide.approve, category.guide.deny, category.guide.escalate) == (
            ["line-a", "a"],
            ["line-d", "d"],
            ["line-e", "e"],
        )
    shipped = load_categories(categories_path(REPO / "scenarios"))
    openings = {c.guide.escalate[0] for c in shipped}
    assert len(openings) == 1 and next(iter(openings)).startswith("Authority first: the approver is not ops")
