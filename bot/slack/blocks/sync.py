"""The evening sync: the engineer's DM, the blockers modal and the mentor's overview (pure builders)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.sync import MAX_BLOCKERS, DaySummary, MenteeDay
from bot.slack.blocks.common import MAX_BLOCKS, clip, context, esc, fields, header, section
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.metadata import SyncValue

MOODS = {1: "1 — rough", 2: "2 — hard", 3: "3 — okay", 4: "4 — good", 5: "5 — great"}
STATE_LINES = {
    "all_good": ":white_check_mark:",
    "blockers": ":warning:",
    "no_answer": ":hourglass_flowing_sand:",
    "skipped": ":palm_tree:",
    "not_asked": ":clock3:",
}


def day_label(day: date) -> str:
    return day.strftime("%a %d %b")


def _verdicts(summary: DaySummary) -> str:
    if not summary.live_total:
        return "none"
    parts = [f"{n} {verdict}" for verdict, n in sorted(summary.live_by_verdict.items()) if n]
    return f"{summary.live_total} ({' · '.join(parts)})"


def sync_buttons(value: SyncValue, *, answered: bool) -> ActionsBlock:
    return ActionsBlock(
        elements=[
            ButtonElement(
                action_id=Action.SYNC_ALL_GOOD,
                text=PlainTextObject(text="All good"),
                style=None if answered else "primary",
                value=value.dump(),
            ),
            ButtonElement(
                action_id=Action.SYNC_BLOCKERS,
                text=PlainTextObject(text="I have blockers"),
                value=value.dump(),
            ),
        ]
    )


def sync_dm_blocks(
    *, name: str, summary: DaySummary, answer: str | None = None, blockers: str | None = None
) -> list[Block]:
    """The sync DM: the day's decisions, then the question (or the answer given so far)."""
    blocks: list[Block] = [
        header(f"Evening sync — {day_label(summary.day)}"),
        section(f"Hi {esc(name)}, here is your day in Casebook:"),
        fields(
            [
                ("Live decisions", _verdicts(summary)),
                ("Practice decisions", str(summary.practice)),
                ("Waiting for review", str(summary.pending_reviews)),
            ]
        ),
    ]
    if summary.titles:
        lines = "\n".join(f"• {esc(clip(t, 150))}" for t in summary.titles)
        blocks.append(section(f"*Today's live decisions*\n{lines}"))
    if answer == "all_good":
        blocks.append(section(":white_check_mark: You answered *All good*. Thanks!"))
    elif answer == "blockers":
        blocks.append(section(f":warning: You reported blockers:\n>{esc(clip(blockers or '', 2500))}"))
    else:
        blocks.append(section("*Anything blocking you?*"))
    blocks.append(sync_buttons(SyncValue(day=summary.day.isoformat()), answered=answer is not None))
    blocks.append(context("Your mentor sees your answer in their evening overview. You can change it."))
    return blocks


def sync_dm_text(summary: DaySummary) -> str:
    return f"Evening sync for {day_label(summary.day)}: {summary.live_total} live decisions. Any blockers?"


def blockers_modal(meta: SyncValue, *, initial: str | None = None, mood: int | None = None) -> View:
    options = [Option(value=str(k), label=v) for k, v in MOODS.items()]
    chosen = next((o for o in options if mood and o.value == str(mood)), None)
    return View(
        type="modal",
        callback_id=Callback.SYNC_BLOCKERS,
        title=PlainTextObject(text="Evening sync"),
        submit=PlainTextObject(text="Send"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=meta.dump(),
        blocks=[
            InputBlock(
                block_id=B.BLOCKERS,
                label=PlainTextObject(text="What is blocking you?"),
                hint=PlainTextObject(text="Your mentor sees this in their evening overview."),
                element=PlainTextInputElement(
                    action_id=B.BLOCKERS,
                    multiline=True,
                    max_length=MAX_BLOCKERS,
                    initial_value=initial or None,
                ),
            ),
            InputBlock(
                block_id=B.MOOD,
                label=PlainTextObject(text="How did the day feel?"),
                element=StaticSelectElement(
                    action_id=B.MOOD,
                    options=options,
                    initial_option=chosen,
                    placeholder=PlainTextObject(text="1 (rough) to 5 (great)"),
                ),
            ),
        ],
    )


def _mentee_line(line: MenteeDay) -> str:
    who = f"<@{line.slack_user_id}>"
    live = f" · {line.live_decisions} live decision{'s' if line.live_decisions != 1 else ''}"
    icon = STATE_LINES.get(line.state, "")
    if line.state == "all_good":
        mood = f" · felt {line.mood}/5" if line.mood else ""
        return f"{icon} {who} — all good{live}{mood}"
    if line.state == "blockers":
        mood = f" · felt {line.mood}/5" if line.mood else ""
        return f"{icon} {who} — *blockers*{live}{mood}\n>{esc(clip(line.blockers or '', 1500))}"
    if line.state == "skipped":
        return f"{icon} {who} — not asked ({esc(line.note or 'skipped')})"
    if line.state == "not_asked":
        return f"{icon} {who} — not asked yet"
    return f"{icon} {who} — no answer yet{live}"


def mentor_summary_blocks(*, day: date, lines: Sequence[MenteeDay]) -> list[Block]:
    """One message per mentor and day: every mentee's answer, including who has not answered."""
    counts = {state: sum(1 for x in lines if x.state == state) for state in STATE_LINES}
    tally = (
        f"{len(lines)} mentee{'s' if len(lines) != 1 else ''}: {counts['all_good']} all good · "
        f"{counts['blockers']} with blockers · {counts['no_answer']} no answer yet"
    )
    blocks: list[Block] = [header(f"Mentee syncs — {day_label(day)}"), section(tally)]
    room = MAX_BLOCKS - len(blocks) - 1
    shown = list(lines)[: room - 1] if len(lines) > room else list(lines)
    blocks.extend(section(_mentee_line(line)) for line in shown)
    if len(shown) < len(lines):
        blocks.append(context(f"…and {len(lines) - len(shown)} more; see `casebook jobs status`."))
    blocks.append(context("This message updates as answers arrive."))
    return blocks


def mentor_summary_text(*, day: date, lines: Sequence[MenteeDay]) -> str:
    waiting = sum(1 for x in lines if x.state == "no_answer")
    blockers = sum(1 for x in lines if x.state == "blockers")
    return f"Mentee syncs for {day_label(day)}: {blockers} with blockers, {waiting} not answered yet"
