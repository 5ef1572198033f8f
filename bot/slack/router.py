"""The `/casebook <sub>` router: each feature registers its subcommands and who may use them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.domain.people import PersonView


@dataclass(frozen=True)
class CommandContext:
    """One `/casebook <sub> <args>` call: who, what, and how to answer (handlers are module-level)."""

    person: PersonView
    args: str
    body: dict[str, Any]
    respond: Respond
    client: WebClient
    deps: Deps
    request: str | None = None  # the stored request running this (``inbox-<row>``): a replay's key

    @property
    def trigger_id(self) -> str:
        return str(self.body.get("trigger_id", ""))

    @property
    def channel_id(self) -> str:
        return str(self.body.get("channel_id", ""))


Handler = Callable[[CommandContext], None]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    handler: Handler
    roles: frozenset[str] | None = None  # None: anyone on the roster
    # The usage this caller sees in help, when it depends on their roles (`stats` vs `stats @user`).
    usage_for: Callable[[PersonView], str] | None = None

    def allowed(self, person: PersonView) -> bool:
        return self.roles is None or person.has_any(self.roles)

    def usage_of(self, person: PersonView) -> str:
        return self.usage_for(person) if self.usage_for is not None else self.usage


class CommandRouter:
    """Holds the subcommands in registration order."""

    def __init__(self) -> None:
        self._subs: dict[str, Subcommand] = {}

    def add(self, sub: Subcommand) -> None:
        if sub.name in self._subs:
            raise ValueError(f"subcommand {sub.name!r} registered twice")
        self._subs[sub.name] = sub

    def get(self, name: str) -> Subcommand | None:
        return self._subs.get(name)

    def allowed_for(self, person: PersonView) -> list[Subcommand]:
        return [s for s in self._subs.values() if s.allowed(person)]

    def names(self) -> list[str]:
        return list(self._subs)


def router_of(deps: Deps) -> CommandRouter:
    """The container's subcommand table with its precise type."""
    router = deps.router
    assert isinstance(router, CommandRouter)
    return router
