"""`casebook jobs list|run|status` and `casebook scheduler`: operate the scheduled work."""

from __future__ import annotations

import argparse
import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.cli.common import CliError, Subparsers, add, open_db, settings_from_env

if TYPE_CHECKING:  # the rest is imported by the commands that use it (start-up time)
    from bot.clock import Clock
    from bot.config import Settings
    from bot.program import Program

STATUS_ORDER = ("sent", "pending", "failed", "missed", "skipped")
DISPATCH_DEADLINE = 600.0


def parse_at(value: str, program: Program) -> datetime:
    """ISO-8601 with an offset or Z; without one, the program's timezone (said so in the output)."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise CliError(f"--at: {value!r} is not an ISO-8601 time (e.g. 2026-11-17T22:50:00Z)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=program.tz)
    return parsed.astimezone(UTC)


def _fmt(moment: datetime | None, program: Program) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(program.tz)
    return f"{moment:%Y-%m-%d %H:%M} UTC ({local:%a %H:%M} {program.timezone})"


def cmd_list(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from bot.db.engine import transaction
    from bot.domain import scheduling
    from bot.jobs import registry

    settings = settings_from_env()
    program = settings.load_program()
    _, sessions = open_db(settings)
    now = SystemClock().now()
    with transaction(sessions) as session:
        zones = scheduling.active_zones(session=session, program_tz=program.timezone)
    for name in registry.names():
        job = registry.spec(name)
        print(f"{name:<16} {job.start} — {job.summary}")
        triggers = job.trigger(program)
        for trigger in triggers:
            print(f"{'':<16}   trigger: {trigger.describe(program)}")
        if not triggers:
            print(f"{'':<16}   trigger: none configured")
        nxt = registry.next_run(program, name, after=now, zones=zones)
        why = "" if nxt is not None else f" ({_why_not(program, now, configured=bool(triggers))})"
        print(f"{'':<16}   next run: {_fmt(nxt, program)}{why}")
    return 0


def _why_not(program: Program, now: datetime, *, configured: bool) -> str:
    """Why a job has no next run, so "—" is not a mystery (issue 16)."""
    if not configured:
        return "no trigger is configured"
    last = max(window.end for window in program.phases)
    if now.astimezone(program.tz).date() > last:
        return f"the program's phases ended on {last:%Y-%m-%d}; add or extend phases in the program file"
    return "no day in the program's phases matches its schedule in the next year"


def _build(settings: Settings, clock: Clock) -> Any:
    if not settings.slack_bot_token:
        raise CliError("SLACK_BOT_TOKEN is not set: jobs can plan sends but cannot deliver them")
    from bot.app import create_app

    return create_app(settings, clock=clock)


def _dispatch(casebook: Any, since_id: int) -> None:
    """Send what is due now, pacing included; stop when nothing this run created is still due."""
    from bot.db.engine import transaction
    from bot.domain import delivery_batches as batches

    deadline = time.monotonic() + DISPATCH_DEADLINE
    dispatcher = casebook.deps.dispatcher
    while time.monotonic() < deadline:
        if dispatcher.run_once():
            continue
        with transaction(casebook.deps.sessions) as session:
            due = batches.due_rows(session=session, now=casebook.deps.clock.now(), limit=1)
        if not due:
            return
        time.sleep(0.2)


def _summary(casebook: Any, since_id: int) -> Counter[tuple[str, str]]:
    from bot.db.engine import transaction
    from bot.domain import scheduling

    with transaction(casebook.deps.sessions) as session:
        return scheduling.counts_since(session=session, since_id=since_id)


def cmd_run(args: argparse.Namespace) -> int:
    from bot.clock import FixedClock, SystemClock
    from bot.db.engine import transaction
    from bot.domain import scheduling

    settings = settings_from_env()
    program = settings.load_program()
    at = parse_at(args.at, program) if args.at else SystemClock().now()
    clock: Clock = FixedClock(at) if args.at else SystemClock()
    casebook = _build(settings, clock)
    try:
        with transaction(casebook.deps.sessions) as session:
            since_id = scheduling.last_delivery_id(session=session)
        from bot.jobs.runner import run_job

        enqueued = run_job(deps=casebook.deps, name=args.name, at=at)
        _dispatch(casebook, since_id)
        counts = _summary(casebook, since_id)
    finally:
        casebook.shutdown(timeout=5)
    print(f"{args.name} as of {_fmt(at, program)}: {enqueued} send(s) enqueued")
    for job in sorted({job for job, _ in counts}):
        parts = ", ".join(f"{counts[(job, s)]} {s}" for s in STATUS_ORDER if counts[(job, s)])
        print(f"  {job}: {parts}")
    if not counts:
        print("  nothing new: every send due by then is already in the ledger")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from bot.db.engine import transaction
    from bot.db.inbox_store import open_inbox
    from bot.domain import inbox, scheduling
    from bot.domain.jobruns import recent_runs

    settings = settings_from_env()
    program = settings.load_program()
    engine, sessions = open_db(settings)
    inbox_sessions = open_inbox(engine, sessions, pool_size=1, adopt=False).work
    now = SystemClock().now()
    since = now - timedelta(days=args.days)
    with transaction(sessions) as session:
        rows = scheduling.report_rows(session=session, since=since, period=args.period, job=args.job)
        runs = recent_runs(session=session, since=since, period=args.period)
    with transaction(inbox_sessions) as session:
        backlog = inbox.backlog(session=session, now=now)
    scope = f"period {args.period}" if args.period else f"due in the last {args.days} day(s)"
    print(f"deliveries {scope}: {len(rows)}")
    counts = Counter((d.job, d.status) for d in rows)
    for job in sorted({d.job for d in rows}):
        parts = ", ".join(f"{counts[(job, s)]} {s}" for s in STATUS_ORDER if counts[(job, s)])
        print(f"  {job:<22} {parts}")
    shown = [d for d in rows if args.all or d.status != "sent"]
    if shown:
        print()
        print(f"{'status':<8} {'job':<22} {'recipient':<14} {'period':<22} {'due':<17} {'tries':>5}  reason")
        for d in shown[: args.limit]:
            reason = d.last_error or ("sent " + f"{d.sent_at:%Y-%m-%d %H:%M}" if d.sent_at else "")
            print(
                f"{d.status:<8} {d.job:<22} {d.recipient:<14} {d.period:<22} "
                f"{d.due_at:%Y-%m-%d %H:%M} {d.attempts:>5}  {reason}"
            )
        if len(shown) > args.limit:
            print(f"… {len(shown) - args.limit} more (use --limit)")
    if runs:
        print()
        print("job runs (ONCE jobs, one per occurrence):")
        for run in runs:
            note = run.last_error or (f"{run.result} enqueued" if run.result is not None else "")
            print(f"  {run.job:<16} {run.period:<12} {run.status:<8} {_fmt(run.due_at, program)}  {note}")
    print()  # the work behind acknowledged Slack requests, waiting for `casebook worker`
    print(
        f"inbox: {backlog.pending} pending (oldest {backlog.oldest_seconds:.1f} s), {backlog.failed} failed"
    )
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    """Run the scheduler and the dispatcher (no HTTP), until SIGTERM or Ctrl-C."""
    from bot.clock import SystemClock

    settings = settings_from_env()
    settings.load_program()
    casebook = _build(settings, SystemClock())
    # A plain flag polled by the main thread: a signal may be delivered to any thread, and a
    # main thread blocked in Event.wait() would not run the handler until something woke it.
    stopping: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    casebook.start_background(scheduler=True)
    print("scheduler running (Ctrl-C to stop)", flush=True)
    try:
        while not stopping:
            time.sleep(0.2)
    finally:
        casebook.shutdown()
    return 0


def _job_name(value: str) -> str:
    # Checked when `jobs run` is parsed, not when the parser is built: the catalogue imports
    # every job and SQLAlchemy, which `casebook --help` should not wait for.
    from bot.jobs import registry

    if value not in registry.names():
        raise argparse.ArgumentTypeError(f"unknown job {value!r} (choose from {', '.join(registry.names())})")
    return value


def add_parsers(subparsers: Subparsers) -> None:
    jobs = subparsers.add_parser("jobs", help="list, run and inspect scheduled jobs")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    add(jobs_sub, "list", "each job, its trigger and its next run", cmd_list)
    run = add(jobs_sub, "run", "run one job as of a time (same ledger rules), then send what is due", cmd_run)
    run.add_argument("name", type=_job_name, metavar="NAME", help="a job, as `casebook jobs list` names it")
    run.add_argument("--at", help="ISO-8601 time to run as of (default now; no offset = program timezone)")
    status = add(
        jobs_sub, "status", "sent, pending, failed, missed and skipped deliveries with reasons", cmd_status
    )
    status.add_argument("--period", help="a ledger period: YYYY-MM-DD (a day) or YYYY-Www (a survey week)")
    status.add_argument("--job", help="only this ledger job (e.g. daily-sync, sync-summary, survey)")
    status.add_argument("--days", type=int, default=7, help="without --period: how far back (default 7)")
    status.add_argument("--all", action="store_true", help="list sent deliveries too")
    status.add_argument("--limit", type=int, default=200)
    add(subparsers, "scheduler", "run only the scheduler and the dispatcher (no HTTP)", cmd_scheduler)
