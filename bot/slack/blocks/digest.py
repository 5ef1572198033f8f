"""The PM channel's weekly digest: a post read in ten seconds, the details in its thread.

The post (at most :data:`MAX_POST_LINES` lines of text): the recommendation with one
line of why, a tile per go / no-go metric (value, target, status, cohort size) and the
top three red flags. The thread reply: the reasons in full, the scorecard with each
metric's detail and change, the week-12 metrics, the table by category, reviews and
survey, survey comments (with the averages only, unattributed, in random order) and
every red flag. The chart follows in the thread as its own upload.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.domain.digest import DigestData, SurveyRate
from bot.domain.gonogo import ACTION, Recommendation, Verdict
from bot.domain.grading import Metric
from bot.domain.metricfmt import STATUS_LABEL, duration, pct, target_text, value_text
from bot.domain.metrics import cohort_text
from bot.domain.supporting import CategoryRow, Ratio
from bot.domain.vocab import Cohort
from bot.slack.blocks.common import clip, code_block, context, divider, esc, header, section
from bot.slack.blocks.scorecard import (
    REC_EMOJI,
    STATUS_EMOJI,
    metric_line,
    no_data_text,
    reasons_text,
    status_counts,
    week_title,
)
from bot.slack.blocks.training import digest_training_text

MAX_POST_LINES = 15
CHART_NOTE = "The chart of the five metrics is in the thread."
MAX_CATEGORY_ROWS = 20
MAX_COMMENTS = 10
SECTION_LIMIT = 3000  # Block Kit's limit on a section's text
COHORT_NOUN = {Cohort.PILOTS: ("pilot", "pilots"), Cohort.ENGINEERS: ("engineer", "engineers")}


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
    text = f"{head}; {r.pending} waiting in all, {r.reviewed_this_week} reviewed this week."
    if r.expiry_answers:  # approved exceptions that expired and were answered for (issue 18)
        text += (
            f"\n*Delayed rework:* {r.delayed_rework} of {r.expiry_answers} expired exceptions "
            "had unmet conditions or weren't rolled back."
        )
    return text


def why_line(verdict: Verdict) -> str:
    """One line of why: what failed (PAUSE), what is close (PIVOT), or the summary."""
    rec, summary = verdict.recommendation, verdict.summary.rstrip(".")
    wanted = {Recommendation.PAUSE: "Failed: ", Recommendation.PIVOT: "Close: "}.get(rec)
    for reason in verdict.reasons:
        if wanted and reason.startswith(wanted):
            return f"{summary}: {reason.removeprefix(wanted)}."
    return summary + "."


def tile(metric: Metric, cohort: tuple[Cohort, int]) -> str:
    """``:emoji: *Handling rate* 80% · target > 70% · pass · 3 pilots`` (one line)."""
    kind, n = cohort
    noun = COHORT_NOUN[kind][0 if n == 1 else 1]
    return (
        f"{STATUS_EMOJI[metric.status]} *{esc(metric.label)}* {esc(value_text(metric))} · "
        f"target {esc(target_text(metric))} · {STATUS_LABEL[metric.status]} · {n} {noun}"
    )


def _in_thread(data: DigestData, *, chart: bool) -> str:
    """Where the rest is: ``The chart of the five metrics is in the thread. So are …``."""
    parts = ["the scorecard in detail", "the table by category"]
    if data.survey_comments:
        parts.append("survey comments")
    if len(data.red_flags) > len(data.top_flags):
        parts.append(f"all {len(data.red_flags)} red flags")
    listed = ", ".join(parts[:-1]) + " and " + parts[-1]
    where = f"{CHART_NOTE} So are {listed}." if chart else f"In the thread: {listed}."
    return f":speech_balloon: {where} `/casebook metrics {data.week.label}` shows the scorecard any time."


def digest_blocks(data: DigestData, *, chart: bool) -> list[Block]:
    """The channel post: recommendation and why, five tiles, top three red flags, where the rest is."""
    rec = data.verdict.recommendation
    blocks: list[Block] = [header(f"Pilot digest · {week_title(data.week)}")]
    blocks.append(
        section(
            f"{REC_EMOJI[rec]} *Recommendation: {rec.heading}* — {ACTION[rec]}\n{esc(why_line(data.verdict))}"
        )
    )
    if data.training is not None:
        blocks.append(section(digest_training_text(data.training)))
    if data.empty:
        blocks.append(context(no_data_text(data.week)))
        if chart:
            blocks.append(context(f":speech_balloon: {CHART_NOTE}"))
        return blocks
    blocks.append(section("\n".join(tile(m, data.card.cohort) for m in data.card.core)))
    if data.week12_rows:
        counts = status_counts([r.metric for r in data.week12_rows])
        blocks.append(context(f"Week-12 metrics: {counts} (in the thread)."))
    top = data.top_flags
    if top:
        more = f" (top {len(top)} of {len(data.red_flags)})" if len(data.red_flags) > len(top) else ""
        flags = "\n".join(f"• {esc(flag.text)}" for flag in top)
        blocks.append(section(f":warning: *Red flags*{more}\n{flags}"))
    else:
        blocks.append(section(":white_check_mark: *Red flags:* none this week."))
    blocks.append(context(_in_thread(data, chart=chart)))
    return blocks


def digest_details_blocks(data: DigestData) -> list[Block]:
    """The thread reply: reasons, full scorecard, table, reviews and survey, comments, every red flag."""
    blocks: list[Block] = [section(f"*Details* · {week_title(data.week)}\n{reasons_text(data.verdict)}")]
    blocks.append(divider())
    blocks.append(section("*Scorecard* (value · target · status · change since last week)"))
    blocks.append(context(cohort_text(data.card)))
    for row in data.rows:
        blocks.append(section(metric_line(row.metric, row.previous, with_delta=True)))
    if data.week12_rows:
        lines = "\n".join(metric_line(r.metric, r.previous) for r in data.week12_rows)
        blocks.append(section("*Week-12 metrics*\n" + lines))
    blocks.append(divider())
    if data.support.categories:
        blocks.append(section("*By category*\n" + category_table(data.support.categories)))
    else:
        blocks.append(section("*By category*\nNo decisions this week."))
    calibration = f"\n{esc(data.calibration)}" if data.calibration else ""
    blocks.append(section(reviews_text(data) + "\n" + survey_text(data.survey) + calibration))
    if data.survey_comments:
        blocks.append(section(comments_text(data.survey_comments)))
    if data.red_flags:
        flags = "\n".join(f"• {esc(flag.text)}" for flag in data.red_flags)
        more = f" (all {len(data.red_flags)})" if len(data.red_flags) > len(data.top_flags) else ""
        blocks.append(section(f":warning: *Red flags*{more}\n{flags}"))
    blocks.append(context(*_notes(data)))
    return blocks


def comments_text(comments: tuple[str, ...]) -> str:
    """The comments as given (already shuffled), escaped, within one section's 3000 characters."""
    head = "*Survey comments* (published with the averages, without names, in random order)"
    lines: list[str] = []
    size = len(head)
    for comment in comments[:MAX_COMMENTS]:
        line = f"• {esc(clip(comment, 250))}"  # escaping can lengthen a comment up to five times
        if size + len(line) + 60 > SECTION_LIMIT:
            break
        lines.append(line)
        size += len(line) + 1
    if len(lines) < len(comments):
        lines.append(f"… and {len(comments) - len(lines)} more")
    return "\n".join([head, *lines])


