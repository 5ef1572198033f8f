"""`casebook incidents import FILE.csv`: load P1/P2 incidents (ref,priority,opened_at,responded_at)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import CliError, Subparsers, add, clock, open_db, settings_from_env
from bot.textfile import InputFileError, read_text_file


def cmd_import(args: argparse.Namespace) -> int:
    from bot.db.engine import transaction
    from bot.domain.incidents import IncidentCsvError, import_incidents, parse_csv

    settings = settings_from_env()
    program = settings.load_program()
    path = Path(args.file)
    try:
        text = read_text_file(path, what="incidents file")
    except InputFileError as exc:
        raise CliError(str(exc)) from None
    try:
        rows = parse_csv(text, tz=program.tz, source=str(path))
    except IncidentCsvError as exc:
        raise CliError(f"nothing imported; fix these rows:\n{exc}") from None
    _, sessions = open_db(settings)
    with transaction(sessions) as session:
        result = import_incidents(session=session, now=clock().now(), actor="cli:incidents-import", rows=rows)
    print(
        f"imported {len(rows)} incidents from {path}: "
        f"{result.created} new, {result.updated} updated, {result.unchanged} unchanged"
    )
    return 0


def add_parsers(subparsers: Subparsers) -> None:
    incidents = subparsers.add_parser("incidents", help="manage P1/P2 incident records")
    incidents_sub = incidents.add_subparsers(dest="incidents_command", required=True)
    imp = add(incidents_sub, "import", "import incidents from CSV (idempotent on ref)", cmd_import)
    imp.add_argument("file")
