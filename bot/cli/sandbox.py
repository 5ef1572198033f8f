"""`casebook sandbox`: Casebook plus a local Slack in the browser, no workspace needed."""

from __future__ import annotations

import argparse
import logging
import shlex
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from bot.cli.common import CliError, Subparsers, add, settings_from_env


def sandbox_env(args: argparse.Namespace) -> dict[str, str]:
    """The variables that point every other `casebook` command at the sandbox's data."""
    from bot.sandbox import DEFAULT_DB, DEFAULT_PROGRAM

    db = Path(getattr(args, "db", None) or DEFAULT_DB).resolve()
    program = Path(getattr(args, "program", None) or DEFAULT_PROGRAM).resolve()
    return {"DATABASE_URL": f"sqlite:///{db}", "CASEBOOK_PROGRAM": str(program)}


def cmd_sandbox(args: argparse.Namespace) -> int:
    """Start FakeSlack, the bot over HTTP and the sandbox page on 127.0.0.1; block until ^C."""
    if getattr(args, "print_env", False):
        for name, value in sandbox_env(args).items():
            print(f"export {name}={shlex.quote(value)}")
        return 0
    settings = settings_from_env()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from bot.sandbox import DEFAULT_DB, DEFAULT_PROGRAM
    from bot.sandbox.runtime import Sandbox
    from bot.sandbox.server import SandboxServer

    port = getattr(args, "port", None) or settings.port
    sandbox = Sandbox(
        db_path=Path(getattr(args, "db", None) or DEFAULT_DB),
        program_path=Path(getattr(args, "program", None) or DEFAULT_PROGRAM),
        keep_data=bool(getattr(args, "keep_data", False)),
    )
    try:
        server = SandboxServer(sandbox, port=port)
    except OSError as exc:
        raise CliError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); try --port or PORT") from None
    sandbox.start()
    if getattr(args, "four_weeks", False):
        from bot.sandbox.program_controls import load_program

        loaded = load_program(sandbox)
        print(loaded.get("result") or f"casebook: {loaded.get('error')}", file=sys.stderr, flush=True)
    print(
        f"Casebook sandbox: open {server.url} (bot at {sandbox.bot_url}, "
        f"data in {sandbox.db_path}). Ctrl-C stops it.",
        file=sys.stderr,
        flush=True,
    )
    worker = threading.Thread(target=server.serve_forever, name="sandbox-ui", daemon=True)
    worker.start()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        sandbox.stop()
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def add_parsers(subparsers: Subparsers) -> None:
    parser = add(
        subparsers,
        "sandbox",
        "try Casebook in a local Slack in your browser (http://127.0.0.1:3000)",
        cmd_sandbox,
    )
    parser.add_argument("--port", type=int, default=None, help="web page port (default: PORT or 3000)")
    parser.add_argument("--db", default=None, help="sandbox SQLite file (default: var/sandbox.db)")
    parser.add_argument("--program", default=None, help="program YAML (default: the shipped example)")
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="keep the database from the last run instead of starting over",
    )
    parser.add_argument(
        "--four-weeks",
        action="store_true",
        help="load the whole four-week program (weeks 9-12) and set the clock to the week after it",
    )
    parser.add_argument(
        "--print-env",
        action="store_true",
        help="print the DATABASE_URL and CASEBOOK_PROGRAM that point other commands at the sandbox "
        '(eval "$(casebook sandbox --print-env)"), then exit',
    )
