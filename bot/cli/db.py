"""`casebook migrate` and `casebook roster import`."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import CliError, Subparsers, add, clock, open_db, settings_from_env
from bot.textfile import InputFileError, read_text_file


def cmd_migrate(args: argparse.Namespace) -> int:
    # Alembic is imported here, not at the top: it adds ~80 ms to every other command's start-up.
    from bot.db.migrate import upgrade

    settings = settings_from_env()
    upgrade(settings.database_url, args.revision)
    print(f"database migrated to {args.revision}")
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    from bot.db.engine import transaction
    from bot.domain.people import RosterError, import_roster, parse_roster

    settings = settings_from_env()
    path = Path(args.file)
    try:
        text = read_text_file(path, what="roster")
    except InputFileError as exc:
        raise CliError(str(exc)) from None
    try:
        rows = parse_roster(text, source=str(path))
    except RosterError as exc:
        raise CliError(f"nothing imported; fix these rows:\n{exc}") from None
    program = settings.load_program()
    _, sessions = open_db(settings)
    with transaction(sessions) as session:
        count = import_roster(
            session=session, now=clock().now(), actor="cli:roster-import", rows=rows, tz=program.tz
        )
    print(f"imported {count} people from {path}")
    return 0


def add_parsers(subparsers: Subparsers) -> None:
    migrate = add(subparsers, "migrate", "apply database migrations", cmd_migrate)
    migrate.add_argument("revision", nargs="?", default="head")
    roster = subparsers.add_parser("roster", help="manage the roster")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    imp = add(roster_sub, "import", "import people, roles and mentor pairs from CSV", cmd_roster_import)
    imp.add_argument("file")
