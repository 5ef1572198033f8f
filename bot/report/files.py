"""The evidence directory: ``index.html``, a CSV and a JSONL file per section, and ``manifest.json``."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.domain.evidence import BuiltSection, Report
from bot.report.html import render_html

MANIFEST = "manifest.json"
INDEX = "index.html"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _csv_cell(value: Any) -> str:
    # a leading =, +, - or @ would run as a formula in a spreadsheet: quote it as text
    text = "" if value is None else str(_plain(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _numeric(text) else text


def _numeric(text: str) -> bool:
    """A signed number or percentage ("-3.3%") is data, not a formula."""
    return re.fullmatch(r"[+-]?\d+(\.\d+)?%?", text) is not None


def section_csv(section: BuiltSection) -> str:
    """The section's rows as CSV (a header only when it has no rows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = section.result.columns
    writer.writerow(columns)
    for row in section.result.rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return out.getvalue()


def section_jsonl(section: BuiltSection) -> str:
    """The section's rows as JSON Lines, one object per row."""
    return "".join(
        json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False) + "\n"
        for row in section.result.rows
    )


def _manifest(report: Report) -> dict[str, Any]:
    return {
        "program": report.program,
        "timezone": report.timezone,
        "generated_at": report.generated_at.isoformat(),
        "weeks": list(report.weeks),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "unavailable": s.result.unavailable,
                "summary": list(s.result.summary),
                "rows": len(s.result.rows),
                "files": []
                if s.result.unavailable
                else [f"{s.key}.csv", f"{s.key}.jsonl", *(f.name for f in s.result.files)],
            }
            for s in report.sections
        ],
    }


def report_files(report: Report) -> dict[str, str]:
    """Every file of the evidence directory by name (available sections get their CSV and JSONL)."""
    files: dict[str, str] = {INDEX: render_html(report)}
    for section in report.sections:
        if section.result.unavailable:
            continue
        files[f"{section.key}.csv"] = section_csv(section)
        files[f"{section.key}.jsonl"] = section_jsonl(section)
        files.update({f.name: f.text for f in section.result.files})
    files[MANIFEST] = json.dumps(_manifest(report), indent=2, ensure_ascii=False) + "\n"
    return files


def write_report(report: Report, out: Path) -> list[Path]:
    """Write the evidence directory into ``out`` (created if missing); returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in report_files(report).items():
        path = out / name
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return written


def report_zip(files: Mapping[str, str]) -> bytes:
    """The evidence directory as one zip (for sharing it as a single file)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
