"""`casebook scenarios validate [DIR]`: check the scenario library and name every problem."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from bot.cli.common import Subparsers, add, settings_from_env


def cmd_validate(args: argparse.Namespace) -> int:
    """Print ``file:line: field: message`` per problem and exit 1, or a summary and exit 0."""
    from bot.domain.library import LibraryError, load_library, resolve_dir

    directory = resolve_dir(args.dir or settings_from_env().casebook_scenarios)
    try:
        library = load_library(directory)
    except LibraryError as exc:
        for problem in exc.problems:
            print(problem)
        count = len(exc.problems)
        print(f"{directory}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return 1
    decisions = Counter(s.expected.decision for s in library.scenarios)
    spread = ", ".join(f"{verdict} {decisions[verdict]}" for verdict in ("approve", "deny", "escalate"))
    print(
        f"{directory}: {len(library.scenarios)} scenarios in {len(library.categories)} categories, "
        f"all valid (expected decisions: {spread})"
    )
    return 0


def add_parsers(subparsers: Subparsers) -> None:
    scenarios = subparsers.add_parser("scenarios", help="the scenario library")
    inner = scenarios.add_subparsers(dest="scenarios_command", metavar="ACTION", required=True)
    validate = add(inner, "validate", "check every scenario file and categories.yaml", cmd_validate)
    validate.add_argument(
        "dir", nargs="?", default=None, help="library directory (default: CASEBOOK_SCENARIOS)"
    )
