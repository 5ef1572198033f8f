"""Help and onboarding messages."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.slack.blocks.common import context, esc, header, section

ROLE_LABELS = {
    "engineer": "engineer",
    "pilot": "pilot",
    "mentor": "mentor",
    "lead": "lead",
    "pm": "PM",
    "admin": "admin",
}


def help_blocks(
    *, name: str, roles: frozenset[str], commands: list[tuple[str, str]], shortcut: bool = True
) -> list[Block]:
    """What the caller's roles allow, one line per subcommand (the shortcut only if it works for them)."""
    role_text = ", ".join(ROLE_LABELS[r] for r in sorted(roles)) or "no role yet"
    lines = "\n".join(f"• `/casebook {usage}` — {summary}" for usage, summary in commands)
    return [
        header("Casebook commands"),
        section(f"Hi {esc(name)} ({role_text}). Here is what you can do:\n{lines}"),
        context(
            "Also: the message shortcut *Handle as exception* on any alert, and the *Home* tab."
            if shortcut
            else "Also: the *Home* tab."
        ),
    ]


def unknown_user_blocks(*, contact: str) -> list[Block]:
    return [
        section(
            ":wave: Casebook doesn't know you yet, so there is nothing I can show you. "
            f"Ask {esc(contact)} to add you to the roster (`casebook roster import`) "
            "or to give you a role with `/casebook role`."
        )
    ]


def unknown_command_blocks(*, sub: str) -> list[Block]:
    return [section(f"I don't know `{esc(sub)}`. Try `/casebook help` for what you can do.")]


def error_blocks(message: str) -> list[Block]:
    return [section(f":warning: {message}")]
