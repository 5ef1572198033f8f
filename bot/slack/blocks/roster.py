"""The confirm steps of the roster commands: what `role` changes, and who `left` records."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.flows.roster import RolesPreview
from bot.slack.blocks.common import esc
from bot.slack.blocks.confirm import confirm_blocks
from bot.slack.ids import Action

# What someone stops being part of when a role is dropped (why the admin is asked first).
DROPPED: dict[str, str] = {
    "engineer": "leaves the engineer metrics (their practice, live decisions and assessment stop counting)",
    "pilot": "leaves the pilot cohort the go/no-go recommendation is measured on",
    "mentor": "stops reviewing their mentees' decisions (pair the mentees with someone else)",
    "lead": "stops reviewing every engineer's decisions and can no longer pair mentors",
    "pm": "stops seeing the scorecard and the weekly digest",
    "admin": "can no longer manage the roster or record leavers",
}


def role_change_blocks(*, preview: RolesPreview, value: str) -> list[Block]:
    """ "Ben: engineer → lead. Ben leaves the engineer metrics." and *Change roles* / *Cancel*."""
    name = esc(preview.name or preview.slack_user_id)
    lines = [
        f"*{name}* (<@{preview.slack_user_id}>): {', '.join(preview.before)} → {', '.join(preview.after)}."
    ]
    lines += [f"• {name} {DROPPED.get(role, f'is no longer {role}')}." for role in preview.dropped]
    lines.append("`role` replaces all of someone's roles. Change them?")
    return confirm_blocks(
        text="\n".join(lines), action_id=Action.ROLE_CONFIRM, value=value, label="Change roles"
    )


def leaver_confirm_blocks(*, name: str, slack_user_id: str, reason: str, value: str) -> list[Block]:
    """ "Record that Bo left the program?" with a Block Kit confirm dialog on the button."""
    text = (
        f"Record that *{esc(name)}* (<@{slack_user_id}>) left the program today: {esc(reason)}?\n"
        "They stop getting syncs, surveys and practice; retention counts it from this week. "
        "This cannot be undone from Slack."
    )
    dialog = ("Record a leaver?", f"{name} will be recorded as having left the program today.")
    return confirm_blocks(
        text=text, action_id=Action.LEFT_CONFIRM, value=value, label="Record leaver", dialog=dialog
    )
