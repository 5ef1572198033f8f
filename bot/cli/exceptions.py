"""`casebook exceptions list [--expiring DAYS]`: the register of approved live exceptions."""

from __future__ import annotations

import argparse

from bot.cli.common import CliError, Subparsers, add, clock, open_db, settings_from_env

HEADINGS = ("id", "engineer", "title", "expiry", "conditions", "status")


def _status(entry: object) -> str:
    from bot.domain.exception_register import OUTCOME_LABELS, STATUS_LABELS, EntryView

    assert isinstance(entry, EntryView)
    if entry.status != "answered":
        return STATUS_LABELS[entry.status]
    met = "conditions met" if entry.conditions_met else "conditions NOT met"
    text = f"{met}, {OUTCOME_LABELS.get(entry.outcome or '', '?').lower()}"
    return text + (" (delayed rework)" if entry.delayed_rework else "")


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def cmd_list(args: argparse.Namespace) -> int:
    from bot.flows.expiry import register_list

    if args.expiring is not None and args.expiring < 0:
        raise CliError("--expiring takes a number of days, 0 or more")
    settings = settings_from_env()
    program = settings.load_program()
    _, sessions = open_db(settings)
    rows = register_list(sessions=sessions, program=program, now=clock().now(), expiring=args.expiring)
    if not rows:
        within = f" expiring within {args.expiring} days" if args.expiring is not None else ""
        print(f"no approved exceptions{within}")
        return 0
    table = [
        (
            str(e.id),
            f"{e.engineer_name} ({e.engineer_slack_id})",
            _one_line(e.title, 50),
            e.expires_on.isoformat() if e.expires_on else "no expiry given",
            _one_line(e.conditions, 60),
            _status(e),
        )
        for e in rows
    ]
    widths = [max(len(r[i]) for r in [HEADINGS, *table]) for i in range(len(HEADINGS))]
    for row in [HEADINGS, *table]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def add_parsers(subparsers: Subparsers) -> None:
    exceptions = subparsers.add_parser("exceptions", help="the register of approved live exceptions")
    sub = exceptions.add_subparsers(dest="exceptions_command", required=True)
    listing = add(
        sub, "list", "list approved exceptions: id, engineer, title, expiry, conditions, status", cmd_list
    )
    listing.add_argument(
        "--expiring",
        type=int,
        metavar="DAYS",
        help="only open ones expiring within DAYS days (past expiry too)",
    )
