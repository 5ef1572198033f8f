"""The pilot scorecard (metrics, targets, status, change) as Block Kit, for `/casebook metrics`."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.domain.gonogo import ACTION, Recommendation, Verdict
from bot.domain.grading import Metric, Status
from bot.domain.metricfmt import STATUS_LABEL, delta_text, target_text, value_text
from bot.domain.metrics import Scorecard, cohort_text
from bot.domain.weeks import Week
from bot.slack.blocks.common import context, divider, esc, header, section

STATUS_EMOJI = {
    Status.PASS: ":large_green_circle:",
    Status.CLOSE: ":large_yellow_circle:",
    Status.FAIL: ":red_circle:",
    Status.INSUFFICIENT: ":white_circle:",
}
REC_EMOJI = {
    Recommendation.GO: ":rocket:",
    Recommendation.PIVOT: ":arrows_counterclockwise:",
    Recommendation.PAUSE: ":double_vertical_bar:",
    Recommendation.NO_CALL: ":hourglass_flowing_sand:",
}


def week_title(week: Week) -> str:
    return f"week {week.label} ({week.span_text()})"


def metric_line(metric: Metric, previous: Metric | None = None, *, with_delta: bool = False) -> str:
    """``:emoji: *Label* 75% (target > 70%) · pass`` plus the change and the detail."""
    line = (
        f"{STATUS_EMOJI[metric.status]} *{esc(metric.label)}* {esc(value_text(metric))} "
        f"(target {esc(target_text(metric))}) · {STATUS_LABEL[metric.status]}"
    )
    if with_delta and metric.value is not None:
        if previous is None or previous.value is None:
            line += " · no figure last week"
        else:
            line += f" · {esc(delta_text(metric, previous))} since last week"
    return f"{line}\n{esc(metric.detail)}"


def recommendation_text(verdict: Verdict) -> str:
    rec = verdict.recommendation
    return f"{REC_EMOJI[rec]} *Recommendation: {rec.heading}* — {ACTION[rec]}\n{esc(verdict.summary)}"


def reasons_text(verdict: Verdict) -> str:
    return "\n".join(f"• {esc(reason)}" for reason in verdict.reasons)


def no_data_text(week: Week) -> str:
    return (
        f":hourglass_flowing_sand: *No data yet* for {week_title(week)}: no live or practice decisions, "
        "reviews, survey responses or incidents were recorded. The scorecard fills in as engineers "
        "log decisions and mentors review them."
    )


def scorecard_blocks(card: Scorecard, verdict: Verdict, previous: Scorecard | None) -> list[Block]:
    """The ephemeral scorecard: recommendation, the five metrics with change, week-12 metrics."""
    blocks: list[Block] = [header(f"Pilot scorecard · {week_title(card.week)}"), context(cohort_text(card))]
    if card.empty:
        blocks.append(section(no_data_text(card.week)))
    blocks.append(section(recommendation_text(verdict)))
    if verdict.reasons:
        blocks.append(context(reasons_text(verdict)))
    blocks.append(divider())
    for metric in card.core:
        prev = previous.metric(metric.key) if previous else None
        blocks.append(section(metric_line(metric, prev, with_delta=True)))
    blocks.append(divider())
    if card.week12_due:
        blocks.append(section("*Week-12 metrics*\n" + "\n".join(metric_line(m) for m in card.week12)))
    blocks.append(context("Only you can see this. Counts come from Casebook's records for the ISO week."))
    return blocks


def scorecard_text(card: Scorecard, verdict: Verdict) -> str:
    """Fallback text: the recommendation and every metric's value and status."""
    parts = "; ".join(
        f"{m.label} {value_text(m)} ({STATUS_LABEL[m.status]})"
        for m in (*card.core, *(card.week12 if card.week12_due else ()))
    )
    return f"Pilot scorecard {card.week.label}: {verdict.recommendation.heading}. {parts}"


def status_counts(metrics: Sequence[Metric]) -> str:
    counts = {s: sum(1 for m in metrics if m.status is s) for s in Status}
    return ", ".join(f"{n} {STATUS_LABEL[s]}" for s, n in counts.items() if n)
