"""The scenario library on disk: the pydantic schema, loading, and validation with line numbers.

Layout: ``DIR/categories.yaml`` (the taxonomy) and one YAML file per scenario,
normally under ``DIR/<category>/<id>.yaml``. Every problem is reported as
``file:line: field: message`` so that the lead who edits a scenario can jump
straight to it; ``validate_dir`` collects all of them rather than stopping at the first.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

CATEGORIES_FILE = "categories.yaml"
COMPLEXITIES = ("low", "medium", "high")
VERDICTS = ("approve", "deny", "escalate")
Verdict = Literal["approve", "deny", "escalate"]
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
# libyaml when present: ten times faster, with the same marks (line numbers) on every node
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


Text = Annotated[str, AfterValidator(_not_blank)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Guide(_Strict):
    """When to approve, deny or escalate in one category (shown on request)."""

    approve: Annotated[list[Text], Field(min_length=1)]
    deny: Annotated[list[Text], Field(min_length=1)]
    escalate: Annotated[list[Text], Field(min_length=1)]


class CategorySpec(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    name: Annotated[Text, Field(max_length=60)]
    description: Annotated[Text, Field(max_length=1000)]
    signals: Annotated[list[Text], Field(min_length=1)]
    guide: Guide


class CategoriesFile(_Strict):
    categories: Annotated[list[CategorySpec], Field(min_length=1)]


class Pool(StrEnum):
    """Which deal a scenario belongs to: practice (and guides) or the held-out assessment."""

    PRACTICE = "practice"
    ASSESSMENT = "assessment"


class KeyPoint(_Strict):
    """A point a good justification names; matched when any keyword appears (any case)."""

    point: Text
    keywords: Annotated[list[Text], Field(min_length=1)]


class Expected(_Strict):
    decision: Verdict
    acceptable: list[Verdict] = Field(default_factory=list)


class ScenarioSpec(_Strict):
    """One practice scenario as written in its YAML file (limits keep cards within Slack's)."""

    id: Slug
    pool: Pool
    title: Annotated[Text, Field(max_length=120)]
    category: Text
    complexity: Literal["low", "medium", "high"]
    requester: Annotated[Text, Field(max_length=200)]
    context: Annotated[Text, Field(max_length=2500)]
    policy: Annotated[Text, Field(max_length=2500)]
    facts: Annotated[list[Annotated[Text, Field(max_length=400)]], Field(min_length=1, max_length=12)]
    automation_recommendation: Literal["approve", "deny", "escalate", "none"] | None = None
    expected: Expected
    rationale: Annotated[Text, Field(max_length=2000)]
    key_points: Annotated[list[KeyPoint], Field(min_length=1, max_length=8)]
    mentor_notes: Annotated[Text, Field(max_length=2000)]

    def content_hash(self) -> str:
        """SHA-256 of the normalised content: formatting and comments do not make a new version."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Library:
    """A validated library: the taxonomy in file order and every scenario."""

    directory: Path
    categories: tuple[CategorySpec, ...]
    scenarios: tuple[ScenarioSpec, ...]

    def category(self, category_id: str) -> CategorySpec | None:
        return next((c for c in self.categories if c.id == category_id), None)

    @property
    def category_ids(self) -> list[str]:
        return [c.id for c in self.categories]

    def find_category(self, text: str) -> CategorySpec | None:
        """Match what someone typed: ``change-freeze``, ``Change freeze`` or ``change_freeze``."""
        wanted = re.sub(r"[\s\-]+", "_", text.strip().lower())
        return next((c for c in self.categories if wanted in (c.id, c.name.lower().replace(" ", "_"))), None)

    def in_category(self, category_id: str) -> list[ScenarioSpec]:
        return [s for s in self.scenarios if s.category == category_id]


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


# -- YAML with positions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parsed:
    data: Any
    node: Node | None


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[str, int, str]] = []

    def add(self, source: str, line: int, field: str, message: str) -> None:
        self.items.append((source, line, f"{field}: {message}"))

    def render(self) -> list[str]:
        return [f"{src}:{line}: {msg}" for src, line, msg in self.items]


def _syntax(exc: yaml.MarkedYAMLError, line: int, context_line: int | None) -> str:
    """PyYAML's problem, plus where the unclosed construct began when that is elsewhere."""
    message = str(exc.problem or exc.context or exc)
    if exc.context and context_line is not None and context_line != line:
        message += f" ({exc.context} that starts on line {context_line})"
    return message


def _parse_yaml(text: str, source: str, problems: _Problems) -> _Parsed | None:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        context_line = exc.context_mark.line + 1 if exc.context_mark is not None else None
        problems.add(source, line, "yaml", "syntax error: " + _syntax(exc, line, context_line))
        return None
    except yaml.YAMLError as exc:
        problems.add(source, 1, "yaml", f"syntax error: {exc}")
        return None
    finally:
        loader.dispose()
    return _Parsed(data, node)


def _duplicate_keys(node: Node | None, path: str = "") -> Iterator[tuple[str, int]]:
    """Keys repeated in one mapping (YAML silently keeps the last; we refuse)."""
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value) if isinstance(key, ScalarNode) else "?"
            dotted = f"{path}.{name}" if path else name
            if name in seen:
                yield dotted, key.start_mark.line + 1
            seen.add(name)
            yield from _duplicate_keys(value, dotted)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicate_keys(item, f"{path}.{index}")


