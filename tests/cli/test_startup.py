"""CLI start-up stays light: `casebook --help` and argument parsing import no heavy library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.config import EXAMPLE_PROGRAM
from bot.sandbox import DEFAULT_PROGRAM

HEAVY = ("sqlalchemy", "pydantic", "alembic", "slack_bolt", "slack_sdk", "apscheduler", "yaml")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(m for m in sys.modules if '.' not in m)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_building_the_parser_and_help_import_nothing_heavy() -> None:
    code = (
        "import contextlib, io\n"
        "from bot.cli import build_parser\n"
        "parser = build_parser()\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    parser.parse_args(['--help'])\n"
        "parser.parse_args(['audit', 'decisions', '--user', 'U1', '--from', '2026-11-01',"
        " '--to', '2026-11-02'])\n"
    )
    heavy = _loaded_after(code) & set(HEAVY)
    assert not heavy, (
        f"building the CLI parser imported {sorted(heavy)}: import them inside the command "
        "function (or under TYPE_CHECKING), so `casebook --help` stays fast"
    )


def test_casebook_help_answers() -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True)
    assert "sandbox" in done.stdout and "jobs" in done.stdout


def test_sandbox_print_env_points_the_cli_at_the_sandbox(tmp_path: Path) -> None:
    db = tmp_path / "my sandbox.db"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--print-env", "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == [
        f"export DATABASE_URL='sqlite:///{db}'",
        f"export CASEBOOK_PROGRAM={EXAMPLE_PROGRAM}",
    ]
    assert DEFAULT_PROGRAM == EXAMPLE_PROGRAM
    # What a shell makes of it is what load_settings reads.
    script = f'eval "$({sys.executable} -m bot sandbox --print-env --db \'{db}\')"; echo "$DATABASE_URL"'
    shell = subprocess.run(
        ["sh", "-c", script],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout.strip() == f"sqlite:///{db}"
