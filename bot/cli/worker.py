"""`casebook worker`: the work behind the acks, off the request path.

It runs the inbox worker (the stored work of every acknowledged Slack request), the outbox
dispatcher (messages to Slack) and, unless told not to, the scheduler. `casebook serve`
spawns one next to its HTTP front; more can run anywhere that reaches the database (on
PostgreSQL, workers claim inbox rows with SKIP LOCKED, so replicas never share a row).

On SIGTERM it stops claiming, finishes the work in hand, runs what is already due (a
bounded drain, so a deploy does not leave acked work waiting for the next start) and exits.
Started by `serve` with ``--parent-pid``, it also exits when that process is gone.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
import time
from datetime import timedelta
from typing import Any

from bot.cli.common import Subparsers, add, settings_from_env

log = logging.getLogger(__name__)
DRAIN_SECONDS = 15.0
# Rows per claim for each inbox loop: small, so that a backlog is spread over the loops
# (a full batch wakes the others) instead of queueing behind one.
WORKER_BATCH = 2


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the inbox worker, the dispatcher and the scheduler until SIGTERM (or the parent is gone)."""
    settings = settings_from_env()
    settings.load_program()
    lower_priority(settings.casebook_worker_nice)
    from bot.app import create_app

    casebook = create_app(settings)
    casebook.inbox.threads = settings.casebook_inbox_threads
    casebook.inbox.batch = WORKER_BATCH
    if args.lease:
        casebook.inbox.lease = timedelta(seconds=args.lease)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.dispatch_poll:
        casebook.deps.dispatcher.poll_seconds = args.dispatch_poll
    casebook.start_background(
        scheduler=not args.no_scheduler and settings.casebook_scheduler, dispatcher=not args.no_dispatcher
    )
    while not stop.wait(0.5):
        if args.parent_pid and os.getppid() != args.parent_pid:
            log.warning("the serving process is gone; the worker stops too")
            break
    casebook.inbox.stop()
    _drain(casebook)
    casebook.shutdown()
    return 0


def lower_priority(nice: int) -> None:
    """Run the work at a lower CPU priority than the front that acks.

    On a small machine the work behind the acks and the acks share the cores: at equal
    priority a burst of work (a card dealt per click) makes the kernel queue the front's
    threads behind it and the acks wait. Niced, the worker still gets every core the front
    leaves idle, so throughput is unchanged while acks stay at the bare app's latency; the
    backlog waits on disk instead of the person waiting on Slack's spinner.
    """
    if nice:
        try:
            os.nice(nice)
        except OSError:  # not allowed here (a container without the capability): run as is
            log.warning("could not lower the worker's CPU priority")


def _drain(casebook: Any) -> None:
    """Run what is already due before exiting, for at most DRAIN_SECONDS."""
    deadline = time.monotonic() + DRAIN_SECONDS
    try:
        while time.monotonic() < deadline and casebook.inbox.run_once():
            pass
    except Exception:  # the database may be away; the rows wait for the next worker
        log.warning("inbox drain at shutdown stopped early", exc_info=True)


def add_parsers(subparsers: Subparsers) -> None:
    parser = add(
        subparsers,
        "worker",
        "run the stored work of acknowledged requests, the outbox and the scheduler (off the request path)",
        cmd_worker,
    )
    parser.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs here")
    parser.add_argument(
        "--no-dispatcher",
        action="store_true",
        help="do not send the outbox from here (another worker does: one sender keeps Slack's pacing)",
    )
    parser.add_argument(
        "--dispatch-poll",
        type=float,
        default=0.0,
        help="seconds between the outbox's looks for due sends (default 2; serve sets 0.05 for the "
        "worker that sends for the others, whose new sends it does not hear of otherwise)",
    )
    parser.add_argument("--parent-pid", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--lease",
        type=float,
        default=float(os.environ.get("CASEBOOK_INBOX_LEASE") or 0),
        help="seconds a claimed row is this worker's before another may run it "
        "(default 120, or CASEBOOK_INBOX_LEASE): how soon a crashed worker's work is picked up",
    )
