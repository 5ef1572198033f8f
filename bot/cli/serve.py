"""`casebook serve`, `socket` and `run`: start the bot in HTTP or Socket Mode."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from bot.cli.common import CliError, Subparsers, add, settings_from_env

if TYPE_CHECKING:
    from bot.config import Settings

WHERE = "https://api.slack.com/apps → your app"
HELP_TEXT = {
    "SLACK_BOT_TOKEN": f"the Bot User OAuth Token (xoxb-…), from {WHERE} → OAuth & Permissions",
    "SLACK_SIGNING_SECRET": f"the Signing Secret, from {WHERE} → Basic Information → App Credentials",
    "SLACK_APP_TOKEN": (
        "an app-level token (xapp-…) with connections:write, "
        f"from {WHERE} → Basic Information → App-Level Tokens"
    ),
}


def require(settings: Settings, *names: str) -> None:
    missing = [n for n in names if not getattr(settings, n.lower())]
    if missing:
        lines = "\n".join(f"  {n}: {HELP_TEXT[n]}" for n in missing)
        raise CliError(
            f"missing {', '.join(missing)}. Set:\n{lines}\n"
            "See README.md, 'Create the Slack app', or run `casebook sandbox` to try Casebook without Slack."
        )


def check_library(settings: Settings) -> None:
    """Refuse to start on an invalid scenario library, listing every problem."""
    from bot.domain.library import resolve_dir, validate_dir

    problems = validate_dir(resolve_dir(settings.casebook_scenarios))
    if problems:
        raise CliError("invalid scenario library:\n" + "\n".join(problems))


def cmd_serve(args: argparse.Namespace) -> int:
    settings = settings_from_env()
    require(settings, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    settings.load_program()
    check_library(settings)
    from bot.web.gunicorn import CasebookServer

    port = args.port or settings.port
    CasebookServer(
        settings,
        port=port,
        workers=args.workers,
        threads=args.threads or settings.casebook_threads,
        with_scheduler=not args.no_scheduler and settings.casebook_scheduler,
        work_processes=args.work_processes or auto_work_processes(),
    ).run()
    return 0


AUTO_WORK_MAX = 4


def auto_work_processes() -> int:
    """One `casebook worker` per core, up to AUTO_WORK_MAX: a worker is one Python process, and
    its GIL held it to under one core while the other sat 25-30% idle (benchmarks/NOTES.md,
    sixth round: 2 workers on 2 cores took SQLite from ~73 to ~100 interactions/s)."""
    return max(1, min(os.cpu_count() or 1, AUTO_WORK_MAX))


def cmd_socket(args: argparse.Namespace) -> int:
    settings = settings_from_env()
    require(settings, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    settings.load_program()
    check_library(settings)
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    from bot.app import create_app

    casebook = create_app(settings)
    casebook.start_background(scheduler=not args.no_scheduler and settings.casebook_scheduler)
    try:
        SocketModeHandler(casebook.bolt, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
    except SlackApiError as exc:
        raise CliError(socket_refusal(str(exc.response.get("error") or exc))) from None
    finally:
        casebook.shutdown()
    return 0


def socket_refusal(error: str) -> str:
    """One line on what to check when Slack refuses to open a Socket Mode connection."""
    if error == "not_allowed_token_type":
        return (
            "Slack refused SLACK_APP_TOKEN (not_allowed_token_type): it must be the app-level token "
            "(xapp-…) from Basic Information › App-Level Tokens, not the bot token (xoxb-…)"
        )
    return (
        f"Slack refused SLACK_APP_TOKEN ({error}): check it is the app-level token (xapp-…) with the "
        "connections:write scope, that it was not revoked, and that Socket Mode is enabled for the app"
    )


def cmd_run(args: argparse.Namespace) -> int:
    settings = settings_from_env()
    if settings.slack_app_token:
        return cmd_socket(args)
    if settings.slack_signing_secret:
        args.port = args.port or None
        return cmd_serve(args)
    try:
        from bot.cli.sandbox import cmd_sandbox  # imported here: the sandbox is only for runs without Slack
    except ImportError:
        raise CliError("no Slack credentials set (SLACK_APP_TOKEN or SLACK_SIGNING_SECRET)") from None
    print("No Slack credentials set: starting the local sandbox.", file=sys.stderr)
    return int(cmd_sandbox(args))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=None, help="HTTP port (default: PORT or 3000)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker")
    parser.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs here")
    parser.add_argument(
        "--work-processes",
        type=int,
        default=None,
        help=f"`casebook worker` processes to spawn (HTTP only; default one per core, up to {AUTO_WORK_MAX})",
    )


def add_parsers(subparsers: Subparsers) -> None:
    _common(
        add(subparsers, "serve", "serve the Bolt app over HTTP (POST /slack/events, GET /healthz)", cmd_serve)
    )
    from bot.cli import worker  # `casebook worker` is serve's other half: listed with it

    worker.add_parsers(subparsers)
    _common(add(subparsers, "socket", "run the bot in Socket Mode", cmd_socket))
    _common(
        add(
            subparsers,
            "run",
            "Socket Mode with SLACK_APP_TOKEN, HTTP with SLACK_SIGNING_SECRET, else the sandbox",
            cmd_run,
        )
    )
