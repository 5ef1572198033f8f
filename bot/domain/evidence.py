"""The post-program report's building blocks: a section, what it found, and the section registry's helpers.

Each report section is one ``ReportSection(key, title, build)`` row in
``bot.domain.evidence_registry.SECTIONS``. ``build(scope)`` returns a ``SectionResult``:
rows for the section's CSV and JSONL files, a few summary lines, an optional chart
(data only: the renderer draws it) and ``unavailable``, the plain reason when the
section could not be computed. ``via(fn)`` adapts another module's ``*_report``
function into a build, so wiring a section is one changed line (CONTRIBUTING.md).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.domain.weeks import Week
from bot.program import Program

NOT_RECORDED = "not recorded by this version of Casebook"


@dataclass(frozen=True)
class Series:
    """One line or set of bars in a chart; None is a gap (no data that week)."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """A small bar chart as data: labels along the bottom, one or more series, an optional target line."""

    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "count"  # "count", "share" (0–1, drawn as %) or "score" (1–5)
    target: float | None = None


@dataclass(frozen=True)
class ExtraFile:
    """A file a section writes beside its CSV and JSONL (the audit export and its head)."""

    name: str
    text: str


@dataclass(frozen=True)
class SectionResult:
    """What one section found: table rows, summary lines, a chart, or why it could not be computed."""

    columns: tuple[str, ...] = ()
    rows: tuple[Mapping[str, Any], ...] = ()
    summary: tuple[str, ...] = ()
    chart: Chart | None = None
    unavailable: str | None = None
    files: tuple[ExtraFile, ...] = ()
    notes: tuple[str, ...] = ()  # caveats printed under the table ("2 weeks had too few answers")
    display: tuple[str, ...] = ()  # the columns index.html shows (default: all; the files keep all)
    table: tuple[Mapping[str, Any], ...] = ()  # rows index.html shows instead (a long list's summary)


@dataclass(frozen=True)
class ReportScope:
    """What every section may read: one session, the program, the weeks covered and the moment."""

    session: Session
    program: Program
    weeks: tuple[Week, ...]
    at: datetime


SectionBuild = Callable[[ReportScope], SectionResult]


@dataclass(frozen=True)
class ReportSection:
    """One row of the registry: a stable key (file names), a title, and how to build it."""

    key: str
    title: str
    build: SectionBuild
    about: str = ""  # one plain sentence under the heading: what the section is for


@dataclass(frozen=True)
class BuiltSection:
    """A section and what its build returned (or the error that stopped it, as ``unavailable``)."""

    key: str
    title: str
    about: str
    result: SectionResult = field(default_factory=SectionResult)


def unrecorded(reason: str = NOT_RECORDED) -> SectionBuild:
    """A build for a section whose data this version does not record."""

    def build(scope: ReportScope) -> SectionResult:
        return SectionResult(unavailable=reason)

    return build


def _plain(item: Any) -> Mapping[str, Any]:
    if isinstance(item, Mapping):
        return item
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return dataclasses.asdict(item)
    if hasattr(item, "as_dict"):
        return dict(item.as_dict())
    return {"value": item}


def as_result(found: Any) -> SectionResult:
    """A ``SectionResult`` from what a ``*_report`` function returned.

    Accepted: a ``SectionResult``; a mapping with ``rows`` (and optional ``summary``,
    ``unavailable``); an object with a ``rows`` attribute; or a sequence of rows (mappings,
    dataclasses or objects with ``as_dict``).
    """
    if isinstance(found, SectionResult):
        return found
    if isinstance(found, Mapping) and "rows" in found:
        rows, summary, missing = found["rows"], found.get("summary", ()), found.get("unavailable")
    elif hasattr(found, "rows"):
        rows, summary, missing = (
            found.rows,
            getattr(found, "summary", ()),
            getattr(found, "unavailable", None),
        )
    elif isinstance(found, Sequence) and not isinstance(found, str):
        rows, summary, missing = found, (), None
    else:
        raise TypeError(f"cannot read a report section from {type(found).__name__}")
    plain = tuple(_plain(r) for r in rows)
    columns = tuple(dict.fromkeys(k for r in plain for k in r))
    lines = (summary,) if isinstance(summary, str) else tuple(str(s) for s in summary)
    return SectionResult(columns, plain, lines or (f"{len(plain)} rows.",), unavailable=missing)


def via(report: Callable[..., Any]) -> SectionBuild:
    """A build calling ``report`` with the keyword arguments it names (session, program, at, weeks)."""
    wanted = set(inspect.signature(report).parameters)

    def build(scope: ReportScope) -> SectionResult:
        offered = {"session": scope.session, "program": scope.program, "at": scope.at, "weeks": scope.weeks}
        return as_result(report(**{k: v for k, v in offered.items() if k in wanted}))

    return build


@dataclass(frozen=True)
class Report:
    """The whole report: what it covers, when it was built, and every section in order."""

    program: str
    timezone: str
    generated_at: datetime
    weeks: tuple[str, ...]
    sections: tuple[BuiltSection, ...]

    @property
    def unavailable(self) -> tuple[BuiltSection, ...]:
        """The sections that could not be computed (their reasons head the report)."""
        return tuple(s for s in self.sections if s.result.unavailable)