def _node_at(node: Node | None, loc: tuple[int | str, ...]) -> tuple[Node | None, int]:
    """The node at a field path and the best line for it (the parent's when it is missing)."""
    line = node.start_mark.line + 1 if node is not None else 1
    current = node
    for part in loc:
        nxt: Node | None = None
        if isinstance(current, MappingNode) and isinstance(part, str):
            for key, value in current.value:
                if isinstance(key, ScalarNode) and key.value == part:
                    line, nxt = key.start_mark.line + 1, value
                    break
        elif isinstance(current, SequenceNode) and isinstance(part, int) and part < len(current.value):
            nxt = current.value[part]
            line = nxt.start_mark.line + 1
        if nxt is None:
            return None, line
        current = nxt
    return current, line


def _line(node: Node | None, loc: tuple[int | str, ...]) -> int:
    return _node_at(node, loc)[1]


def _message(err: dict[str, Any], model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        owner = model
        for part in loc[:-1]:
            if isinstance(part, str):
                annotation = owner.model_fields[part].annotation if part in owner.model_fields else None
                nested = _model_in(annotation)
                if nested is None:
                    break
                owner = nested
        allowed = ", ".join(owner.model_fields)
        return f"unknown field (allowed: {allowed})"
    if kind == "too_short" and err.get("ctx", {}).get("min_length"):
        least = err["ctx"]["min_length"]
        return f"needs at least {least} item{'s' if least != 1 else ''}"
    if kind == "too_long" and "max_length" in err.get("ctx", {}):
        return f"has too many items (at most {err['ctx']['max_length']})"
    if kind == "string_too_long":
        return f"is too long (at most {err['ctx']['max_length']} characters)"
    return str(err["msg"]).removeprefix("Value error, ")


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``list[KeyPoint]`` or ``Expected``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _validate_model(
    model: type[BaseModel], parsed: _Parsed, source: str, problems: _Problems
) -> BaseModel | None:
    for dotted, line in _duplicate_keys(parsed.node):
        problems.add(source, line, dotted, "appears twice in the same mapping")
    if not isinstance(parsed.data, dict):
        problems.add(source, 1, "(file)", "must be a YAML mapping of fields")
        return None
    try:
        return model.model_validate(parsed.data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            field = ".".join(str(p) for p in loc) or "(file)"
            problems.add(source, _line(parsed.node, loc), field, _message(dict(err), model, loc))
        return None


# -- categories and scenarios ----------------------------------------------------------------------


def _load_categories(directory: Path, problems: _Problems) -> list[CategorySpec] | None:
    path = directory / CATEGORIES_FILE
    source = str(path)
    if not path.is_file():
        problems.add(source, 1, "categories", f"file is missing (the taxonomy lives in {CATEGORIES_FILE})")
        return None
    parsed = _parse_yaml(path.read_text(encoding="utf-8"), source, problems)
    if parsed is None:
        return None
    ok = True
    seen: dict[str, int] = {}
    raw = parsed.data.get("categories") if isinstance(parsed.data, dict) else None
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        cid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(cid, str):
            continue
        line = _line(parsed.node, ("categories", index, "id"))
        if cid in seen:
            problems.add(source, line, f"categories.{index}.id", f"{cid!r} already used on line {seen[cid]}")
            ok = False
        seen.setdefault(cid, line)
    result = _validate_model(CategoriesFile, parsed, source, problems)
    if not isinstance(result, CategoriesFile) or not ok:
        return None
    return list(result.categories)


def _policy_problem(spec: ScenarioSpec, node: Node | None) -> tuple[int, str] | None:
    """The excerpt must parse as YAML (a mapping, like ggen's policies); report the file line."""
    value_node, key_line = _node_at(node, ("policy",))
    try:
        parsed = yaml.load(spec.policy, Loader=_Loader)  # _Loader is a safe loader
    except yaml.MarkedYAMLError as exc:
        base = key_line
        if isinstance(value_node, ScalarNode):
            block = value_node.style in ("|", ">")
            base = value_node.start_mark.line + 1 + (1 if block else 0)
        last = max(0, len(spec.policy.rstrip("\n").splitlines()) - 1)
        offset = min(exc.problem_mark.line, last) if exc.problem_mark is not None else 0
        context_line = base + exc.context_mark.line if exc.context_mark is not None else None
        return base + offset, "is not valid YAML: " + _syntax(exc, base + offset, context_line)
    except yaml.YAMLError as exc:
        return key_line, f"is not valid YAML: {exc}"
    if not isinstance(parsed, dict):
        return key_line, "must be a YAML mapping (the policy excerpt as ggen shows it)"
    return None


def _check_scenario(
    spec: ScenarioSpec, path: Path, directory: Path, node: Node | None, categories: set[str] | None
) -> Iterator[tuple[int, str, str]]:
    """Rules beyond the schema: names, categories, a coherent expected decision, the policy."""
    if spec.id != path.stem:
        yield _line(node, ("id",)), "id", f"{spec.id!r} does not match the file name {path.name!r}"
    if categories is not None and spec.category not in categories:
        known = ", ".join(sorted(categories))
        yield _line(node, ("category",)), "category", f"unknown category {spec.category!r} (known: {known})"
    elif path.parent != directory and path.parent.name != spec.category:
        yield (
            _line(node, ("category",)),
            "category",
            f"{spec.category!r} but the file is in {path.parent.name}/; move it to {spec.category}/",
        )
    if spec.expected.decision in spec.expected.acceptable:
        index = spec.expected.acceptable.index(spec.expected.decision)
        yield (
            _line(node, ("expected", "acceptable", index)),
            f"expected.acceptable.{index}",
            f"{spec.expected.decision!r} is already the expected decision; acceptable lists alternatives",
        )
    if len(set(spec.expected.acceptable)) != len(spec.expected.acceptable):
        yield _line(node, ("expected", "acceptable")), "expected.acceptable", "lists a decision twice"
    policy = _policy_problem(spec, node)
    if policy is not None:
        yield policy[0], "policy", policy[1]


def _scenario_files(directory: Path) -> list[Path]:
    files = [p for p in directory.rglob("*.yaml") if p.name != CATEGORIES_FILE]
    files += [p for p in directory.rglob("*.yml")]
    return sorted(files)


def _collect(directory: Path) -> tuple[list[CategorySpec], list[ScenarioSpec], _Problems]:
    problems = _Problems()
    if not directory.is_dir():
        problems.add(str(directory), 1, "directory", "does not exist or is not a directory")
        return [], [], problems
    categories = _load_categories(directory, problems)
    known = {c.id for c in categories} if categories is not None else None
    scenarios: list[ScenarioSpec] = []
    ids: dict[str, tuple[str, int]] = {}
    for path in _scenario_files(directory):
        source = str(path)
        if path.suffix == ".yml":
            problems.add(source, 1, "(file)", "use the .yaml extension")
            continue
        parsed = _parse_yaml(path.read_text(encoding="utf-8"), source, problems)
        if parsed is None:
            continue
        spec = _validate_model(ScenarioSpec, parsed, source, problems)
        if not isinstance(spec, ScenarioSpec):
            continue
        found = list(_check_scenario(spec, path, directory, parsed.node, known))
        for line, field, message in found:
            problems.add(source, line, field, message)
        id_line = _line(parsed.node, ("id",))
        if spec.id in ids:
            other, other_line = ids[spec.id]
            problems.add(source, id_line, "id", f"{spec.id!r} is already used by {other}:{other_line}")
            continue
        ids[spec.id] = (source, id_line)
        if not found:
            scenarios.append(spec)
    return categories or [], scenarios, problems


def validate_dir(directory: str | Path) -> list[str]:
    """Every problem in the library at ``directory``, as ``file:line: field: message``."""
    return _collect(Path(directory))[2].render()


def load_library(directory: str | Path) -> Library:
    """Load and validate the library; raise LibraryError listing every problem."""
    path = Path(directory)
    categories, scenarios, problems = _collect(path)
    if problems.items:
        raise LibraryError(problems.render())
    order = {c.id: i for i, c in enumerate(categories)}
    scenarios.sort(key=lambda s: (order[s.category], COMPLEXITIES.index(s.complexity), s.id))
    return Library(directory=path, categories=tuple(categories), scenarios=tuple(scenarios))
