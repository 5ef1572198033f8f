"""A category's decision guide, and the list of categories."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.domain.library import CategorySpec
from bot.domain.vocab import Verdict
from bot.slack.blocks.common import context, esc, header, section

VERDICT_HEADINGS = {
    Verdict.APPROVE: ":white_check_mark: *Approve when*",
    Verdict.DENY: ":no_entry: *Deny when*",
    Verdict.ESCALATE: ":arrow_up: *Escalate when*",
}


def guide_sections(category: CategorySpec) -> list[Block]:
    """When to approve, deny or escalate (no header; embedded in feedback too)."""
    out: list[Block] = []
    for verdict in Verdict:
        items = getattr(category.guide, verdict)
        out.append(section(VERDICT_HEADINGS[verdict] + "\n" + "\n".join(f"• {esc(i)}" for i in items)))
    return out


def guide_blocks(category: CategorySpec) -> list[Block]:
    signals = "\n".join(f"• {esc(s)}" for s in category.signals)
    return [
        header(f"Decision guide: {category.name}"),
        section(esc(category.description)),
        section(f"*Signals to look for*\n{signals}"),
        *guide_sections(category),
    ]


def category_list_blocks(categories: Sequence[CategorySpec], *, unknown: str | None = None) -> list[Block]:
    """The taxonomy, optionally after telling someone their category was not recognised."""
    lines = "\n".join(f"• `{c.id}` — {esc(c.name)}" for c in categories)
    intro = f"I don't know the category `{esc(unknown)}`. " if unknown else ""
    return [
        section(f"{intro}The categories are:\n{lines}"),
        context("Try `/casebook practice rollback`, or `/casebook guide rollback` for its decision guide."),
    ]
