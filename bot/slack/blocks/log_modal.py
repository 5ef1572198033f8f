"""The live-decision modal: what the exception is, where it came from, the call and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.categories import Category
from bot.domain.live import SOURCE_TEXT_MAX, TITLE_MAX, Prefill
from bot.domain.vocab import Verdict
from bot.slack.blocks.common import context, esc, section
from bot.slack.blocks.justification import HINTS, justification_inputs
from bot.slack.blocks.patterns import policy_rule_inputs
from bot.slack.ids import Block as B
from bot.slack.ids import Callback
from bot.slack.metadata import LogMeta

VERDICT_OPTIONS = (
    (Verdict.APPROVE, "Approve", "Within policy or a justified, bounded exception"),
    (Verdict.DENY, "Deny", "Outside policy; a compliant path exists or the risk is too high"),
    (Verdict.ESCALATE, "Escalate", "Beyond your authority or too uncertain to call alone"),
)
OPTIONAL_UNTIL_VERDICT: dict[str, str] = {
    B.CONDITIONS: " Required when you approve.",
    B.ESCALATION: " Required when you escalate.",
}


def live_justification_inputs() -> list[Block]:
    """The practice template with both verdict-specific fields, optional until a verdict is chosen.

    The verdict is picked in the same form, so conditions (approve) and the escalation
    target (escalate) are both shown; which one is required is enforced on submit.
    """
    approve = justification_inputs(Verdict.APPROVE)  # policy, evidence, risk, conditions, confidence
    escalation = [b for b in justification_inputs(Verdict.ESCALATE) if b.block_id == B.ESCALATION]
    blocks = [*approve[:-1], *escalation, approve[-1]]
    for block in blocks:
        if isinstance(block, InputBlock) and block.block_id in OPTIONAL_UNTIL_VERDICT:
            block.optional = True
            block.hint = PlainTextObject(
                text=HINTS[str(block.block_id)] + OPTIONAL_UNTIL_VERDICT[str(block.block_id)]
            )
    return blocks


def _text(
    block_id: str,
    label: str,
    *,
    hint: str,
    max_length: int,
    initial: str | None,
    optional: bool = False,
    multiline: bool = False,
    placeholder: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=label),
        hint=PlainTextObject(text=hint),
        optional=optional,
        element=PlainTextInputElement(
            action_id=block_id,
            multiline=multiline,
            max_length=max_length,
            initial_value=initial[:max_length] if initial else None,
            placeholder=PlainTextObject(text=placeholder) if placeholder else None,
        ),
    )


def _source_inputs(prefill: Prefill) -> list[Block]:
    return [
        _text(
            B.SOURCE_URL,
            "Source link",
            hint="Where it was raised: the alert's permalink, the ticket or the ggen hold (http/https).",
            max_length=2000,
            initial=prefill.source_url,
            placeholder="https://…",
        ),
        _text(
            B.SOURCE_TEXT,
            "What was raised",
            hint="The alert or request in its own words; kept with the decision for the audit trail.",
            max_length=SOURCE_TEXT_MAX,
            initial=prefill.source_text,
            optional=True,
            multiline=True,
        ),
    ]


def _verdict_input() -> InputBlock:
    return InputBlock(
        block_id=B.VERDICT,
        label=PlainTextObject(text="Your decision"),
        dispatch_action=True,  # picking one marks the field it requires (see with_verdict)
        element=RadioButtonsElement(
            action_id=B.VERDICT,
            options=[
                Option(value=v, label=label, description=PlainTextObject(text=desc))
                for v, label, desc in VERDICT_OPTIONS
            ],
        ),
    )


REQUIRED_BY: dict[str, str] = {Verdict.APPROVE: B.CONDITIONS, Verdict.ESCALATE: B.ESCALATION}
_VIEW_KEYS = ("type", "callback_id", "title", "submit", "close", "private_metadata")


def with_verdict(view: dict[str, Any], verdict: str) -> dict[str, Any]:
    """The open form once a verdict is picked: the field that verdict requires loses "(optional)".

    Slack labels every optional input "(optional)", so before a verdict is chosen the hint says
    which verdict needs it; after, the form says it plainly. Typed values survive the update
    (same block and action ids).
    """
    required = REQUIRED_BY.get(verdict)
    blocks: list[dict[str, Any]] = []
    for raw in view.get("blocks") or []:
        block = dict(raw)
        block_id = str(block.get("block_id", ""))
        if block_id in OPTIONAL_UNTIL_VERDICT:
            block["optional"] = block_id != required
            suffix = (
                " Required for this decision." if block_id == required else OPTIONAL_UNTIL_VERDICT[block_id]
            )
            block["hint"] = {"type": "plain_text", "text": HINTS[block_id] + suffix}
        blocks.append(block)
    return {**{k: view[k] for k in _VIEW_KEYS if k in view}, "blocks": blocks}


def _category_input(categories: Sequence[Category], guessed: str | None) -> InputBlock:
    """The category select, preselected with the guess from the alert's words when there is one."""
    options = [Option(value=c.id, label=c.name[:75]) for c in categories[:100]]
    initial = next((o for o in options if o.value == guessed), None)
    return InputBlock(
        block_id=B.CATEGORY,
        label=PlainTextObject(text="Category"),
        hint=PlainTextObject(text="Guessed from the alert's words; change it if it's wrong.")
        if initial
        else None,
        element=StaticSelectElement(
            action_id=B.CATEGORY,
            placeholder=PlainTextObject(text="Which kind of exception?"),
            options=options,
            initial_option=initial,
        ),
    )


