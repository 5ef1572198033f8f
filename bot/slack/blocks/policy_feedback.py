"""Policy feedback surfaces: the *Flag the policy* button and form, the leads' queue, the reject
form, the author's status notes, and the role-design red flags on the PM's Home."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.domain.policy_feedback import MAX_REASON, MAX_RULE, MAX_TEXT, FeedbackItem, RuleGroup, RulePrefill
from bot.domain.red_flags import FIRED, NOT_ENOUGH, RedFlagsReport
from bot.slack.blocks.common import clip, context, divider, esc, header, section
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.metadata import FeedbackValue, FlagMeta, FlagValue

GROUPS_SHOWN = 5  # App Home has 100 blocks for every section together: at most ~25 here
ITEMS_SHOWN = 3
ITEM_BUDGET = 6
LINKS_SHOWN = 6
FLAG_TEXT = "Flag the policy"
STATUS_WORDS = {"accepted": "accepted", "rejected": "rejected", "done": "marked done"}
STATE_EMOJI = {FIRED: ":red_circle:", NOT_ENOUGH: ":grey_question:"}


def flag_button(*, source: str, target_id: int) -> ButtonElement:
    """The small *Flag the policy* button (a section accessory, not another row of buttons)."""
    return ButtonElement(
        action_id=Action.FLAG_POLICY,
        text=PlainTextObject(text=FLAG_TEXT),
        value=FlagValue(source=source, id=target_id).dump(),
    )


def flag_modal(*, meta: FlagMeta, prefill: RulePrefill) -> View:
    """Which rule (prefilled when the card quotes one), what is ambiguous or wrong, a clarification."""
    intro = (
        "Spotted an ambiguity or a mistake in a policy? Leads review every flag and tell you their decision."
    )
    if prefill.title:
        intro = f"From *{esc(clip(prefill.title, 150))}*. {intro}"
    return View(
        type="modal",
        callback_id=Callback.FLAG_POLICY,
        title=PlainTextObject(text=FLAG_TEXT),
        submit=PlainTextObject(text="Send to leads"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=meta.dump(),
        blocks=[
            section(intro),
            _input(
                B.FLAG_RULE,
                "Which rule",
                MAX_RULE,
                prefill.label or None,
                multiline=False,
                hint="policy · rule as the card quotes it, or in your own words",
            ),
            _input(
                B.FLAG_PROBLEM,
                "What is ambiguous or wrong",
                MAX_TEXT,
                None,
                hint='e.g. the condition says "at most 72h" but not from when',
            ),
            _input(
                B.FLAG_PROPOSAL,
                "Proposed clarification",
                MAX_TEXT,
                None,
                hint="how you would word it so the next reader decides the same way",
            ),
        ],
    )


def _input(
    block_id: str, label: str, limit: int, initial: str | None, *, multiline: bool = True, hint: str
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=label),
        hint=PlainTextObject(text=hint),
        element=PlainTextInputElement(
            action_id=block_id, multiline=multiline, max_length=limit, initial_value=initial
        ),
    )


def flag_thanks_view() -> View:
    return View(
        type="modal",
        title=PlainTextObject(text=FLAG_TEXT),
        close=PlainTextObject(text="Close"),
        blocks=[
            section(":memo: Thanks: the leads see it in their queue. You'll hear by DM when they decide.")
        ],
    )


def reject_modal(*, item: FeedbackItem) -> View:
    """The reason a lead gives for rejecting (the author reads it)."""
    return View(
        type="modal",
        callback_id=Callback.FEEDBACK_REJECT,
        title=PlainTextObject(text="Reject feedback"),
        submit=PlainTextObject(text="Reject"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=FeedbackValue(feedback_id=item.id).dump(),
        blocks=[
            section(f"*{esc(_rule(item))}*\n>{esc(clip(item.problem, 500))}"),
            _input(
                B.REJECT_REASON,
                "Why is it rejected?",
                MAX_REASON,
                None,
                hint=f"{item.author_name} gets this reason by DM.",
            ),
        ],
    )


def _rule(item: FeedbackItem) -> str:
    if item.policy:
        return (
            f"{item.policy} v{item.version} · {item.rule}" if item.version else f"{item.policy} · {item.rule}"
        )
    return item.rule


def _buttons(item: FeedbackItem) -> list[ButtonElement]:
    value = FeedbackValue(feedback_id=item.id).dump()
    buttons: list[ButtonElement] = []
    if item.status == "open":
        buttons.append(
            ButtonElement(
                action_id=Action.FEEDBACK_ACCEPT,
                text=PlainTextObject(text="Accept"),
                style="primary",
                value=value,
            )
        )
    if item.status == "accepted":
        buttons.append(
            ButtonElement(
                action_id=Action.FEEDBACK_DONE,
                text=PlainTextObject(text="Done"),
                style="primary",
                value=value,
            )
        )
    buttons.append(
        ButtonElement(action_id=Action.FEEDBACK_REJECT, text=PlainTextObject(text="Reject"), value=value)
    )
    return buttons


def _item_blocks(item: FeedbackItem, links: Mapping[int, str]) -> list[Block]:
    raised = ""
    if item.decision_id is not None:
        link = links.get(item.decision_id)
        name = f"decision #{item.decision_id}"
        raised = f" · from <{link}|{name}>" if link else f" · from {name}"
    elif item.source == "card":
        raised = (
            f" · from the card *{esc(clip(item.title, 100))}*" if item.title else " · from a scenario card"
        )
    status = "" if item.status == "open" else f" · *{item.status}*"
    return [
        section(
            f"*#{item.id}* by <@{item.author_slack_id}>{raised}{status}\n"
            f"*Problem:* {esc(clip(item.problem, 600))}\n*Proposed:* {esc(clip(item.proposal, 600))}"
        ),
        ActionsBlock(block_id=f"policy_feedback_{item.id}", elements=_buttons(item)),
    ]


def feedback_queue_blocks(
    *, groups: Sequence[RuleGroup], links: Mapping[int, str], total_groups: int
) -> list[Block]:
    """The leads' queue: open and accepted feedback grouped by policy rule, most flagged first."""
    blocks: list[Block] = [header("Policy feedback"), divider()]
    if not groups:
        return [
            *blocks,
            context("No open policy feedback. Engineers flag rules from cards and review posts."),
        ]
    budget = ITEM_BUDGET  # items with buttons, over every group: the Home is shared with others
    for group in groups[:GROUPS_SHOWN]:
        count = f"{group.count} flag{'s' if group.count != 1 else ''}"
        decisions = sorted({i.decision_id for i in group.items if i.decision_id is not None})
        linked = ", ".join(f"<{links[d]}|#{d}>" if d in links else f"#{d}" for d in decisions[:LINKS_SHOWN])
        blocks.append(
            section(f":scroll: *{esc(group.label)}* — {count}" + (f" · decisions {linked}" if linked else ""))
        )
        shown = group.items[: min(ITEMS_SHOWN, budget)]
        budget -= len(shown)
        for item in shown:
            blocks.extend(_item_blocks(item, links))
        if group.count > len(shown):
            blocks.append(
                context(f"{group.count - len(shown)} more on this rule: act on these first, or export.")
            )
    if total_groups > GROUPS_SHOWN:
        blocks.append(
            context(
                f"{total_groups - GROUPS_SHOWN} more rules have feedback: `casebook policy-feedback export`."
            )
        )
    return blocks


def status_note(*, item: FeedbackItem, status: str, by: str) -> str:
    """The author's DM when a lead changes their feedback's status (plain text; escaped by the sender)."""
    line = f"Your policy feedback #{item.id} on {_rule(item)} was {STATUS_WORDS.get(status, status)} by {by}."
    if status == "rejected" and item.reason:
        line += f" Reason: {item.reason}"
    if status == "accepted":
        line += " The leads will clarify the rule; you'll hear again when it is done."
    return line


def red_flags_blocks(*, report: RedFlagsReport) -> list[Block]:
    """The role-design red flags for the PM: each with its sentence, source and threshold."""
    blocks: list[Block] = [header("Role-design red flags"), divider()]
    for check in report.checks:
        emoji = STATE_EMOJI.get(check.state, ":large_green_circle:")
        blocks.append(section(f"{emoji} *{esc(check.signal)}*\n{esc(check.text)}"))
        blocks.append(context(f"Source: {esc(check.source)} · Threshold: {esc(check.threshold)}"))
    asked = "; ".join(q.signal for q in report.questions)
    blocks.append(
        context(f"Not measurable in Casebook, asked in the post-switchover survey instead: {esc(asked)}.")
    )
    return blocks
