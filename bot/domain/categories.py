"""The exception taxonomy (scenarios/categories.yaml): one model, read by the library and the live form.

Each category carries its description, the signals to look for and the decision
guide (when to approve, deny or escalate, including the deny/escalate line). The
scenario library validates the file with line numbers (see ``bot.domain.library``);
the live-decision form only needs ids and names and re-reads the file when it
changes (keyed by its mtime), so a lead's edit shows without a restart.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from bot.domain.errors import DomainError
from bot.domain.yaml_lines import model_errors

CATEGORIES_FILE = "categories.yaml"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


Text = Annotated[str, AfterValidator(_not_blank)]


class Strict(BaseModel):
    """Unknown fields are errors and the values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Guide(Strict):
    """When to approve, deny or escalate in one category (shown on request)."""

    approve: Annotated[list[Text], Field(min_length=1)]
    deny: Annotated[list[Text], Field(min_length=1)]
    escalate: Annotated[list[Text], Field(min_length=1)]


class CategorySpec(Strict):
    """One category; ``name`` defaults to the id in words."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    name: Annotated[Text, Field(max_length=60)]
    description: Annotated[Text, Field(max_length=1000)]
    signals: Annotated[list[Text], Field(min_length=1)]
    guide: Guide

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "name" not in data and isinstance(data.get("id"), str):
            return {**data, "name": data["id"].replace("_", " ").capitalize()}
        return data


class CategoriesFile(Strict):
    """The file: the deny/escalate line every category shares, then the categories."""

    decision_line: Guide | None = None
    categories: Annotated[list[CategorySpec], Field(min_length=1)]

    @model_validator(mode="after")
    def _guides_open_with_the_line(self) -> CategoriesFile:
        """Each category's guide starts with the shared line, so every guide shows it."""
        line = self.decision_line
        if line is None:
            return self
        merged = [
            c.model_copy(
                update={
                    "guide": Guide(
                        approve=[*line.approve, *c.guide.approve],
                        deny=[*line.deny, *c.guide.deny],
                        escalate=[*line.escalate, *c.guide.escalate],
                    )
                }
            )
            for c in self.categories
        ]
        return self.model_copy(update={"categories": merged})


# The live form and the audit queries name categories; they are the same objects.
Category = CategorySpec


def categories_path(scenarios_dir: str | Path) -> Path:
    return Path(scenarios_dir) / CATEGORIES_FILE


def load_categories(path: Path) -> tuple[CategorySpec, ...]:
    """The categories in file order; a missing or malformed file is a DomainError naming it."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise DomainError(f"{path}: cannot read the category list ({exc.strerror})") from None
    return _parse(str(path), mtime)


@functools.lru_cache(maxsize=8)
def _parse(path: str, _mtime: int) -> tuple[CategorySpec, ...]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DomainError(f"{path}: cannot read the category list ({exc})") from None
    raw = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise DomainError(f"{path}: expected a non-empty `categories:` list")
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not item.get("id"):
            raise DomainError(f"{path}: category {index} has no id")
    ids = [str(item["id"]) for item in raw]
    if len(set(ids)) != len(ids):
        raise DomainError(f"{path}: category ids must be unique")
    result, errors = model_errors(CategoriesFile, data)
    if not isinstance(result, CategoriesFile):
        loc, message = errors[0]
        field = ".".join(str(p) for p in loc)
        raise DomainError(f"{path}: {field}: {message} (run `casebook scenarios validate`)")
    return tuple(result.categories)


def category_names(categories: tuple[CategorySpec, ...]) -> dict[str, str]:
    return {c.id: c.name for c in categories}
