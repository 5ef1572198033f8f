"""App Home sections for reviewers (queue, mentees) and practitioners, and the reminder DM."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, PlainTextObject

from bot.domain.mentees import READINESS_LABELS, MenteeSummary
from bot.domain.reviews import PendingItem
from bot.slack.blocks.common import clip, context, divider, esc, header, section
from bot.slack.blocks.review import KIND_LABEL, duration
from bot.slack.ids import Action
from bot.slack.metadata import DecisionValue

QUEUE_SHOWN = 10
REMINDER_SHOWN = 20
PRACTICE_SHOWN = 5


def age(delta: timedelta) -> str:
    return duration(max(0.0, delta.total_seconds()))


def _item_line(item: PendingItem) -> str:
    return (
        f"*#{item.decision_id} {esc(clip(item.title, 120))}*\n"
        f"<@{item.engineer_slack_id}> · {KIND_LABEL.get(item.kind, item.kind).lower()} · "
        f"{esc(item.verdict)} · {esc(item.category.replace('_', ' '))} · waiting *{age(item.age)}*"
    )


def _queue_actions(item: PendingItem, url: str | None) -> ActionsBlock:
    """*Open* (the review post, once posted) and *Uphold* / *Overturn*, which open the verdict form."""
    value = DecisionValue(decision_id=item.decision_id).dump()
    buttons: list[ButtonElement] = []
    if url:
        buttons.append(ButtonElement(action_id=Action.OPEN_LINK, text=PlainTextObject(text="Open"), url=url))
    buttons += [
        ButtonElement(action_id=Action.REVIEW_UPHOLD, text=PlainTextObject(text="Uphold"), value=value),
        ButtonElement(action_id=Action.REVIEW_OVERTURN, text=PlainTextObject(text="Overturn"), value=value),
    ]
    return ActionsBlock(block_id=f"queue_{item.decision_id}", elements=buttons)


def review_queue_blocks(
    *,
    items: Sequence[PendingItem],
    total: int,
    channel: str,
    everyone: bool,
    sla_hours: float,
    links: Mapping[int, str | None] | None = None,
) -> list[Block]:
    """Pending reviews, oldest first, how long each has waited, and buttons to open and review it.

    Every item in the queue is one this reviewer may review (their mentees', or everyone's
    for leads and admins; never their own), so each gets *Uphold* / *Overturn*; ``links``
    maps a decision to its review post's permalink.
    """
    scope = "every engineer" if everyone else "your mentees"
    blocks: list[Block] = [divider(), header(f"Waiting for your review ({total})")]  # live decisions
    if not items:
        # "Nothing from every engineer" was the lead's version: say "any engineer".
        who = "any engineer" if everyone else "your mentees"
        blocks.append(section(f"Nothing from {who} is waiting for review. :sparkles:"))
        return blocks
    for item in items[:QUEUE_SHOWN]:
        late = " :hourglass:" if item.age > timedelta(hours=sla_hours) else ""
        blocks.append(section(_item_line(item) + late))
        blocks.append(_queue_actions(item, (links or {}).get(item.decision_id)))
    more = total - min(len(items), QUEUE_SHOWN)
    tail = f"…and {more} more. " if more > 0 else ""
    blocks.append(
        context(
            f"{tail}Oldest first, from {scope}. Review them here or in <#{channel}>; "
            f":hourglass: marks those past the {sla_hours:g} h review SLA."
        )
    )
    return blocks


def practice_queue_blocks(
    *,
    items: Sequence[PendingItem],
    total: int,
    everyone: bool,
    links: Mapping[int, str | None] | None = None,
) -> list[Block]:
    """The optional practice queue, shown after the live one (empty: nothing at all); each item has
    *Open*, *Uphold* and *Overturn* like the live queue's."""
    if not total:
        return []
    scope = "every engineer" if everyone else "your mentees"
    blocks: list[Block] = [header(f"Practice reviews, optional ({total})")]
    for item in items[:PRACTICE_SHOWN]:
        blocks.append(section(_item_line(item)))
        blocks.append(_queue_actions(item, (links or {}).get(item.decision_id)))
    more = total - min(len(items), PRACTICE_SHOWN)
    tail = f"…and {more} more. " if more > 0 else ""
    blocks.append(
        context(
            f"{tail}Practice and assessment decisions from {scope}. Live decisions come first; "
            "reviewing practice is optional coaching, and *Right call, weak reasoning* is there for it."
        )
    )
    return blocks


def mentee_blocks(*, mentees: Sequence[MenteeSummary], week: str) -> list[Block]:
    """Each mentee's readiness and this week's numbers."""
    if not mentees:
        return []
    lines = []
    for m in mentees:
        score = f" ({m.score:.0%})" if m.score is not None else ""
        left = " _(left the program)_" if not m.active else ""
        lines.append(
            f"*{esc(m.name)}*{left} — {READINESS_LABELS[m.readiness]}{score}\n"
            f"    {m.live} live · {m.escalated} escalated · {m.overturned} overturned · {m.practice} practice"
        )
    return [
        header(f"Your mentees · {week}"),
        section("\n".join(lines)),
        context("Live decisions, escalations and overturns this ISO week; readiness from the assessment."),
    ]


def live_summary_blocks(*, week: str, logged: int, pending: int, overturned: int) -> list[Block]:
    """A practitioner's live decisions this week, with a button to log one."""
    return [
        divider(),
        header("Live decisions"),
        section(
            f"This week ({week}): *{logged}* logged · *{pending}* waiting for review · "
            f"*{overturned}* overturned.\n"
            "Handling a real exception? Log it here or use *Handle as exception* on the alert."
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    action_id=Action.HOME_LOG,
                    text=PlainTextObject(text="Log a live decision"),
                    style="primary",
                    value="home",
                )
            ]
        ),
    ]


def reminder_blocks(
    *, items: Sequence[PendingItem], channel: str, sla_hours: float, practice: Sequence[PendingItem] = ()
) -> list[Block]:
    """The review-reminder DM: live decisions past the SLA first, then optional practice reviews."""
    blocks: list[Block] = []
    if items:
        blocks.append(
            section(
                f":hourglass: *{len(items)} decision{'s' if len(items) != 1 else ''} "
                f"waiting longer than {sla_hours:g} h for review.* Oldest first:"
            )
        )
        blocks.extend(section(_item_line(item)) for item in items[:REMINDER_SHOWN])
        more = len(items) - REMINDER_SHOWN
        blocks.append(
            context(
                (f"…and {more} more. " if more > 0 else "")
                + f"Uphold or overturn them in <#{channel}>; your App Home lists the whole queue."
            )
        )
    if practice:
        blocks.append(section(f"*Practice reviews (optional): {len(practice)}*, after the live ones:"))
        blocks.extend(section(_item_line(item)) for item in practice[:PRACTICE_SHOWN])
    return blocks


def reminder_text(*, count: int, sla_hours: float, practice: int = 0) -> str:
    if not count:
        return f"{practice} optional practice review{'s' if practice != 1 else ''} waiting"
    return f"{count} decision{'s' if count != 1 else ''} waiting longer than {sla_hours:g} h for your review"