def handling_warning(*, name: str, decision_id: int, post_url: str | None) -> str:
    """Someone already logged a decision from this alert: say who, and link their review post."""
    decision = f"decision #{decision_id}"
    where = f"<{post_url}|{decision}>" if post_url else decision
    return (
        f":warning: *{esc(name)} is already handling this alert as an exception* ({where}). "
        "Log yours only if it is a separate decision; otherwise add to their thread."
    )


def log_modal(
    *,
    categories: Sequence[Category],
    prefill: Prefill,
    meta: LogMeta,
    warning: str | None = None,
    rules: Sequence[str] = (),
    precedents: Sequence[Block] = (),
) -> View:
    """The form; ``prefill`` carries what a message shortcut could read from the message, ``warning``
    (mrkdwn, see :func:`handling_warning`) that someone already logged a decision from the same alert,
    ``rules`` the policy rules to offer and ``precedents`` blocks of past live decisions (shown first)."""
    blocks: list[Block] = []
    if warning is not None:
        blocks.append(section(warning))
    if meta.source == "shortcut" and meta.channel:
        blocks.append(context(f"Handling a message from <#{meta.channel}> as an exception."))
    if prefill.note:
        blocks.append(context(f":warning: {esc(prefill.note)}"))
    blocks += [*precedents]
    blocks += [
        _text(
            B.TITLE,
            "Title",
            hint="One line that names the exception, e.g. 'payments-api: single replica in prod'.",
            max_length=TITLE_MAX,
            initial=prefill.title,
        ),
        _category_input(categories, prefill.category),
        *policy_rule_inputs(rules, initial=prefill.policy_rule),
        *_source_inputs(prefill),
        _verdict_input(),
        *live_justification_inputs(),
    ]
    return View(
        type="modal",
        callback_id=Callback.LOG_DECISION,
        title=PlainTextObject(text="Log a live decision"),
        submit=PlainTextObject(text="Record"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=meta.dump(),
        blocks=blocks,
    )


def notice_view(*, title: str, text: str) -> View:
    """A modal that only says something (replaces a form that can no longer be submitted)."""
    return View(
        type="modal",
        title=PlainTextObject(text=title[:24]),
        close=PlainTextObject(text="Close"),
        blocks=[section(text)],
    )
