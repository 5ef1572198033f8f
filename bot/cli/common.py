"""Shared CLI plumbing: settings, engine, clock and friendly errors.

Start-up time matters (``casebook --help`` should answer at once), so nothing heavy is
imported at module level anywhere in ``bot.cli``: pydantic, SQLAlchemy, Alembic and
the bot itself are imported inside the command that needs them.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from bot.logs import setup_logging

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from bot.clock import SystemClock
    from bot.config import Settings

Subparsers = Any  # argparse's _SubParsersAction is private


class CliError(Exception):
    """A problem to print as one line, exit code 2."""


def settings_from_env() -> Settings:
    """The settings from the environment, with logging set up to redact their secrets."""
    from bot.config import load_settings

    settings = load_settings()
    setup_logging(
        settings.log_level,
        secrets=[
            settings.slack_bot_token,
            settings.slack_app_token,
            settings.slack_signing_secret,
            settings.casebook_audit_key,
            *(k for k in (settings.casebook_audit_previous_keys or "").split(",") if k != "development"),
        ],
    )
    return settings


def open_db(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """An engine and session factory for the configured database."""
    from bot.db.engine import make_engine, make_session_factory

    engine = make_engine(settings.database_url, pool_size=2)
    return engine, make_session_factory(engine, audit_keyring=settings.audit_keyring())


def clock() -> SystemClock:
    """The real clock."""
    from bot.clock import SystemClock

    return SystemClock()


def add(subparsers: Subparsers, name: str, help_text: str, func: Any) -> argparse.ArgumentParser:
    """Add one subcommand running ``func(args)``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(func=func)
    return parser
