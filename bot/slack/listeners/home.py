"""App Home: publish a role-aware view when it is opened (and when something changes)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.deps import Deps
from bot.flows.home import home_blocks
from bot.slack.blocks.home import home_view
from bot.slack.middleware import ack_now, deps_of

log = logging.getLogger(__name__)


def publish_home(deps: Deps, slack_user_id: str) -> None:
    """Refresh someone's App Home; failures are logged, never raised into a user flow."""
    try:
        view = home_view(home_blocks(deps=deps, slack_user_id=slack_user_id))
        deps.client.views_publish(user_id=slack_user_id, view=view.to_dict())
    except Exception:
        log.exception("app home publish failed")


def on_home_opened(event: dict[str, Any], context: BoltContext) -> None:
    """Slack sends app_home_opened each time the tab is opened: rebuild it then."""
    if event.get("tab", "home") == "home":
        publish_home(deps_of(context), str(event.get("user", "")))


def register(app: App, deps: Deps) -> None:
    """The App Home event (sections are registered by each feature)."""
    app.event("app_home_opened")(ack=ack_now, lazy=[on_home_opened])
