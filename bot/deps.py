"""What listeners and jobs need, handed to them explicitly (nothing global).

The container imports nothing from ``bot.slack``: the outbox sender and the subcommand table
are described here as Protocols, and ``create_app`` plugs in the Slack implementations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.domain.library import Library
from bot.domain.people import PersonView
from bot.program import Program


class Service(Protocol):
    """A background service (the scheduler) started with the server and stopped with it."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


class Outbox(Protocol):
    """The sender of the delivery ledger (bot.slack.dispatcher.Dispatcher): woken after each commit."""

    poll_seconds: float  # between looks for due sends when nothing kicks it

    def kick(self) -> None: ...

    def start(self) -> None: ...

    def stop(self, timeout: float = 10.0) -> None: ...

    def wait_idle(self, timeout: float = 10.0) -> bool: ...


class CommandTable(Protocol):
    """The `/casebook` subcommand table (bot.slack.router.CommandRouter).

    Entries are typed loosely here so the container needs no Slack import;
    ``bot.slack.router.router_of`` gives listeners the precise type.
    """

    def add(self, sub: Any, /) -> None: ...

    def names(self) -> list[str]: ...


HomeSection = Callable[[Session, PersonView, datetime], list[Block]]


@dataclass
class Deps:
    """The app's container: settings, program, database, clock, Slack client and the outbox."""

    settings: Settings
    program: Program
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    client: WebClient
    dispatcher: Outbox
    router: CommandTable
    home_sections: list[tuple[int, HomeSection]] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    library: Library | None = None  # the scenario library, loaded and synced once in create_app

    def add_home_section(self, order: int, section: HomeSection) -> None:
        """Register a role-aware App Home section; lower ``order`` renders first."""
        self.home_sections.append((order, section))
        self.home_sections.sort(key=lambda item: item[0])
