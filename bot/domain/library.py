"""The scenario library on disk: loading and validation with line numbers.

Layout: ``DIR/categories.yaml`` (the taxonomy) and one YAML file per scenario,
normally under ``DIR/<category>/<id>.yaml``. Every problem is reported as
``file:line: field: message`` so that the lead who edits a scenario can jump
straight to it; ``validate_dir`` collects all of them rather than stopping at the first.

Loading (at start-up) needs the schema; the authoring rules (policy grammar,
identical quoting, pool balance) are ``bot.domain.library_rules``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import Node

from bot.domain.categories import CATEGORIES_FILE, CategoriesFile, CategorySpec, Guide
from bot.domain.policy_grammar import NOT_A_MAPPING, read_excerpt
from bot.domain.scenario_spec import COMPLEXITIES, Expected, KeyPoint, Pool, ScenarioSpec
from bot.domain.vocab import VERDICTS, Verdict
from bot.domain.yaml_lines import (
    Problems,
    line_of,
    parse_yaml,
    validate_model,
)
from bot.textfile import InputFileError, read_text_file

__all__ = [
    "CATEGORIES_FILE",
    "COMPLEXITIES",
    "VERDICTS",
    "CategorySpec",
    "Expected",
    "Guide",
    "KeyPoint",
    "Library",
    "LibraryError",
    "Pool",
    "ScenarioSpec",
    "Verdict",
    "load_library",
    "resolve_dir",
    "validate_dir",
]
PACKAGE_ROOT = Path(__file__).resolve().parents[2]

MAX_FILE_BYTES = 256 * 1024  # a scenario is a few KB; anything near this is the wrong file


@dataclass(frozen=True)
class Library:
    """A validated library: the taxonomy in file order, every scenario and the file it came from."""

    directory: Path
    categories: tuple[CategorySpec, ...]
    scenarios: tuple[ScenarioSpec, ...]
    sources: Mapping[str, Path] = field(default_factory=dict)  # scenario id -> its file

    def category(self, category_id: str) -> CategorySpec | None:
        return next((c for c in self.categories if c.id == category_id), None)

    @property
    def category_ids(self) -> list[str]:
        return [c.id for c in self.categories]

    def find_category(self, text: str) -> CategorySpec | None:
        """Match what someone typed: ``change-freeze``, ``Change freeze`` or ``change_freeze``."""
        wanted = re.sub(r"[\s\-]+", "_", text.strip().lower())
        return next((c for c in self.categories if wanted in (c.id, c.name.lower().replace(" ", "_"))), None)

    def in_category(self, category_id: str, pool: Pool | None = None) -> list[ScenarioSpec]:
        return [s for s in self.pool(pool) if s.category == category_id]

    def pool(self, pool: Pool | None) -> list[ScenarioSpec]:
        """The scenarios of one pool (practice or the held-out assessment); None: all of them."""
        return [s for s in self.scenarios if pool is None or s.pool == pool]

    def slugs(self, pool: Pool) -> frozenset[str]:
        """The ids of one pool, for dealing from the database's scenarios."""
        return frozenset(s.id for s in self.pool(pool))


class LibraryError(Exception):
    """The library is invalid; ``problems`` holds one ``file:line: field: message`` each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def resolve_dir(path: str | Path) -> Path:
    """The library directory: as given, else relative to the source checkout (for the default)."""
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    fallback = PACKAGE_ROOT / candidate
    return fallback if fallback.exists() else candidate


def _parse_file(path: Path, source: str, problems: Problems) -> Any:
    """A library file's YAML, or None with a problem for an unreadable file (encoding, binary, size)."""
    try:
        text = read_text_file(path, what="scenario file", max_bytes=MAX_FILE_BYTES)
    except InputFileError as exc:
        problems.add(source, 1, "(file)", str(exc).removeprefix(f"{path}: "))
        return None
    return parse_yaml(text, source, problems)


def _load_categories(directory: Path, problems: Problems) -> list[CategorySpec] | None:
    path = directory / CATEGORIES_FILE
    source = str(path)
    if not path.is_file():
        problems.add(source, 1, "categories", f"file is missing (the taxonomy lives in {CATEGORIES_FILE})")
        return None
    parsed = _parse_file(path, source, problems)
    if parsed is None:
        return None
    ok = True
    seen: dict[str, int] = {}
    raw = parsed.data.get("categories") if isinstance(parsed.data, dict) else None
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        cid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(cid, str):
            continue
        line = line_of(parsed.node, ("categories", index, "id"))
        if cid in seen:
            problems.add(source, line, f"categories.{index}.id", f"{cid!r} already used on line {seen[cid]}")
            ok = False
        seen.setdefault(cid, line)
    result = validate_model(CategoriesFile, parsed, source, problems)
    if not isinstance(result, CategoriesFile) or not ok:
        return None
    return list(result.categories)


