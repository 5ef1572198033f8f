"""`casebook scenarios validate|audit [DIR]`: check the scenario library, and measure its cues."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import Subparsers, add, settings_from_env

if TYPE_CHECKING:  # the library is imported by the commands (pydantic, YAML: start-up time)
    from bot.domain.library import Library

PROBLEMS_EXIT = 2


def _directory(args: argparse.Namespace) -> Path:
    from bot.domain.library import resolve_dir

    return resolve_dir(args.dir or settings_from_env().casebook_scenarios)


def _problems(directory: Path, problems: list[str]) -> int:
    for problem in problems:
        print(problem)
    count = len(problems)
    print(f"{directory}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
    return PROBLEMS_EXIT


def _load(directory: Path) -> Library | list[str]:
    from bot.domain.library import LibraryError, load_library

    try:
        return load_library(directory)
    except LibraryError as exc:
        return exc.problems


def cmd_validate(args: argparse.Namespace) -> int:
    """Print ``file:line: field: message`` per problem and exit 2, or a summary and exit 0.

    The files must load first (schema, ids, categories); then the authoring rules
    apply: the policy grammar, identical quoting and the balance of each pool.
    """
    from bot.domain.library import Library
    from bot.domain.library_rules import check_rules
    from bot.domain.scenario_spec import Pool
    from bot.domain.vocab import VERDICTS

    directory = _directory(args)
    library = _load(directory)
    if not isinstance(library, Library):
        return _problems(directory, library)
    problems = check_rules(library)
    if problems:
        return _problems(directory, problems)
    decisions = Counter(s.expected.decision.value for s in library.scenarios)
    spread = ", ".join(f"{verdict} {decisions[verdict]}" for verdict in VERDICTS)
    pools = ", ".join(f"{pool.value} {len(library.pool(pool))}" for pool in Pool)
    print(
        f"{directory}: {len(library.scenarios)} scenarios in {len(library.categories)} categories, "
        f"all valid (expected decisions: {spread}; pools: {pools})"
    )
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """Print the cue audit per pool (a report: exit 0 whatever the figures, 2 if it cannot load)."""
    from bot.cli.scenario_report import library_json, library_text
    from bot.domain.cue_audit import audit_library
    from bot.domain.library import Library

    directory = _directory(args)
    library = _load(directory)
    if not isinstance(library, Library):
        return _problems(directory, library)
    audit = audit_library(library)
    if args.json:
        print(json.dumps(library_json(audit), indent=2))
    else:
        print(library_text(audit))
    return 0


def _row_id(value: str) -> int:
    """A decision id as the database stores it (a positive 32-bit integer)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 2**31 - 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a decision id (a positive whole number)")
    return number


def cmd_draft(args: argparse.Namespace) -> int:
    """Write a reviewed live decision as a practice scenario draft (stdout, a file or a library dir)."""
    from bot.cli.common import CliError, open_db
    from bot.db.engine import read_transaction
    from bot.domain.drafts import draft_from_decision
    from bot.domain.errors import DomainError

    settings = settings_from_env()
    library = _load(_directory(argparse.Namespace(dir=None)))
    _, sessions = open_db(settings)
    try:
        with read_transaction(sessions) as session:
            draft = draft_from_decision(
                session=session,
                decision_id=args.from_decision,
                library=library if not isinstance(library, list) else None,
            )
    except DomainError as exc:
        raise CliError(str(exc)) from None
    if not args.out:
        print(draft.yaml_text, end="")
        return 0
    out = Path(args.out)
    if out.is_dir():  # a library directory: the draft goes where validate expects it
        out = out / draft.path
        out.parent.mkdir(parents=True, exist_ok=True)
    try:
        out.write_text(draft.yaml_text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out}; review it, then run `casebook scenarios validate`", file=sys.stderr)
    return 0


def add_parsers(subparsers: Subparsers) -> None:
    scenarios = subparsers.add_parser("scenarios", help="the scenario library")
    inner = scenarios.add_subparsers(dest="scenarios_command", metavar="ACTION", required=True)
    validate = add(
        inner, "validate", "check every scenario file, categories.yaml and the authoring rules", cmd_validate
    )
    audit = add(inner, "audit", "measure the cues that answer a pool without its facts", cmd_audit)
    for parser in (validate, audit):
        parser.add_argument(
            "dir", nargs="?", default=None, help="library directory (default: CASEBOOK_SCENARIOS)"
        )
    audit.add_argument("--json", action="store_true", help="print the figures as JSON")
    draft = add(inner, "draft", "a practice scenario draft from a reviewed live decision", cmd_draft)
    draft.add_argument(
        "--from-decision", type=_row_id, required=True, metavar="N", help="the live decision's id"
    )
    draft.add_argument("--out", default=None, help="file to write, or a library directory (default: stdout)")
