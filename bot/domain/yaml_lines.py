"""YAML with positions: parse with line numbers; pydantic errors as ``file:line: field: message``.

Shared by the scenario library and its authoring rules, so every problem a lead
sees points at the line to edit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# libyaml when present: ten times faster, with the same marks (line numbers) on every node
Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Parsed:
    """A YAML document: the Python data and the node tree that knows the lines."""

    data: Any
    node: Node | None


class Problems:
    """Problems collected in order, rendered as ``file:line: field: message``."""

    def __init__(self) -> None:
        self.items: list[tuple[str, int, str]] = []

    def add(self, source: str, line: int, field: str, message: str) -> None:
        self.items.append((source, line, f"{field}: {message}"))

    def render(self) -> list[str]:
        return [f"{src}:{line}: {msg}" for src, line, msg in self.items]


def syntax_message(exc: yaml.MarkedYAMLError, line: int, context_line: int | None) -> str:
    """PyYAML's problem, plus where the unclosed construct began when that is elsewhere."""
    message = str(exc.problem or exc.context or exc)
    if exc.context and context_line is not None and context_line != line:
        message += f" ({exc.context} that starts on line {context_line})"
    return message


def parse_yaml(text: str, source: str, problems: Problems) -> Parsed | None:
    """Parse one document; a syntax error is added to ``problems`` and gives None."""
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        context_line = exc.context_mark.line + 1 if exc.context_mark is not None else None
        problems.add(source, line, "yaml", "syntax error: " + syntax_message(exc, line, context_line))
        return None
    except yaml.YAMLError as exc:
        problems.add(source, 1, "yaml", f"syntax error: {exc}")
        return None
    finally:
        loader.dispose()
    return Parsed(data, node)


def duplicate_keys(node: Node | None, path: str = "") -> Iterator[tuple[str, int]]:
    """Keys repeated in one mapping (YAML silently keeps the last; we refuse)."""
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value) if isinstance(key, ScalarNode) else "?"
            dotted = f"{path}.{name}" if path else name
            if name in seen:
                yield dotted, key.start_mark.line + 1
            seen.add(name)
            yield from duplicate_keys(value, dotted)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from duplicate_keys(item, f"{path}.{index}")


def node_at(node: Node | None, loc: tuple[int | str, ...]) -> tuple[Node | None, int]:
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


def line_of(node: Node | None, loc: tuple[int | str, ...]) -> int:
    return node_at(node, loc)[1]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``list[KeyPoint]`` or ``Expected``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def error_message(err: dict[str, Any], model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """A pydantic error in a lead's words."""
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


def model_errors(
    model: type[BaseModel], data: Any
) -> tuple[BaseModel | None, list[tuple[tuple[int | str, ...], str]]]:
    """Validate ``data``: the model, or every error as (location, message)."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            errors.append((loc, error_message(dict(err), model, loc)))
        return None, errors


def validate_model(
    model: type[BaseModel], parsed: Parsed, source: str, problems: Problems
) -> BaseModel | None:
    """The model for a parsed file, or None with every problem (and duplicate key) added."""
    for dotted, line in duplicate_keys(parsed.node):
        problems.add(source, line, dotted, "appears twice in the same mapping")
    if not isinstance(parsed.data, dict):
        problems.add(source, 1, "(file)", "must be a YAML mapping of fields")
        return None
    result, errors = model_errors(model, parsed.data)
    for loc, message in errors:
        field = ".".join(str(p) for p in loc) or "(file)"
        problems.add(source, line_of(parsed.node, loc), field, message)
    return result
