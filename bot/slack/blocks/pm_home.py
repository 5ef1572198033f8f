"""The PM's App Home section: scorecard tiles, recommendation, weekly figures, last digest link."""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.domain.gonogo import ACTION, Verdict
from bot.domain.metricfmt import STATUS_LABEL, target_text, value_text
from bot.domain.metrics import CORE_SPECS, Scorecard, cohort_text
from bot.slack.blocks.common import code_block, context, divider, esc, fields, header, section
from bot.slack.blocks.scorecard import REC_EMOJI, STATUS_EMOJI, no_data_text

MAX_WEEKS = 12
_SAFE_URL = re.compile(r"^https://[^\s<>|]+$")


def weekly_figures(history: Sequence[Scorecard]) -> str:
    """The chart's numbers as a monospace table, one row per week (the most recent last)."""
    lines = [f"{'week':<9}" + "".join(f"{spec.short:>10}" for spec in CORE_SPECS)]
    for card in list(history)[-MAX_WEEKS:]:
        lines.append(
            f"{card.week.label:<9}"
            + "".join(f"{value_text(card.metric(spec.key)):>10}" for spec in CORE_SPECS)
        )
    return code_block("\n".join(lines))


def pm_home_blocks(
    *,
    card: Scorecard,
    verdict: Verdict,
    history: Sequence[Scorecard],
    digest_link: tuple[str, str] | None,
    pm_channel: str,
) -> list[Block]:
    """Tiles for the five metrics and the recommendation; ``digest_link`` is (week label, URL)."""
    rec = verdict.recommendation
    tiles = [
        (
            m.label,
            f"{STATUS_EMOJI[m.status]} {esc(value_text(m))} · {STATUS_LABEL[m.status]}\n"
            f"target {esc(target_text(m))}",
        )
        for m in card.core
    ]
    tiles.append(("Recommendation", f"{REC_EMOJI[rec]} {rec.heading}\n{ACTION[rec]}"))
    blocks: list[Block] = [
        divider(),
        header("Pilot scorecard"),
        context(
            f"Week {card.week.label} ({card.week.span_text()}) so far; refreshed each time you open Home. "
            + cohort_text(card)
        ),
    ]
    if card.empty:
        blocks.append(section(no_data_text(card.week)))
    blocks.append(fields(tiles))
    blocks.append(context(esc(verdict.summary)))
    if history:
        blocks.append(section("*Weekly figures* (the digest chart's numbers)\n" + weekly_figures(history)))
    if digest_link and _SAFE_URL.match(digest_link[1]):
        period, url = digest_link
        blocks.append(section(f":newspaper: <{url}|Open the last digest> ({esc(period)})"))
    else:
        blocks.append(context(f"No digest posted yet; it goes to <#{pm_channel}> every Friday."))
    return blocks
