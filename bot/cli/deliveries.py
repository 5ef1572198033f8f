"""`casebook deliveries retry|causes`: re-send what Slack refused, once an admin fixed the cause."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from bot.cli.common import CliError, Subparsers, add, open_db, settings_from_env

if TYPE_CHECKING:  # the rest is imported by the commands (start-up time)
    from bot.program import Program


def parse_since(value: str, program: Program) -> datetime:
    """A date (midnight in the program's timezone) or an ISO-8601 time with an offset."""
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(0), tzinfo=program.tz)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"--since: {value!r} is not a date (YYYY-MM-DD) or ISO-8601 time") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=program.tz)


def cmd_retry(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from bot.db.engine import transaction
    from bot.domain import delivery_faults as faults

    settings = settings_from_env()
    program = settings.load_program()
    since = parse_since(args.since, program) if args.since else None
    _, sessions = open_db(settings)
    now = SystemClock().now()
    with transaction(sessions) as session:
        count = faults.requeue(session=session, now=now, failed=args.failed, since=since)
    what = "waiting and failed" if args.failed else "waiting"
    scope = f" created since {since.isoformat()}" if since else ""
    print(f"{count} {what} deliveries{scope} are due now; the running bot sends them within seconds.")
    if not args.failed:
        print("Deliveries that failed for good are not included: add --failed once the cause is fixed.")
    return 0


def cmd_causes(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from bot.db.engine import transaction
    from bot.domain import delivery_faults as faults

    settings = settings_from_env()
    _, sessions = open_db(settings)
    with transaction(sessions) as session:
        report = faults.health(session=session, now=SystemClock().now())
    print(f"pending: {report['pending']} (oldest waiting {report['oldest_pending_seconds']} s)")
    for cause in report["causes"]:
        print(f"{cause['count']:>5} × {cause['error']} at {cause['recipient']}: {cause['fix']}")
    if not report["causes"]:
        print("no failed deliveries in the last 7 days")
    return 0


def add_parsers(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("deliveries", help="inspect and re-send the delivery ledger")
    sub = parser.add_subparsers(dest="deliveries_command", required=True)
    retry = add(sub, "retry", "send waiting deliveries now; with --failed, re-send failed ones", cmd_retry)
    retry.add_argument("--failed", action="store_true", help="also re-send deliveries that failed")
    retry.add_argument("--since", help="only deliveries created since this date (YYYY-MM-DD) or time")
    add(sub, "causes", "why deliveries failed in the last 7 days, and how to fix each cause", cmd_causes)
