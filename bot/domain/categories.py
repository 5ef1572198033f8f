"""The exception taxonomy (scenarios/categories.yaml): ids and display names only.

The full scenario library lives elsewhere; the live-decision form and the audit
queries only need to know which categories exist and what to call them. The file
is data a lead edits, so it is re-read when it changes (keyed by its mtime).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.domain.errors import DomainError

CATEGORIES_FILE = "categories.yaml"


@dataclass(frozen=True)
class Category:
    id: str
    name: str


def categories_path(scenarios_dir: str | Path) -> Path:
    return Path(scenarios_dir) / CATEGORIES_FILE


def load_categories(path: Path) -> tuple[Category, ...]:
    """The categories in file order; a missing or malformed file is a DomainError naming it."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise DomainError(f"{path}: cannot read the category list ({exc.strerror})") from None
    return _parse(str(path), mtime)


@functools.lru_cache(maxsize=8)
def _parse(path: str, _mtime: int) -> tuple[Category, ...]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DomainError(f"{path}: cannot read the category list ({exc})") from None
    raw = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise DomainError(f"{path}: expected a non-empty `categories:` list")
    out: list[Category] = []
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not item.get("id"):
            raise DomainError(f"{path}: category {index} has no id")
        cid = str(item["id"])
        out.append(Category(id=cid, name=str(item.get("name") or cid.replace("_", " ").capitalize())))
    ids = [c.id for c in out]
    if len(set(ids)) != len(ids):
        raise DomainError(f"{path}: category ids must be unique")
    return tuple(out)


def category_names(categories: tuple[Category, ...]) -> dict[str, str]:
    return {c.id: c.name for c in categories}
