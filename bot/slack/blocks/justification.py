"""The justification template as modal inputs, shared by practice and live decisions."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)

from bot.domain.justification import LABELS, MAX_CHARS, required_fields
from bot.domain.vocab import Verdict
from bot.slack.ids import Block as B

HINTS = {
    "policy": "Which policy, rule id or runbook section decides this? e.g. prod-change-window r3",
    "evidence": "What you checked: dashboards, tickets, numbers, who you asked.",
    "risk": "What could break, for whom, how badly; how far it could spread.",
    "conditions": "Conditions of the approval, how to roll back, and when it expires.",
    "escalation": "Who decides instead (team or person) and why it is beyond your call.",
}
CONFIDENCE = {
    1: "1 — guessing",
    2: "2 — unsure",
    3: "3 — reasonably sure",
    4: "4 — confident",
    5: "5 — certain",
}


def _text_input(name: str, *, optional: bool, initial: str | None) -> InputBlock:
    return InputBlock(
        block_id=name,
        label=PlainTextObject(text=LABELS[name]),
        hint=PlainTextObject(text=HINTS[name]),
        optional=optional,
        element=PlainTextInputElement(
            action_id=name,
            multiline=True,
            max_length=MAX_CHARS,
            initial_value=initial or None,
        ),
    )


def confidence_input(initial: int | None = None) -> InputBlock:
    options = [Option(value=str(k), label=v) for k, v in CONFIDENCE.items()]
    chosen = next((o for o in options if initial and o.value == str(initial)), None)
    return InputBlock(
        block_id=B.CONFIDENCE,
        label=PlainTextObject(text=LABELS["confidence"]),
        element=StaticSelectElement(
            action_id=B.CONFIDENCE,
            options=options,
            initial_option=chosen,
            placeholder=PlainTextObject(text="How sure are you?"),
        ),
    )


def justification_inputs(verdict: str, initial: dict[str, str] | None = None) -> list[Block]:
    """Inputs for ``verdict``: the fields it requires, plus the optional ones that fit it."""
    initial = initial or {}
    required = set(required_fields(verdict))
    names = ["policy", "evidence", "risk"]
    if verdict == Verdict.APPROVE:
        names.append("conditions")
    if verdict == Verdict.ESCALATE:
        names.append("escalation")
    blocks: list[Block] = [_text_input(n, optional=n not in required, initial=initial.get(n)) for n in names]
    blocks.append(confidence_input(int(initial["confidence"]) if initial.get("confidence") else None))
    return blocks
