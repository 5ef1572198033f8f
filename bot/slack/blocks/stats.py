"""`/casebook stats`: one person's practice record, readiness and this week's live numbers."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.domain.mentees import WeekCounts
from bot.domain.progress import EngineerProgress
from bot.slack.blocks.common import context, esc, fields, header, section
from bot.slack.blocks.engineer_home import engineer_home_blocks


def stats_blocks(*, name: str, progress: EngineerProgress, week: str, counts: WeekCounts) -> list[Block]:
    """The App Home practice section without its buttons, plus the week's live decisions."""
    practice = [b for b in engineer_home_blocks(progress)[2:] if b.type != "actions"]
    handled = counts.live - counts.escalated
    rate = f"{handled / counts.live:.0%}" if counts.live else "—"
    return [
        header(f"Stats for {name}"),
        *practice,
        section(f"*Live decisions in {esc(week)}*"),
        fields(
            [
                ("Logged", str(counts.live)),
                ("Handled without escalation", f"{handled} ({rate})"),
                ("Overturned", str(counts.overturned)),
                ("Waiting for review", str(counts.pending)),
            ]
        ),
        context(f"Practice and assessment answers this week: {counts.practice}"),
    ]
