"""What listeners and jobs need, handed to them explicitly (nothing global)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.domain.library import Library
from bot.domain.people import PersonView
from bot.program import Program

if TYPE_CHECKING:
    from bot.slack.dispatcher import Dispatcher
    from bot.slack.router import CommandRouter


class Service(Protocol):
    """A background service (the scheduler) started with the server and stopped with it."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


HomeSection = Callable[[Session, PersonView, datetime], list[Block]]


@dataclass
class Deps:
    settings: Settings
    program: Program
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    client: WebClient
    dispatcher: Dispatcher
    router: CommandRouter
    home_sections: list[tuple[int, HomeSection]] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    library: Library | None = None  # the scenario library, loaded and synced once in create_app

    def add_home_section(self, order: int, section: HomeSection) -> None:
        """Register a role-aware App Home section; lower ``order`` renders first."""
        self.home_sections.append((order, section))
        self.home_sections.sort(key=lambda item: item[0])
