"""App Home: publish a role-aware view when it is opened (and when something changes)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk.models.blocks import Block

from bot.db.engine import read_transaction
from bot.deps import Deps
from bot.domain.people import get_view
from bot.slack.blocks.home import greeting_blocks, home_view, unknown_home_blocks

log = logging.getLogger(__name__)


def build_home(deps: Deps, slack_user_id: str) -> list[Block]:
    """Greeting plus every registered section that applies to this person."""
    now = deps.clock.now()
    with read_transaction(deps.sessions) as session:
        person = get_view(session=session, slack_user_id=slack_user_id)
        if person is None or not person.active:
            return unknown_home_blocks(contact=deps.program.admins_contact)
        blocks = greeting_blocks(name=person.name, roles=person.roles)
        for _, section in deps.home_sections:
            blocks.extend(section(session, person, now))
    return blocks


def publish_home(deps: Deps, slack_user_id: str) -> None:
    """Refresh someone's App Home; failures are logged, never raised into a user flow."""
    try:
        view = home_view(build_home(deps, slack_user_id))
        deps.client.views_publish(user_id=slack_user_id, view=view.to_dict())
    except Exception:
        log.exception("app home publish failed")


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            publish_home(deps, str(event.get("user", "")))