def _notes(data: DigestData) -> list[str]:
    notes = [
        f"Practice accuracy this week: {_ratio(data.support.practice_accuracy)}. "
        f"Assessments passed so far: {_ratio(data.support.assessments_passed)}."
    ]
    by_category = data.support.assessment_by_category
    if by_category:
        rates = ", ".join(f"{esc(k.replace('_', ' '))} {_ratio(v)}" for k, v in by_category.items())
        notes.append(f"Assessment answers right, by category: {rates}.")
    return notes


def digest_text(data: DigestData) -> str:
    """Fallback text (notifications, screen readers): the recommendation and every metric."""
    if data.empty:
        training = " Training attendance is in the post." if data.training is not None else ""
        return f"Pilot digest {data.week.label}: no data yet.{training}"
    metrics = "; ".join(
        f"{r.metric.label} {value_text(r.metric)} ({STATUS_LABEL[r.metric.status]})" for r in data.rows
    )
    flags = len(data.red_flags)
    return (
        f"Pilot digest {data.week.label}: {data.verdict.recommendation.heading} — {metrics}. "
        f"{flags} red flag{'s' if flags != 1 else ''}."
    )


def details_text(data: DigestData) -> str:
    """Fallback text of the thread reply."""
    flags = len(data.red_flags)
    return f"Details of the pilot digest {data.week.label}: scorecard, categories, {flags} red flags."
