"""The `casebook` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import audit, db, deliveries, jobs, sandbox, scenarios, serve
from bot.cli import incidents as incidents_cli
from bot.cli import metrics as metrics_cli
from bot.cli.common import CliError
from bot.program import ConfigError

# Each module adds its subcommands with add_parsers(subparsers); order is help order.
MODULES = [serve, db, audit, scenarios, sandbox]
MODULES += [metrics_cli, incidents_cli]
MODULES += [jobs, deliveries]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casebook", description="Casebook: exception-decision training and review in Slack."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in MODULES:
        module.add_parsers(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ConfigError, CliError) as exc:
        print(f"casebook: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
