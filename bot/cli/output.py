"""Rows out of the CLI as an aligned table, CSV or JSON Lines."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

FORMATS = ("table", "csv", "jsonl")
TABLE_CELL_MAX = 60
# C0 and C1 control characters and DEL: a title like "\x1b]0;pwned\x07" must not drive the terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Cells a spreadsheet would run as a formula (OWASP's list); CSV writes them with a leading '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters become spaces, runs of space one."""
    return " ".join(_CONTROL.sub(" ", text).split())


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell that spreadsheets show as text, never evaluate."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _short(text: str) -> str:
    text = printable(text)
    return text if len(text) <= TABLE_CELL_MAX else text[: TABLE_CELL_MAX - 1] + "…"


def write_rows(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], out: TextIO, *, fmt: str, empty: str = ""
) -> int:
    """Write ``rows`` in ``fmt``; tables shorten long cells except hashes (CSV and JSON Lines never do)."""
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False, default=str) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([spreadsheet_safe(_cell(row.get(c))) for c in columns])
    elif fmt == "table":
        if not rows:
            out.write((empty or "(no rows)") + "\n")
            return 0
        # Hashes are evidence: never shortened.
        cells = [
            [printable(_cell(row.get(c))) if "hash" in c else _short(_cell(row.get(c))) for c in columns]
            for row in rows
        ]
        widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
        out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
        out.write("  ".join("-" * w for w in widths) + "\n")
        for r in cells:
            out.write("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() + "\n")
    else:
        raise ValueError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    return len(rows)
