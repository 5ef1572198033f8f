"""App Home sections for calibration (issue 18): the engineer's own line, a mentor's mentees'."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.domain.calib_views import MenteeCalibration, OwnCalibration
from bot.domain.calibration import flag_text, line_text
from bot.domain.overturn_reasons import LABEL, pattern_text
from bot.domain.vocab import JustificationPart
from bot.slack.blocks.common import clip, context, esc, section

MAX_MENTEES = 20
# Said in Slack, where a path to docs/calibration.md (the full explanation) cannot be opened.
HOW = (
    "How often your calls at each confidence (1–5) were sound. Well calibrated means "
    "that the surer you say you are, the more often you are right."
)


def retest_line(own: OwnCalibration) -> str | None:
    """ "2 re-tests due" (and how many are overdue), or when the next one comes back."""
    if not own.retests:
        return None
    due = own.due
    if due:
        late = sum(r.overdue for r in due)
        overdue = f", {late} overdue" if late else ""
        first = esc(clip(due[0].title, 80))
        noun = "re-test" if len(due) == 1 else "re-tests"
        return f":repeat: *{len(due)} {noun} due*{overdue}: *Practise a scenario* serves “{first}” first."
    nxt = own.retests[0]
    return f":repeat: Next re-test: “{esc(clip(nxt.title, 80))}” on {nxt.due_on:%a %b} {nxt.due_on.day}."


def own_blocks(own: OwnCalibration) -> list[Block]:
    """A line of calibration, the overconfidence flag, the overturn pattern and re-tests due."""
    lines = [f"*Calibration:* {esc(line_text(own.summary))}"]
    flag = flag_text(own.summary)
    if flag:
        lines.append(f":warning: {esc(flag)} Try a lower confidence when you are unsure.")
    pattern = pattern_text(own.pattern)
    if pattern:
        lines.append(f":mag: *Pattern in your reviews:* {esc(pattern)}")
    retest = retest_line(own)
    if retest:
        lines.append(retest)
    return [section("\n".join(lines)), context(HOW)]


def mentee_line(row: MenteeCalibration) -> str:
    whose = f"{row.name}'s"
    parts = [f"*{esc(row.name)}* — {esc(line_text(row.summary))}"]
    flag = flag_text(row.summary, whose=whose)
    if flag:
        parts.append(f":warning: {esc(flag)}")
    pattern = pattern_text(row.pattern, whose=whose)
    if pattern:
        parts.append(f":mag: {esc(pattern)}")
    if row.overdue_retests:
        parts.append(
            f":repeat: {row.overdue_retests} overdue re-test{'s' if row.overdue_retests != 1 else ''}"
        )
    return "\n".join(parts)


def mentee_blocks(rows: Sequence[MenteeCalibration]) -> list[Block]:
    """One section per mentee: calibration line, flag, overturn pattern, overdue re-tests."""
    if not rows:
        return []
    blocks: list[Block] = [section("*Calibration of your mentees*")]
    blocks += [section(mentee_line(row)) for row in rows[:MAX_MENTEES]]
    if len(rows) > MAX_MENTEES:
        blocks.append(context(f"And {len(rows) - MAX_MENTEES} more."))
    return blocks


def failed_parts_blocks(*, parts: Sequence[str], pattern: str | None) -> list[Block]:
    """For the engineer's verdict DM: which parts the reviewer said failed, and their pattern so far."""
    if not parts:
        return []
    names = ", ".join(LABEL[JustificationPart(p)] for p in parts)
    lines = [f"*Which part failed:* {esc(names)}"]
    if pattern:
        lines.append(f":mag: *Pattern in your reviews:* {esc(pattern)} Practice will lean on it.")
    return [section("\n".join(lines))]
