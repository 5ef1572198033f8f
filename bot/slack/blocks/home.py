"""The App Home view: a role-aware greeting followed by each feature's sections."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack.blocks.common import MAX_BLOCKS, context, esc, header, section

ROLE_GREETINGS = {
    "engineer": "Practise exception calls, log the real ones, and see your progress here.",
    "pilot": "You're one of the pilots: your decisions shape whether the program scales.",
    "mentor": "Your mentees' decisions wait for your review here.",
    "lead": "Review decisions and steer the exception taxonomy.",
    "pm": "The pilot's scorecard and recommendation live here.",
    "admin": "You manage the roster, incidents and program settings.",
}


def greeting_blocks(*, name: str, roles: frozenset[str]) -> list[Block]:
    lines = [ROLE_GREETINGS[r] for r in ("pilot", "engineer", "mentor", "lead", "pm", "admin") if r in roles]
    return [
        header(f"Welcome to Casebook, {name}"),
        section("\n".join(lines) or "You have no role yet; ask an admin to add one."),
    ]


def unknown_home_blocks(*, contact: str) -> list[Block]:
    return [
        header("Welcome to Casebook"),
        section(f"You're not on the roster yet. Ask {esc(contact)} to add you."),
    ]


def home_view(blocks: Sequence[Block]) -> View:
    """Wrap sections in a home view, trimming to Slack's 100-block view limit."""
    trimmed = list(blocks)[: 2 * MAX_BLOCKS - 1]
    if len(trimmed) < len(blocks):
        trimmed.append(context("Some sections were trimmed; see `/casebook stats` for the rest."))
    return View(type="home", blocks=trimmed)
