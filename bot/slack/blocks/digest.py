"""The PM channel's weekly digest message: complete on its own, the chart follows in the thread."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.domain.digest import DigestData, SurveyRate
from bot.domain.metricfmt import STATUS_LABEL, duration, pct, value_text
from bot.domain.metrics import cohort_text
from bot.domain.supporting import CategoryRow, Ratio
from bot.slack.blocks.common import clip, code_block, context, divider, esc, header, section
from bot.slack.blocks.scorecard import (
    metric_line,
    no_data_text,
    reasons_text,
    recommendation_text,
    week_title,
)

MAX_CATEGORY_ROWS = 20
MAX_COMMENTS = 10


def _ratio(ratio: Ratio) -> str:
    return pct(ratio.value) if ratio.value is not None else "—"


def category_table(rows: tuple[CategoryRow, ...]) -> str:
    """A monospace table: category, live decisions, escalation rate, overturns, practice accuracy."""
    head = f"{'category':<22}{'live':>6}{'esc.':>7}{'overturned':>12}{'practice':>10}"
    lines = [head]
    for row in rows[:MAX_CATEGORY_ROWS]:
        esc_rate = pct(row.escalation_rate) if row.escalation_rate is not None else "—"
        overturned = f"{row.overturned}/{row.reviewed}" if row.reviewed else "—"
        name = row.category.replace("_", " ")[:21]
        lines.append(f"{name:<22}{row.live:>6}{esc_rate:>7}{overturned:>12}{_ratio(row.practice):>10}")
    if len(rows) > MAX_CATEGORY_ROWS:
        lines.append(f"… and {len(rows) - MAX_CATEGORY_ROWS} more categories")
    return code_block("\n".join(lines))


def survey_text(survey: SurveyRate) -> str:
    if not survey.engineers:
        return "*Survey:* no engineers on the roster."
    rate = survey.value
    line = f"*Survey:* {survey.responded} of {survey.engineers} engineers responded ({pct(rate or 0)})"
    return line + ("." if survey.expected else " — no survey was scheduled this week.")


def reviews_text(data: DigestData) -> str:
    r = data.reviews
    if r.overdue:
        oldest = duration(r.oldest_hours or 0)
        head = f"*Reviews:* {r.overdue} waiting beyond the {r.sla_hours:g} h SLA (oldest {oldest})"
    else:
        head = f"*Reviews:* none waiting beyond the {r.sla_hours:g} h SLA"
    return f"{head}; {r.pending} waiting in all, {r.reviewed_this_week} reviewed this week."


def digest_blocks(data: DigestData, *, chart: bool) -> list[Block]:
    """The digest: recommendation and reasons, scorecard with change, table, reviews, survey, red flags."""
    blocks: list[Block] = [header(f"Pilot digest · {week_title(data.week)}")]
    if data.empty:
        blocks.append(section(no_data_text(data.week)))
        blocks.append(section(recommendation_text(data.verdict)))
        return blocks
    blocks.append(section(recommendation_text(data.verdict)))
    blocks.append(section(reasons_text(data.verdict)))
    blocks.append(divider())
    blocks.append(section("*Scorecard* (value · target · status · change since last week)"))
    blocks.append(context(cohort_text(data.card)))
    for row in data.rows:
        blocks.append(section(metric_line(row.metric, row.previous, with_delta=True)))
    if data.week12_rows:
        blocks.append(
            section(
                "*Week-12 metrics*\n" + "\n".join(metric_line(r.metric, r.previous) for r in data.week12_rows)
            )
        )
    blocks.append(divider())
    if data.support.categories:
        blocks.append(section("*By category*\n" + category_table(data.support.categories)))
    else:
        blocks.append(section("*By category*\nNo decisions this week."))
    blocks.append(section(reviews_text(data) + "\n" + survey_text(data.survey)))
    if data.survey_comments:
        said = "\n".join(f"• {esc(clip(c, 250))}" for c in data.survey_comments[:MAX_COMMENTS])
        blocks.append(section(f"*Survey comments* (published with the averages, without names)\n{said}"))
    if data.red_flags:
        flags = "\n".join(f"• {esc(flag.text)}" for flag in data.red_flags)
        blocks.append(section(f":warning: *Red flags*\n{flags}"))
    else:
        blocks.append(section(":white_check_mark: *Red flags:* none this week."))
    notes = [
        f"Practice accuracy this week: {_ratio(data.support.practice_accuracy)}. "
        f"Assessments passed so far: {_ratio(data.support.assessments_passed)}.",
        f"`/casebook metrics {data.week.label}` shows this scorecard any time.",
    ]
    by_category = data.support.assessment_by_category
    if by_category:
        rates = ", ".join(f"{esc(k.replace('_', ' '))} {_ratio(v)}" for k, v in by_category.items())
        notes.insert(1, f"Assessment answers right, by category: {rates}.")
    if chart:
        notes.insert(0, ":chart_with_upwards_trend: The chart of the five metrics is in the thread.")
    blocks.append(context(*notes))
    return blocks


def digest_text(data: DigestData) -> str:
    """Fallback text (notifications, screen readers): the recommendation and every metric."""
    if data.empty:
        return f"Pilot digest {data.week.label}: no data yet."
    metrics = "; ".join(
        f"{r.metric.label} {value_text(r.metric)} ({STATUS_LABEL[r.metric.status]})" for r in data.rows
    )
    flags = len(data.red_flags)
    return (
        f"Pilot digest {data.week.label}: {data.verdict.recommendation.heading} — {metrics}. "
        f"{flags} red flag{'s' if flags != 1 else ''}."
    )
