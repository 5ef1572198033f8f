"""Audit exports: CSV or JSON Lines with a signed trailer, and their offline verification.

The trailer is the file's last record. It carries the count, the first and last sequence
numbers, the first row's link and the last row's MAC, the database head at export time,
when and by whom, and a MAC over all of that with the audit key. A trailer rather than a
header because exports stream: the count is known only at the end, and a file cut short
loses its trailer and fails. With the key, ``verify_export`` therefore detects any row
removed (first, last or middle), added, reordered or edited, a header-only file, and a
re-hashed edit.

CSV cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``,
tab or carriage return) are written with a leading apostrophe, and so is a cell that
already starts with one, so the escaping reverses exactly when the file is verified.
"""

from __future__ import annotations

import csv
import hmac
import io
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from bot.db.audit import Chain, VerifyResult
from bot.db.audit_chain import DEVELOPMENT, EXPORT_COLUMNS, GENESIS, Keyring, canonical_json, iso, mac

TRAILER_MARK = "signature"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet will show as text, never run as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _trailer_mac(key: bytes, fields: Mapping[str, Any]) -> str:
    return mac(key, "export|" + canonical_json({k: v for k, v in fields.items() if k != "mac"}))


class _Trailer:
    """Collects what the trailer states while rows stream past."""

    def __init__(self) -> None:
        self.count = 0
        self.first_seq: int | None = None
        self.first_prev = GENESIS
        self.last_seq = 0
        self.last_hash = GENESIS

    def see(self, row: Mapping[str, Any]) -> None:
        if self.first_seq is None:
            self.first_seq, self.first_prev = int(row["seq"]), str(row["prev_hash"])
        self.count += 1
        self.last_seq, self.last_hash = int(row["seq"]), str(row["hash"])

    def signed(
        self, *, keyring: Keyring, head: tuple[int, str], exported_at: datetime | None, exported_by: str
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "count": self.count,
            "first_seq": self.first_seq or 0,
            "first_prev_hash": self.first_prev,
            "last_seq": self.last_seq,
            "last_hash": self.last_hash,
            "head_seq": head[0],
            "head_mac": head[1],
            "exported_at": iso(exported_at) if exported_at else "",
            "exported_by": exported_by,
            "development_key": keyring.development,
        }
        fields["mac"] = _trailer_mac(keyring.current, fields)
        return fields


def write_export(
    rows: Iterable[Mapping[str, Any]],
    out: io.TextIOBase | Any,
    *,
    fmt: str,
    keyring: Keyring = DEVELOPMENT,
    head: tuple[int, str] = (0, GENESIS),
    exported_at: datetime | None = None,
    exported_by: str = "",
) -> int:
    """Write rows as CSV or JSONL with every chain column and a signed trailer; return the count."""
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"unknown export format {fmt!r} (use csv or jsonl)")
    trailer = _Trailer()
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
    if fmt == "csv":
        writer.writeheader()
    for row in rows:
        trailer.see(row)
        if fmt == "csv":
            writer.writerow({k: neutralise("" if row[k] is None else str(row[k])) for k in EXPORT_COLUMNS})
        else:
            out.write(canonical_json({k: row[k] for k in EXPORT_COLUMNS}) + "\n")
    signed = trailer.signed(keyring=keyring, head=head, exported_at=exported_at, exported_by=exported_by)
    if fmt == "csv":
        blank = dict.fromkeys(EXPORT_COLUMNS, "")
        writer.writerow({**blank, "seq": TRAILER_MARK, "payload": canonical_json(signed)})
    else:
        out.write(canonical_json({TRAILER_MARK: signed}) + "\n")
    return trailer.count


