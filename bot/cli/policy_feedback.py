"""`casebook policy-feedback export [--format csv|jsonl] [--out FILE]`: every flagged policy rule."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import CliError, Subparsers, add, open_db, settings_from_env
from bot.cli.output import write_rows

COLUMNS = (
    "id",
    "policy",
    "version",
    "rule",
    "problem",
    "proposal",
    "status",
    "reason",
    "source",
    "author_slack_id",
    "author_name",
    "created_at",
    "assignment_id",
    "decision_id",
    "title",
    "status_by_name",
    "status_at",
    "accepted_at",
)


def cmd_export(args: argparse.Namespace) -> int:
    from bot.db.engine import read_transaction
    from bot.domain.policy_feedback import feedback_items

    _, sessions = open_db(settings_from_env())
    with read_transaction(sessions) as session:
        rows = [item.as_row() for item in feedback_items(session=session)]
    if args.out:
        path = Path(args.out)
        try:
            with path.open("w", encoding="utf-8", newline="") as out:
                write_rows(rows, COLUMNS, out, fmt=args.format)
        except OSError as exc:
            raise CliError(f"{path}: {exc.strerror}") from None
        print(f"{len(rows)} policy feedback items written to {path}", file=sys.stderr)
    else:
        write_rows(rows, COLUMNS, sys.stdout, fmt=args.format)
    return 0


def add_parsers(subparsers: Subparsers) -> None:
    feedback = subparsers.add_parser("policy-feedback", help="policy feedback flagged by engineers")
    sub = feedback.add_subparsers(dest="policy_feedback_command", required=True)
    export = add(sub, "export", "every policy feedback item, oldest first", cmd_export)
    export.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    export.add_argument("--out", "-o", help="write to a file instead of stdout")
