"""The scenario library: the shipped set is valid and well balanced; broken files are named precisely."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.domain.library import LibraryError, load_library, validate_dir

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "scenarios"
BROKEN = ROOT / "tests" / "fixtures" / "scenarios_broken"
VALID = ROOT / "tests" / "fixtures" / "scenarios_valid"
RULES_BROKEN = ROOT / "tests" / "fixtures" / "scenarios_rules_broken"

# file (relative to the fixture dir) -> (line, field, words in the message)
EXPECTED = {
    "rollback/yaml-syntax-error.yaml": (20, "yaml", "syntax error"),
    "rollback/unknown-category.yaml": (4, "category", "unknown category 'rollbacks'"),
    "rollback/missing-decision.yaml": (21, "expected.decision", "is required"),
    "rollback/decision-also-acceptable.yaml": (23, "expected.acceptable.1", "already the expected decision"),
    "rollback/invalid-verdict.yaml": (22, "expected.decision", "'approve', 'deny' or 'escalate'"),
    "rollback/duplicate-id.yaml": (2, "id", "already used by"),
    "rollback/empty-title.yaml": (3, "title", "must not be empty"),
    "rollback/id-filename-mismatch.yaml": (2, "id", "does not match the file name"),
    "rollback/policy-not-yaml.yaml": (16, "policy", "is not valid YAML"),
    "rollback/policy-not-mapping.yaml": (10, "policy", "must be a YAML mapping"),
    "rollback/unknown-key.yaml": (6, "severity", "unknown field"),
    "rollback/missing-rationale.yaml": (2, "rationale", "is required"),
    "rollback/invalid-complexity.yaml": (5, "complexity", "'low', 'medium' or 'high'"),
    "rollback/empty-facts.yaml": (17, "facts", "at least 1 item"),
    "rollback/keypoint-without-keywords.yaml": (28, "key_points.0.keywords", "at least 1 item"),
    "rollback/empty-keyword.yaml": (28, "key_points.0.keywords.1", "must not be empty"),
    "rollback/duplicate-key.yaml": (29, "complexity", "appears twice"),
    "change_freeze/wrong-folder.yaml": (4, "category", "move it to rollback/"),
}
# the authoring rules: file -> (line, field, message)
RULES_EXPECTED = {
    "rollback/rb-a01.yaml": (
        22,
        "policy.otherwise",
        "is not a key of the policy grammar (allowed: policy, version, rule, when, action, approver, "
        "conditions, on_condition_failure, max_duration, note)",
    ),
    "rollback/rb-a02.yaml": (
        10,
        "policy",
        f"deploy-safety 3.0 rule change-during-incident is quoted with different text than in "
        f"{RULES_BROKEN / 'rollback' / 'rb-a04.yaml'}:9 (a rule must read the same on every card)",
    ),
    "categories.yaml": (
        3,
        "assessment.rollback",
        "escalate is expected in 0 of 6 (needs at least a quarter: 2)",
    ),
}
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")


def _parse(problems: list[str]) -> dict[str, list[tuple[int, str, str]]]:
    out: dict[str, list[tuple[int, str, str]]] = {}
    for problem in problems:
        match = LINE.match(problem)
        assert match, f"not file:line: field: message — {problem!r}"
        rel = str(Path(match["file"]).relative_to(BROKEN))
        out.setdefault(rel, []).append((int(match["line"]), match["field"], match["message"]))
    return out


def test_shipped_library_is_valid() -> None:
    assert validate_dir(SHIPPED) == []
    library = load_library(SHIPPED)
    assert len(library.categories) == 7
    assert len(library.scenarios) >= 42


def test_shipped_library_is_balanced_and_not_answerable_by_pattern() -> None:
    library = load_library(SHIPPED)
    per_category = Counter(s.category for s in library.scenarios)
    assert set(per_category) == set(library.category_ids)
    assert min(per_category.values()) >= 6
    for category in library.category_ids:
        levels = Counter(s.complexity for s in library.in_category(category))
        assert min(levels[level] for level in ("low", "medium", "high")) >= 2, category
    decisions = Counter(s.expected.decision for s in library.scenarios)
    assert min(decisions[v] for v in ("approve", "deny", "escalate")) >= 10
    for level in ("low", "medium", "high"):  # no complexity level predicts the answer
        assert len({s.expected.decision for s in library.scenarios if s.complexity == level}) == 3
    for category in library.category_ids:  # nor does any category
        assert len({s.expected.decision for s in library.in_category(category)}) >= 2
    # ggen's recommendation is not a shortcut either: it is wrong in a fair share of cases
    followed = [
        s for s in library.scenarios if s.automation_recommendation in ("approve", "deny", "escalate")
    ]
    wrong = [s for s in followed if s.automation_recommendation != s.expected.decision]
    assert len(wrong) >= 8


def test_every_key_point_keyword_is_reachable_and_ids_match_files() -> None:
    library = load_library(SHIPPED)
    for spec in library.scenarios:
        assert (SHIPPED / spec.category / f"{spec.id}.yaml").is_file()
        assert spec.expected.decision not in spec.expected.acceptable
        assert isinstance(yaml.safe_load(spec.policy), dict)


def test_each_broken_fixture_is_named_with_file_line_and_field() -> None:
    assert len(EXPECTED) >= 10
    found = _parse(validate_dir(BROKEN))
    assert set(found) == set(EXPECTED), "every fixture has exactly its problem, and nothing else fails"
    for rel, (line, field, words) in EXPECTED.items():
        assert len(found[rel]) == 1, f"{rel}: expected one problem, got {found[rel]}"
        got_line, got_field, message = found[rel][0]
        assert (got_line, got_field) == (line, field), f"{rel}: {found[rel][0]}"
        assert words in message, f"{rel}: {message}"


def test_the_pointed_line_holds_the_field() -> None:
    """The reported line really is where the field is written (or its enclosing block)."""
    for problem in validate_dir(BROKEN):
        match = LINE.match(problem)
        assert match
        field = match["field"]
        text = Path(match["file"]).read_text().splitlines()[int(match["line"]) - 1]
        leaf = [p for p in field.split(".") if not p.isdigit()][-1]
        if field in ("yaml", "rationale"):
            continue  # a syntax error's position; a missing field points at the document
        if field == "expected.decision" and "is required" in match["message"]:
            leaf = "expected"
        assert leaf in text or text.lstrip().startswith("-") or "[" in text, (problem, text)


def test_load_library_raises_with_every_problem() -> None:
    with pytest.raises(LibraryError) as err:
        load_library(BROKEN)
    assert len(err.value.problems) == len(EXPECTED)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "lib"
    shutil.copytree(SHIPPED, target)
    return target


def test_categories_yaml_is_validated_too(tmp_path: Path) -> None:
    lib = _copy(tmp_path)
    text = (lib / "categories.yaml").read_text()
    text = text.replace("  - id: rollback\n", "  - id: change_freeze\n", 1)
    text = text.replace("    name: Config conflict\n", "    name: ''\n", 1)
    (lib / "categories.yaml").write_text(text)
    problems = validate_dir(lib)
    cats = [p for p in problems if "categories.yaml" in p]
    assert any(re.search(r"categories\.yaml:\d+: categories\.1\.name: must not be empty", p) for p in cats)
    assert any(
        re.search(r"categories\.yaml:\d+: categories\.\d+\.id: 'change_freeze' already used", p) for p in cats
    )


def test_missing_guide_verdict_and_missing_categories_file(tmp_path: Path) -> None:
    lib = _copy(tmp_path)
    text = (lib / "categories.yaml").read_text()
    start = text.index("      escalate:\n")
    end = text.index("  - id: config_conflict")
    (lib / "categories.yaml").write_text(text[:start] + text[end:])
    [problem] = validate_dir(lib)
    assert re.fullmatch(r".*categories\.yaml:\d+: categories\.0\.guide\.escalate: is required", problem)
    (lib / "categories.yaml").unlink()
    problems = validate_dir(lib)
    assert problems[0].endswith(
        "categories.yaml:1: categories: file is missing (the taxonomy lives in categories.yaml)"
    )


def test_category_lookup_accepts_what_people_type() -> None:
    library = load_library(SHIPPED)
    for typed in ("change_freeze", "Change-Freeze", "change freeze", "  CHANGE_FREEZE "):
        found = library.find_category(typed)
        assert found is not None and found.id == "change_freeze"
    assert library.find_category("freeze") is None


def test_content_hash_ignores_formatting_but_not_content(tmp_path: Path) -> None:
    lib = _copy(tmp_path)
    path = lib / "rollback" / "rb-04-payments-canary.yaml"
    before = {s.id: s.content_hash() for s in load_library(lib).scenarios}
    path.write_text("# a comment changes nothing\n" + path.read_text())
    assert {s.id: s.content_hash() for s in load_library(lib).scenarios} == before
    path.write_text(path.read_text().replace("p99 latency of 1.9s", "p99 latency of 2.1s"))
    after = {s.id: s.content_hash() for s in load_library(lib).scenarios}
    changed = [k for k in before if before[k] != after[k]]
    assert changed == ["rb-04-payments-canary"]
