"""App Home: the greeting and every registered, role-aware section, read in one transaction."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.db.engine import read_transaction
from bot.deps import Deps
from bot.domain.people import get_view
from bot.slack.blocks.home import greeting_blocks, unknown_home_blocks


def home_blocks(*, deps: Deps, slack_user_id: str) -> list[Block]:
    """Greeting plus every section that applies to this person (blocks built inside the transaction)."""
    now = deps.clock.now()
    with read_transaction(deps.sessions) as session:
        person = get_view(session=session, slack_user_id=slack_user_id)
        if person is None or not person.active:
            return unknown_home_blocks(contact=deps.program.admins_contact)
        blocks = greeting_blocks(name=person.name, roles=person.roles)
        for _, section in deps.home_sections:
            blocks.extend(section(session, person, now))
    return blocks
