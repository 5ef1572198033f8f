"""The `/casebook report` reply: where the report is going and what it leaves out."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.slack.blocks.common import context, section


def report_reply_text(channel: str, created: bool) -> str:
    """One line: the report is on its way (or was already sent this minute)."""
    if created:
        return f":page_facing_up: The report is on its way to <#{channel}>."
    return f":page_facing_up: The report you asked for this minute is already on its way to <#{channel}>."


def report_reply_blocks(*, channel: str, created: bool, unavailable: int) -> list[Block]:
    """The reply: where it goes, and how many sections it could not compute (named at its top)."""
    blocks: list[Block] = [section(report_reply_text(channel, created))]
    note = "An HTML file: open it in a browser; it prints well. "
    note += "`casebook report --out DIR` also writes the CSV and JSONL files."
    if unavailable:
        note = (
            f"{unavailable} sections could not be computed; the report lists them and why at the top. " + note
        )
    blocks.append(context(note))
    return blocks
