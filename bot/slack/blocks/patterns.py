"""Blocks for precedents (log form, reviews, `/casebook precedents`) and policy proposals (lead Home, DM)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)

from bot.domain.patterns import STANDING, ProposalView, headline
from bot.domain.policy_refs import OTHER, REF_MAX
from bot.domain.precedents import Precedent
from bot.slack.blocks.common import VERDICT_EMOJI, clip, code_block, context, esc, header, section
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from bot.slack.metadata import DecisionValue, ProposalValue

REVIEW_WORDS = {
    "upheld": ":white_check_mark: upheld",
    "overturned": ":x: overturned",
    "pending": ":hourglass: not reviewed yet",
    "not_required": "no review needed",
}
NO_PRECEDENTS = "No past live decisions like this one yet."
PRECEDENT_PREFIX = "precedent"
VERDICT_PAST = {"approve": "approved", "deny": "denied", "escalate": "escalated"}


def precedent_line(p: Precedent) -> str:
    """One precedent in mrkdwn: title, verdict, review outcome, rule, conditions, link."""
    title = esc(clip(p.title, 120))
    head = f"<{esc(p.link)}|#{p.decision_id} {title}>" if p.link else f"#{p.decision_id} {title}"
    why = "same policy rule" if p.same_rule else "similar words"
    parts = [
        f"{VERDICT_EMOJI.get(p.verdict, '')} *{VERDICT_PAST.get(p.verdict, esc(p.verdict))}*",
        REVIEW_WORDS.get(p.review_status, esc(p.review_status)),
        f"`{esc(p.policy_rule)}`" if p.policy_rule else "no rule named",
        f"{p.decided_at:%d %b %Y}",
    ]
    if p.engineer:
        parts.append(f"by {esc(p.engineer)}")
    lines = [f"{head} _({why})_", " · ".join(parts)]
    if p.conditions:
        lines.append(f"Conditions: {esc(clip(p.conditions, 200))}")
    if p.review_comment:
        lines.append(f"Reviewer: {esc(clip(p.review_comment, 200))}")
    return "\n".join(lines)


def precedent_blocks(
    precedents: Sequence[Precedent], *, title: str, empty: str = NO_PRECEDENTS
) -> list[Block]:
    """A short list of precedents under a one-line title (the form keeps them first, before the fields).

    Their block ids start with ``precedent`` so an open form can swap them (:func:`with_precedents`)."""
    head = context(f":books: *{esc(title)}*" + ("" if precedents else f" — {esc(empty)}"))
    head.block_id = f"{PRECEDENT_PREFIX}_title"
    items = [section(precedent_line(p), block_id=f"{PRECEDENT_PREFIX}_{p.decision_id}") for p in precedents]
    return [head, *items]


def with_precedents(view: dict[str, Any], blocks: Sequence[Block], *, before: str) -> dict[str, Any]:
    """The open form with its precedents replaced by ``blocks`` (placed before block ``before``)."""
    kept = [
        b for b in view.get("blocks") or [] if not str(b.get("block_id", "")).startswith(PRECEDENT_PREFIX)
    ]
    at = next((i for i, b in enumerate(kept) if b.get("block_id") == before), 0)
    new = [b.to_dict() for b in blocks]
    keys = ("type", "callback_id", "title", "submit", "close", "private_metadata")
    return {**{k: view[k] for k in keys if k in view}, "blocks": [*kept[:at], *new, *kept[at:]]}


def policy_rule_inputs(rules: Sequence[str], *, initial: str | None) -> list[Block]:
    """The rule select (library rules + Other) and the free-text rule for Other, both optional."""
    options = [Option(value=r, label=clip(r, 75)) for r in rules[:99]]
    options.append(Option(value=OTHER, label="Other (type it below)"))
    known = next((o for o in options if o.value == initial), None)
    typed = initial if initial and known is None else None
    return [
        InputBlock(
            block_id=B.POLICY_RULE,
            label=PlainTextObject(text="Policy rule"),
            optional=True,
            dispatch_action=True,  # picking one shows that rule's precedents (bot.slack.listeners.log)
            hint=PlainTextObject(text="The rule that stopped the change; it finds precedents and patterns."),
            element=StaticSelectElement(
                action_id=B.POLICY_RULE,
                placeholder=PlainTextObject(text="policy/rule"),
                options=options,
                initial_option=known or (options[-1] if typed else None),
            ),
        ),
        InputBlock(
            block_id=B.POLICY_RULE_OTHER,
            label=PlainTextObject(text="Other policy rule"),
            optional=True,
            hint=PlainTextObject(text="Only when the rule is not in the list: policy/rule, in kebab-case."),
            element=PlainTextInputElement(
                action_id=B.POLICY_RULE_OTHER,
                max_length=REF_MAX,
                initial_value=typed,
                placeholder=PlainTextObject(text="e.g. resource-tagging/require-cost-center"),
            ),
        ),
    ]


def proposal_text(p: ProposalView) -> str:
    """The proposal with its evidence (decision numbers) in mrkdwn."""
    emoji = ":bulb:" if p.kind == STANDING else ":warning:"
    lines = [f"{emoji} *{esc(headline(p))}*"]
    if p.conditions:
        lines.append(f"Shared conditions: _{esc(clip(p.conditions, 300))}_")
    evidence = ", ".join(f"#{i}" for i in p.evidence[:20])
    lines.append(f"Evidence: live decisions {evidence}" if evidence else "Evidence: none listed")
    return "\n".join(lines)


def proposal_blocks(p: ProposalView, *, links: dict[int, str] | None = None) -> list[Block]:
    """One open proposal with Accept / Dismiss (leads)."""
    text = proposal_text(p)
    if links:
        linked = ", ".join(f"<{esc(links[i])}|#{i}>" if i in links else f"#{i}" for i in p.evidence[:20])
        text = text.rsplit("\n", 1)[0] + f"\nEvidence: live decisions {linked}"
    value = ProposalValue(proposal_id=p.id).dump()
    return [
        section(text),
        ActionsBlock(
            block_id=f"proposal_{p.id}",
            elements=[
                ButtonElement(
                    text="Accept",
                    action_id=Action.PROPOSAL_ACCEPT,
                    value=value,
                    style="primary",
                    confirm=ConfirmObject(
                        title="Accept this proposal?",
                        text="It is recorded as a documented process improvement.",
                        confirm="Accept",
                        deny="Not yet",
                    ),
                ),
                ButtonElement(text="Dismiss", action_id=Action.PROPOSAL_DISMISS, value=value),
            ],
        ),
    ]


def proposals_section(
    proposals: Sequence[ProposalView], *, links: dict[int, str] | None = None
) -> list[Block]:
    """Lead Home: the open proposals (at most 5; the oldest first)."""
    if not proposals:
        return []
    blocks: list[Block] = [header("Policy proposals from live exceptions")]
    for p in proposals[:5]:
        blocks += proposal_blocks(p, links=links)
    if len(proposals) > 5:
        blocks.append(context(f"{len(proposals) - 5} more; decide these first."))
    return blocks


def decided_text(p: ProposalView, *, who: str) -> str:
    outcome = "accepted — recorded as a process improvement" if p.status == "accepted" else "dismissed"
    return f"Proposal #{p.id} {outcome} by {who}: {esc(headline(p))}"


def draft_button(decision_id: int) -> ActionsBlock:
    """Leads: turn a reviewed live decision into a practice scenario draft."""
    return ActionsBlock(
        block_id=f"draft_{decision_id}",
        elements=[
            ButtonElement(
                text="Draft a practice scenario",
                action_id=Action.DRAFT_SCENARIO,
                value=DecisionValue(decision_id=decision_id).dump(),
            )
        ],
    )


def drafts_section(items: Sequence[tuple[int, str, str]]) -> list[Block]:
    """Lead Home: recently reviewed live decisions, each with *Draft a practice scenario*."""
    if not items:
        return []
    blocks: list[Block] = [
        header("Turn real exceptions into practice"),
        context("A draft has names, Slack ids, channels, emails and links removed; review it before adding."),
    ]
    for decision_id, title, status in items:
        blocks.append(
            section(f"#{decision_id} {esc(clip(title, 120))} — {REVIEW_WORDS.get(status, esc(status))}")
        )
        blocks.append(draft_button(decision_id))
    return blocks


def draft_message(*, decision_id: int, path: str, yaml_text: str) -> list[Block]:
    """The draft in code blocks (split by lines to stay within a section's 3,000 characters)."""
    blocks: list[Block] = [
        section(
            f":memo: *Practice scenario draft from live decision #{decision_id}* — save it as `{esc(path)}`"
        ),
    ]
    chunk: list[str] = []
    for line in yaml_text.splitlines():
        if sum(len(x) + 1 for x in chunk) + len(line) > 2600:
            blocks.append(section(code_block("\n".join(chunk))))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section(code_block("\n".join(chunk))))
    blocks.append(
        context(
            "Then run `casebook scenarios validate`. Or: `casebook scenarios draft --from-decision "
            f"{decision_id} --out scenarios/`."
        )
    )
    return blocks[:45]