def _read_jsonl(data: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    rows = [json.loads(line) for line in data.split("\n") if line.strip()]
    if not all(isinstance(row, dict) for row in rows):
        raise ValueError("every line must be one JSON object")
    trailer = rows.pop()[TRAILER_MARK] if rows and set(rows[-1]) == {TRAILER_MARK} else None
    return rows, trailer


def _read_csv(data: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    reader = csv.DictReader(io.StringIO(data))
    if list(reader.fieldnames or []) != list(EXPORT_COLUMNS):
        raise ValueError(f"the header must be {','.join(EXPORT_COLUMNS)}")
    rows: list[dict[str, Any]] = []
    trailer: dict[str, Any] | None = None
    for raw in reader:
        if None in raw or None in raw.values():
            raise ValueError(f"line {reader.line_num}: malformed row")
        if trailer is not None:
            raise ValueError(f"line {reader.line_num}: a row after the signed trailer")
        if raw["seq"] == TRAILER_MARK:
            if any(v for k, v in raw.items() if k not in ("seq", "payload")):
                raise ValueError(f"line {reader.line_num}: the signed trailer has unexpected cells")
            trailer = json.loads(raw["payload"])
            continue
        row: dict[str, Any] = {k: _restore(v) for k, v in raw.items()}
        if not str(row["seq"]).isdigit():
            raise ValueError(f"line {reader.line_num}: malformed row")
        row["seq"] = int(row["seq"])
        row["reason"] = row["reason"] or None
        rows.append(row)
    return rows, trailer


def read_signed(data: str) -> tuple[str, list[dict[str, Any]], dict[str, Any] | None]:
    """Parse an export (format from its first line) into (format, rows, trailer or None).

    Lines are split on ``\\n`` only (``str.splitlines`` would also split on form feeds and
    other separators, hiding a changed byte); anything malformed raises ValueError.
    """
    if data.lstrip().startswith("{"):
        return "jsonl", *_read_jsonl(data)
    return "csv", *_read_csv(data)


def read_export(data: str) -> tuple[str, list[dict[str, Any]]]:
    """The format and the event rows of an export (its trailer left out)."""
    fmt, rows, _ = read_signed(data)
    return fmt, rows


def _trailer_problem(trailer: dict[str, Any] | None, keyring: Keyring) -> str | None:
    if trailer is None or not isinstance(trailer, dict):
        return "no signed trailer: the file was cut short or is not a Casebook audit export"
    stated = str(trailer.get("mac", ""))
    if not any(hmac.compare_digest(_trailer_mac(k, trailer), stated) for k in keyring.all_keys()):
        return "the signed trailer does not match its MAC (edited, or signed with a key this process lacks)"
    return None


def _count_problem(rows: list[dict[str, Any]], trailer: dict[str, Any]) -> str | None:
    if len(rows) != trailer["count"]:
        change = "removed" if len(rows) < trailer["count"] else "added"
        return f"the trailer says {trailer['count']} events but the file has {len(rows)}: rows were {change}"
    if rows and int(rows[-1]["seq"]) != trailer["last_seq"]:
        return f"the export ended at seq {trailer['last_seq']}; the file ends at seq {rows[-1]['seq']}"
    if rows and rows[-1]["hash"] != trailer["last_hash"]:
        return f"row seq {rows[-1]['seq']}: not the row that was exported last"
    return None


def verify_export(data: str, *, keyring: Keyring = DEVELOPMENT) -> VerifyResult:
    """Verify an exported file on its own (no database), against its signed trailer."""
    try:
        _, rows, trailer = read_signed(data)
        problem = _trailer_problem(trailer, keyring)
        if problem or trailer is None:
            return VerifyResult(False, 0, problem)
        chain = Chain(keyring, anchored=False)
        chain.seq, chain.prev = int(trailer["first_seq"]) or 1, str(trailer["first_prev_hash"])
        for row in rows:
            problem = chain.check(row)
            if problem:
                return chain.result(problem)
        return chain.result(_count_problem(rows, trailer))
    except (ValueError, KeyError, TypeError) as exc:
        return VerifyResult(False, 0, f"not a readable audit export ({type(exc).__name__}: {exc})")
