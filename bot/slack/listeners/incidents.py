"""`/casebook incident P1|P2 <minutes> [ref]`: record an incident's response time."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.domain.incidents import parse_command
from bot.domain.metricfmt import minutes
from bot.domain.vocab import INCIDENT_RECORDERS
from bot.flows.incidents import record_incident_report
from bot.slack.blocks.common import esc, section
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import reply


def incident_command(ctx: CommandContext) -> None:
    """Parse the report, record it, and compare it with the baseline and the limit."""
    deps = ctx.deps
    row = parse_command(ctx.args, now=deps.clock.now())
    recorded = record_incident_report(deps=deps, recorder=ctx.person, row=row)
    name = f" {esc(row.ref)}" if row.ref else ""
    if recorded.unchanged:
        text = f":information_source: {row.priority} incident{name} was already recorded; nothing changed."
    else:
        base, limit = minutes(recorded.baseline_minutes), minutes(recorded.limit_minutes)
        text = (
            f":white_check_mark: Recorded {row.priority} incident{name}: responded in {minutes(row.minutes)} "
            f"(baseline median {base}, limit {limit})."
        )
    reply(ctx.respond, [section(text)], text)


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "incident",
            "incident P1|P2 <minutes> [ref]",
            "record how many minutes it took to respond to a P1/P2 incident",
            handler=incident_command,
            roles=INCIDENT_RECORDERS,
        )
    )
