"""`casebook metrics [--week YYYY-Www] [--json]`: the pilot scorecard from the command line."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from bot.cli.common import CliError, Subparsers, add, clock, open_db, settings_from_env

if TYPE_CHECKING:  # the rest is imported by the command (start-up time)
    from datetime import datetime

    from bot.domain.metrics import Scorecard
    from bot.domain.supporting import Ratio, Supporting


def _ratio(ratio: Ratio) -> str:
    from bot.domain.metricfmt import pct

    if ratio.value is None:
        return "—"
    return f"{pct(ratio.value)} ({ratio.numerator} of {ratio.denominator})"


def render_text(card: Scorecard, prev: Scorecard, support: Supporting, tz: str, now: datetime) -> str:
    """The scorecard as aligned plain text."""
    from bot.domain.gonogo import ACTION, recommend
    from bot.domain.metricfmt import STATUS_LABEL, delta_text, pct, target_text, value_text
    from bot.domain.metrics import cohort_text

    verdict = recommend(card.core, week=card.week, at=now)
    rec = verdict.recommendation
    lines = [
        f"Pilot scorecard {card.week.label} ({card.week.span_text()}, {tz})",
        "No data yet for this week." if card.empty else "",
        cohort_text(card),
        f"Recommendation: {rec.heading} — {ACTION[rec]}",
        f"  {verdict.summary}",
        *(f"  {reason}" for reason in verdict.reasons),
        "",
        f"{'metric':<18}{'value':<16}{'target':<36}{'status':<19}{'change':<12}detail",
    ]
    for title, metrics in (("", card.core), ("Week 12", card.week12 if card.week12_due else ())):
        if title:
            lines += ["", title]
        for m in metrics:
            lines.append(
                f"{m.label:<18}{value_text(m):<16}{target_text(m):<36}{STATUS_LABEL[m.status]:<19}"
                f"{delta_text(m, prev.metric(m.key)):<12}{m.detail}"
            )
    lines += ["", f"Practice accuracy: {_ratio(support.practice_accuracy)}"]
    lines.append(f"Assessments passed: {_ratio(support.assessments_passed)}")
    for category, ratio in support.assessment_by_category.items():
        lines.append(f"  assessment answers right, {category}: {_ratio(ratio)}")
    if support.categories:
        lines += ["", f"{'category':<24}{'live':>6}{'escalated':>11}{'overturned':>12}  practice accuracy"]
        for row in support.categories:
            rate = pct(row.escalation_rate) if row.escalation_rate is not None else "—"
            lines.append(
                f"{row.category:<24}{row.live:>6}{rate:>11}{row.overturned:>7} of {row.reviewed:<3}"
                f"  {_ratio(row.practice)}"
            )
    return "\n".join(line for i, line in enumerate(lines) if line or i > 1)


def cmd_metrics(args: argparse.Namespace) -> int:
    from bot.db.engine import transaction
    from bot.domain.errors import DomainError
    from bot.domain.gonogo import recommend
    from bot.domain.metrics import compute_scorecard
    from bot.domain.report import scorecard_report
    from bot.domain.supporting import supporting
    from bot.domain.weeks import parse_week, previous, week_of

    settings = settings_from_env()
    program = settings.load_program()
    tz = program.tz
    now = clock().now()
    try:
        week = parse_week(args.week, tz) if args.week else week_of(now, tz)
    except DomainError as exc:
        raise CliError(f"--week: {exc}") from None
    engine, sessions = open_db(settings)
    try:
        with transaction(sessions) as session:
            card = compute_scorecard(session=session, program=program, week=week)
            prev = compute_scorecard(session=session, program=program, week=previous(week, tz))
            support = supporting(session=session, week=week)
    finally:
        engine.dispose()
    if args.json:
        report: dict[str, Any] = scorecard_report(
            card=card,
            previous=prev,
            verdict=recommend(card.core, week=card.week, at=now),
            support=support,
            timezone=program.timezone,
            generated_at=now,
        )
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(render_text(card, prev, support, program.timezone, now))
    return 0


def add_parsers(subparsers: Subparsers) -> None:
    parser = add(
        subparsers, "metrics", "the pilot scorecard and go/no-go recommendation for a week", cmd_metrics
    )
    parser.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: this week, program time)")
    parser.add_argument("--json", action="store_true", help="print JSON (shape: docs/metrics.md)")
