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
    blocks = [
        header("Casebook commands"),
        section(f"Hi {esc(name)} ({role_text}). Here is what you can do:\n{lines}"),
        context(
            "Also: the message shortcut *Handle as exception* on any alert, and the *Home* tab."
            if shortcut
            else "Also: the *Home* tab."
        ),
    ]
    home = home_hint(roles)
    if home:
        blocks.append(context(home))
    return blocks


# Half of the program's new flows live on App Home, not behind a subcommand: say where.
HOME_HINTS = {
    "engineer": "your training (labs to *Mark done*, sign-offs), practice, re-tests due and calibration",
    "mentor": "your mentees' training (*Correct attendance*, *Sign off*), reflections and delayed rework",
    "lead": "the policy-feedback queue (*Accept* / *Reject* / *Done*), pattern proposals, "
    "*Draft a practice scenario* and reviewer consistency",
    "pm": "the scorecard, the cohort's training, who wrote reflections, wrap-up lessons and red flags",
}


def home_hint(roles: frozenset[str]) -> str:
    """What this person's Home tab holds for them (one clause per role), or "" for none."""
    if "pilot" in roles:
        roles = roles | {"engineer"}
    parts = [hint for role, hint in HOME_HINTS.items() if role in roles]
    return f"On your *Home* tab: {'; '.join(parts)}." if parts else ""


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
