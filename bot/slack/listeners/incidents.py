"""`/casebook incident P1|P2 <minutes> [ref]`: record an incident's response time."""

from __future__ import annotations

from slack_bolt import App

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.incidents import baselines, parse_command, record_incident
from bot.domain.metricfmt import minutes
from bot.domain.vocab import INCIDENT_RECORDERS
from bot.slack.blocks.common import esc, section
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import reply


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "incident",
            "incident P1|P2 <minutes> [ref]",
            "record how many minutes it took to respond to a P1/P2 incident",
            handler=lambda ctx: record(deps, ctx),
            roles=INCIDENT_RECORDERS,
        )
    )


def record(deps: Deps, ctx: CommandContext) -> None:
    now = deps.clock.now()
    row = parse_command(ctx.args, now=now)
    with transaction(deps.sessions) as session:
        result = record_incident(
            session=session,
            now=now,
            actor=ctx.person.slack_user_id,
            row=row,
            source="slack",
            recorded_by=ctx.person.id,
        )
        base = baselines(session=session, program=deps.program)[row.priority]
    limits = {"P1": deps.program.thresholds.p1_minutes, "P2": deps.program.thresholds.p2_minutes}
    name = f" {esc(row.ref)}" if row.ref else ""
    if result.outcome == "unchanged":
        text = f":information_source: {row.priority} incident{name} was already recorded; nothing changed."
    else:
        text = (
            f":white_check_mark: Recorded {row.priority} incident{name}: responded in {minutes(row.minutes)} "
            f"(baseline median {minutes(base.median_minutes)}, limit {minutes(limits[row.priority])})."
        )
    reply(ctx.respond, [section(text)], text)