def _policy_problem(spec: ScenarioSpec, node: Node | None) -> tuple[int, str] | None:
    """The excerpt must parse as YAML (a mapping, like ggen's policies); report the file line."""
    excerpt = read_excerpt(spec.policy, node=node)
    if isinstance(excerpt, tuple):
        return excerpt
    return None if isinstance(excerpt.data, dict) else (excerpt.key_line, NOT_A_MAPPING)


def _check_scenario(
    spec: ScenarioSpec, path: Path, directory: Path, node: Node | None, categories: set[str] | None
) -> Iterator[tuple[int, str, str]]:
    """Rules beyond the schema: names, categories, a coherent expected decision, the policy."""
    if spec.id != path.stem:
        yield line_of(node, ("id",)), "id", f"{spec.id!r} does not match the file name {path.name!r}"
    if categories is not None and spec.category not in categories:
        known = ", ".join(sorted(categories))
        yield line_of(node, ("category",)), "category", f"unknown category {spec.category!r} (known: {known})"
    elif path.parent != directory and path.parent.name != spec.category:
        yield (
            line_of(node, ("category",)),
            "category",
            f"{spec.category!r} but the file is in {path.parent.name}/; move it to {spec.category}/",
        )
    decision = spec.expected.decision
    if decision in spec.expected.acceptable:
        index = spec.expected.acceptable.index(decision)
        yield (
            line_of(node, ("expected", "acceptable", index)),
            f"expected.acceptable.{index}",
            f"'{decision.value}' is already the expected decision; acceptable lists alternatives",
        )
    if len(set(spec.expected.acceptable)) != len(spec.expected.acceptable):
        yield line_of(node, ("expected", "acceptable")), "expected.acceptable", "lists a decision twice"
    policy = _policy_problem(spec, node)
    if policy is not None:
        yield policy[0], "policy", policy[1]


def _scenario_files(directory: Path) -> list[Path]:
    files = [p for p in directory.rglob("*.yaml") if p.name != CATEGORIES_FILE]
    files += [p for p in directory.rglob("*.yml")]
    return sorted(files)


@dataclass
class _Collected:
    categories: list[CategorySpec]
    scenarios: list[ScenarioSpec]
    sources: dict[str, Path]
    problems: Problems


def _collect(directory: Path) -> _Collected:
    out = _Collected([], [], {}, Problems())
    problems = out.problems
    if not directory.is_dir():
        problems.add(str(directory), 1, "directory", "does not exist or is not a directory")
        return out
    categories = _load_categories(directory, problems)
    out.categories = categories or []
    known = {c.id for c in categories} if categories is not None else None
    ids: dict[str, tuple[str, int]] = {}
    for path in _scenario_files(directory):
        source = str(path)
        if path.suffix == ".yml":
            problems.add(source, 1, "(file)", "use the .yaml extension")
            continue
        parsed = _parse_file(path, source, problems)
        if parsed is None:
            continue
        spec = validate_model(ScenarioSpec, parsed, source, problems)
        if not isinstance(spec, ScenarioSpec):
            continue
        found = list(_check_scenario(spec, path, directory, parsed.node, known))
        for line, name, message in found:
            problems.add(source, line, name, message)
        id_line = line_of(parsed.node, ("id",))
        if spec.id in ids:
            other, other_line = ids[spec.id]
            problems.add(source, id_line, "id", f"{spec.id!r} is already used by {other}:{other_line}")
            continue
        ids[spec.id] = (source, id_line)
        if not found:
            out.scenarios.append(spec)
            out.sources[spec.id] = path
    return out


def validate_dir(directory: str | Path) -> list[str]:
    """Every problem that stops the library loading, as ``file:line: field: message``."""
    return _collect(Path(directory)).problems.render()


def load_library(directory: str | Path) -> Library:
    """Load and validate the library; raise LibraryError listing every problem."""
    path = Path(directory)
    got = _collect(path)
    if got.problems.items:
        raise LibraryError(got.problems.render())
    order = {c.id: i for i, c in enumerate(got.categories)}
    scenarios = sorted(
        got.scenarios, key=lambda s: (order[s.category], COMPLEXITIES.index(s.complexity), s.id)
    )
    return Library(
        directory=path, categories=tuple(got.categories), scenarios=tuple(scenarios), sources=got.sources
    )
