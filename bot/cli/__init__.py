"""The `casebook` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import audit, db, deliveries, jobs, sandbox, scenarios, serve
from bot.cli import exceptions as exceptions_cli
from bot.cli import incidents as incidents_cli
from bot.cli import metrics as metrics_cli
from bot.cli import policy_feedback as policy_feedback_cli
from bot.cli import report as report_cli
from bot.cli.common import CliError

# Each module adds its subcommands with add_parsers(subparsers); order is help order.
MODULES = [serve, db, audit, scenarios, sandbox]
MODULES += [metrics_cli, incidents_cli, report_cli]
MODULES += [jobs, deliveries]
MODULES += [policy_feedback_cli]
MODULES += [exceptions_cli]


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
    except CliError as exc:
        print(f"casebook: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if _is_config_error(exc):
            print(f"casebook: {exc}", file=sys.stderr)
            return 2
        raise


def _is_config_error(exc: Exception) -> bool:
    # bot.program is not imported up front (start-up time): if no command loaded it, no
    # ConfigError can have been raised.
    program = sys.modules.get("bot.program")
    return program is not None and isinstance(exc, program.ConfigError)


if __name__ == "__main__":
    sys.exit(main())
