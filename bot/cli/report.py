"""`casebook report [--out DIR] [--through WEEK]`: write the post-program report and evidence directory."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import CliError, Subparsers, add, clock, open_db, settings_from_env


def cmd_report(args: argparse.Namespace) -> int:
    from bot.domain.errors import DomainError
    from bot.domain.weeks import parse_week
    from bot.flows.report import build_report
    from bot.report.files import write_report

    settings = settings_from_env()
    program = settings.load_program()
    try:
        through = parse_week(args.through, program.tz) if args.through else None
    except DomainError as exc:
        raise CliError(f"--through: {exc}") from None
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CliError(f"--out: {out} exists and is not a directory")
    engine, sessions = open_db(settings)
    try:
        report = build_report(sessions=sessions, program=program, at=clock().now(), through=through)
    finally:
        engine.dispose()
    written = write_report(report, out)
    print(f"wrote {len(written)} files to {out}/ (open {out / 'index.html'})")
    for section in report.unavailable:
        print(f"  not computed: {section.title}: {section.result.unavailable}")
    return 0


def add_parsers(subparsers: Subparsers) -> None:
    parser = add(
        subparsers, "report", "write the post-program report (index.html) and its evidence files", cmd_report
    )
    parser.add_argument(
        "--out", default="casebook-report", help="directory to write (default: ./casebook-report)"
    )
    parser.add_argument("--through", help="last ISO week to cover, e.g. 2026-W48 (default: this week)")
