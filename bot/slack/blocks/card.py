"""The scenario card (DM), its decided state, and the justification modal it opens."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, PlainTextObject
from slack_sdk.models.views import View

from bot.domain.library import ScenarioSpec
from bot.domain.vocab import Verdict
from bot.slack.blocks.common import VERDICT_EMOJI, clip, code_block, context, esc, header, section
from bot.slack.blocks.justification import justification_inputs
from bot.slack.blocks.policy_feedback import flag_button
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.metadata import CardValue, CategoryValue, JustifyMeta

VERDICT_ACTIONS = {
    Verdict.APPROVE: Action.DECIDE_APPROVE,
    Verdict.DENY: Action.DECIDE_DENY,
    Verdict.ESCALATE: Action.DECIDE_ESCALATE,
}
ACTION_VERDICTS = {action.value: verdict for verdict, action in VERDICT_ACTIONS.items()}


@dataclass(frozen=True)
class CardView:
    """What a card shows: the exact scenario version and where it sits in an assessment."""

    assignment_id: int
    kind: str  # practice | assessment
    spec: ScenarioSpec
    category_name: str
    version: int
    position: int | None = None
    size: int | None = None

    @property
    def heading(self) -> str:
        if self.kind == "assessment":
            return f"Assessment {self.position}/{self.size}: {self.spec.title}"
        return self.spec.title


def _body(card: CardView) -> list[Block]:
    spec = card.spec
    facts = "\n".join(f"• {esc(fact)}" for fact in spec.facts)
    blocks: list[Block] = [
        header(card.heading),
        context(
            f"*{esc(card.category_name)}* · {spec.complexity} complexity · "
            f"requested by {esc(spec.requester)} · v{card.version}"
        ),
        section(esc(spec.context)),
        section(
            f"*Policy that fired*\n{code_block(clip(spec.policy.rstrip(), 2900))}",
            accessory=flag_button(source="card", target_id=card.assignment_id),
        ),
        section(f"*Facts*\n{facts}"),
    ]
    blocks.append(context(ggen_line(spec)))
    return blocks


def ggen_line(spec: ScenarioSpec) -> str:
    """ggen's call as the card states it; a scenario without one says so rather than hiding it."""
    if spec.ggen is None:
        return ":robot_face: ggen has no recommendation"
    return f":robot_face: ggen recommends *{spec.ggen.value}*"


def card_blocks(card: CardView) -> list[Block]:
    """The card as dealt: the case, then Approve / Deny / Escalate (and the guide, in practice)."""
    value = CardValue(assignment_id=card.assignment_id).dump()
    buttons = [
        ButtonElement(action_id=Action.DECIDE_APPROVE, text=PlainTextObject(text="Approve"), value=value),
        ButtonElement(action_id=Action.DECIDE_DENY, text=PlainTextObject(text="Deny"), value=value),
        ButtonElement(action_id=Action.DECIDE_ESCALATE, text=PlainTextObject(text="Escalate"), value=value),
    ]
    if card.kind == "practice":
        buttons.append(
            ButtonElement(
                action_id=Action.SHOW_GUIDE,
                text=PlainTextObject(text="Decision guide"),
                value=CategoryValue(category=card.spec.category).dump(),
            )
        )
    hint = "Decide, then justify your call: policy, evidence, risk and blast radius."
    if card.kind == "assessment":
        hint += " No feedback until the end of the assessment."
    return [*_body(card), ActionsBlock(block_id=B.CARD_ACTIONS, elements=buttons), context(hint)]


def decided_card_blocks(card: CardView, *, verdict: str, reasoning: str) -> list[Block]:
    """The card once decided: no buttons, the call and the start of its reasoning."""
    emoji = VERDICT_EMOJI.get(verdict, "")
    if card.kind == "assessment":
        line = f"{emoji} You answered *{verdict.capitalize()}* — question {card.position} of {card.size}."
    else:
        line = f"{emoji} You decided *{verdict.capitalize()}*. Feedback is below."
    return [*_body(card), section(f"{line}\n>{esc(clip(reasoning, 280))}")]


def card_text(card: CardView) -> str:
    prefix = "Assessment question" if card.kind == "assessment" else "Practice scenario"
    return f"{prefix}: {card.spec.title}"


def justification_modal(*, meta: JustifyMeta, title: str) -> View:
    """The audit-trail template for the chosen verdict; the metadata carries card and verdict."""
    verdict = meta.verdict
    intro = section(
        f"*{esc(clip(title, 200))}*\nYou chose {VERDICT_EMOJI.get(verdict, '')} *{verdict.capitalize()}*. "
        "Justify it as you would for the audit trail."
    )
    return View(
        type="modal",
        callback_id=Callback.JUSTIFY,
        title=PlainTextObject(text=f"Justify: {verdict.capitalize()}"),
        submit=PlainTextObject(text="Record decision"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=meta.dump(),
        blocks=[intro, *justification_inputs(verdict)],
    )
