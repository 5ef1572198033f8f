"""`casebook audit verify|export`: check and hand over the hash-chained audit trail."""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from bot.cli.common import CliError, Subparsers, add, open_db, settings_from_env
from bot.db.audit import export_rows, read_export, verify_database, verify_rows, write_export
from bot.db.engine import transaction


def cmd_verify(args: argparse.Namespace) -> int:
    if args.file:
        path = Path(args.file)
        try:
            data = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"{path}: {exc.strerror}") from None
        try:
            _, rows = read_export(data)
        except (ValueError, KeyError) as exc:
            print(f"audit export {path} is not readable: {exc}", file=sys.stderr)
            return 1
        anchored = bool(rows) and int(rows[0]["seq"]) == 1
        result = verify_rows(rows, anchored=anchored)
    else:
        settings = settings_from_env()
        _, sessions = open_db(settings)
        with transaction(sessions) as session:
            result = verify_database(session)
    if result.ok:
        print(f"audit chain OK: {result.checked} events verified")
        return 0
    print(f"audit chain BROKEN after {result.checked} good events: {result.problem}", file=sys.stderr)
    return 1


def _since(value: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--since: {value!r} is not a date (use YYYY-MM-DD)") from None


def cmd_export(args: argparse.Namespace) -> int:
    settings = settings_from_env()
    _, sessions = open_db(settings)
    with contextlib.ExitStack() as stack:
        out = (
            stack.enter_context(open(args.output, "w", encoding="utf-8", newline=""))
            if args.output
            else sys.stdout
        )
        with transaction(sessions) as session:
            count = write_export(export_rows(session, since=args.since), out, fmt=args.format)
    print(f"exported {count} audit events", file=sys.stderr)
    return 0


def add_parsers(subparsers: Subparsers) -> None:
    audit = subparsers.add_parser("audit", help="verify, export and query the audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = add(audit_sub, "verify", "check the hash chain (the database, or an exported file)", cmd_verify)
    verify.add_argument("--file", help="verify an exported CSV/JSONL file without database access")
    export = add(audit_sub, "export", "export events with their chain columns", cmd_export)
    export.add_argument("--format", choices=["csv", "jsonl"], default="jsonl")
    export.add_argument("--since", type=_since, default=None, help="YYYY-MM-DD (UTC)")
    export.add_argument("--output", "-o", help="write to a file instead of stdout")
    audit.set_defaults(audit_parser=audit)
