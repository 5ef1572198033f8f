"""Seed a whole four-week program (weeks 9–12 of program.example.yaml) into a database.

    DATABASE_URL=sqlite:///var/program.db python scripts/seed_program.py
    DATABASE_URL=sqlite:///var/program.db casebook report --out var/report

Migrates the database, then adds 20 engineers (3 pilots), 5 mentors (3 leads), a PM
and an admin; training-week practice; the readiness assessment and sign-offs; weeks
11–12 of live decisions with mentor reviews, daily syncs, weekly surveys and incidents.
Everything goes through Casebook's own domain functions, from a seeded RNG, so two runs
give the same program. Use an empty database: the steps are not meant to run twice.
The work is :func:`bot.sandbox.program_demo.seed_program`; the sandbox demo runs it too.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.cli.common import open_db, settings_from_env  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.domain.library import load_library, resolve_dir  # noqa: E402
from bot.sandbox.program_demo import seed_program  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=12, help="RNG seed (default 12)")
    args = parser.parse_args(argv)
    settings = settings_from_env()
    program = settings.load_program()
    library = load_library(resolve_dir(settings.casebook_scenarios))
    upgrade(settings.database_url)
    engine, sessions = open_db(settings)
    started = time.monotonic()
    try:
        counts = seed_program(sessions=sessions, program=program, library=library, seed=args.seed)
    finally:
        engine.dispose()
    print(f"seeded {program.name} in {time.monotonic() - started:.1f}s:")
    for name, n in sorted(counts.items()):
        print(f"  {name}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
