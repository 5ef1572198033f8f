"""Shared helpers for building blocks: escaping and small constructors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.vocab import Verdict

MAX_SECTION_TEXT = 3000
MAX_BLOCKS = 50
VERDICT_EMOJI: dict[str, str] = {
    Verdict.APPROVE: ":white_check_mark:",
    Verdict.DENY: ":no_entry:",
    Verdict.ESCALATE: ":arrow_up:",
}


def esc(text: object) -> str:
    """Escape user text for mrkdwn so `<!channel>` or `<@U1>` never becomes a mention or link."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code_block(text: str) -> str:
    """A mrkdwn code block; backticks inside are broken up so the fence cannot be closed early."""
    return "```" + esc(text).replace("```", "`\u200b``") + "```"


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=clip(text, 150), emoji=True))


def section(text: str, **kwargs: Any) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, MAX_SECTION_TEXT)), **kwargs)


def fields(pairs: Sequence[tuple[str, str]]) -> SectionBlock:
    return SectionBlock(fields=[MarkdownTextObject(text=clip(f"*{k}*\n{v}", 2000)) for k, v in pairs[:10]])


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(t, 3000)) for t in texts[:10]])


def divider() -> DividerBlock:
    return DividerBlock()


def to_dicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    """Serialise blocks for the Web API (and keep within Slack's 50-block limit)."""
    if len(blocks) > MAX_BLOCKS:
        raise ValueError(f"{len(blocks)} blocks exceed Slack's limit of {MAX_BLOCKS}")
    return [b.to_dict() for b in blocks]


def view_dict(view: View) -> dict[str, Any]:
    return view.to_dict()
