"""The sandbox's four-week controls: load the whole program (weeks 9–12) and build the report.

``load_program`` starts the sandbox over with the demo roster joining the Monday before
week 9 (so the time controls can run the training weeks' jobs, e.g. ``training-checkin``,
for the demo people too), seeds :func:`bot.sandbox.program_demo.seed_program` (once: a
sandbox without it), adds everyone to the fake workspace and moves the clock to the
Monday after the program, when the PM writes the report. ``build_report``
writes the evidence directory beside the sandbox database; the sandbox page serves
it at ``/report/`` (see ``bot.sandbox.webui``).
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from bot.db.engine import read_transaction
from bot.domain.errors import DomainError
from bot.domain.people import find_by_slack_id
from bot.flows.report import build_report as build
from bot.report.files import INDEX, write_report
from bot.sandbox.demo import program_roster_at
from bot.sandbox.program_demo import seed_program
from bot.sandbox.program_seed import roster_csv
from bot.sandbox.runtime import Sandbox

log = logging.getLogger(__name__)
MARKER = "U0E04"  # someone only the four-week roster has: the program is already loaded
REPORT_URL = "/report/"


def report_dir(sb: Sandbox) -> Path:
    """Where the sandbox writes the report: beside its database."""
    return sb.db_path.parent / f"{sb.db_path.stem}-report"


def after_program(sb: Sandbox) -> datetime:
    """09:00 on the Monday after the program's last phase (program time)."""
    end = max(p.end for p in sb.program.phases) if sb.program.phases else sb.program.start_date
    monday = end + timedelta(days=7 - end.weekday())
    return datetime.combine(monday, time(9, 0), sb.program.tz)


def load_program(sb: Sandbox) -> dict[str, Any]:
    """Start over and seed weeks 9–12 into the sandbox; refuse a sandbox that already has them."""
    with sb.lock:
        casebook = sb.casebook
        if casebook is None or casebook.deps.library is None:
            return {"ok": False, "error": "The sandbox is not running (or has no scenario library)."}
        with read_transaction(casebook.deps.sessions) as session:
            if find_by_slack_id(session=session, slack_user_id=MARKER) is not None:
                return {
                    "ok": False,
                    "error": "The four-week program is already loaded. Reset the sandbox first.",
                }
        # The demo people must be on the roster before week 9's first session, as everyone else.
        sb.reset(roster_at=program_roster_at(sb.program))
        casebook = sb.casebook
        if casebook is None or casebook.deps.library is None:
            return {"ok": False, "error": "The sandbox did not start again; reset it and retry."}
        sessions = casebook.deps.sessions
        try:
            counts = seed_program(sessions=sessions, program=sb.program, library=casebook.deps.library)
        except DomainError as exc:
            return {"ok": False, "error": f"Could not load it into this sandbox ({exc}). Reset it first."}
    for line in roster_csv().splitlines()[1:]:
        uid, name, _email, _roles, _mentor, tz = line.split(",")
        if uid not in sb.fake.users:
            sb.fake.add_user(uid, name, tz or sb.program.timezone)
    sb.set_now(after_program(sb))
    added = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts.items()))
    return {"ok": True, "result": f"Loaded weeks 9–12: {added}.", "now": sb.clock.now().isoformat()}


def build_report(sb: Sandbox) -> dict[str, Any]:
    """Write the report as of the sandbox's clock; the page links ``/report/index.html``."""
    with sb.lock:
        casebook = sb.casebook
        if casebook is None:
            return {"ok": False, "error": "The sandbox is not running."}
        report = build(sessions=casebook.deps.sessions, program=sb.program, at=sb.clock.now())
    written = write_report(report, report_dir(sb))
    missing = len(report.unavailable)
    gaps = (
        f"{missing} of {len(report.sections)} sections could not be computed (listed at its top)."
        if missing
        else f"all {len(report.sections)} sections were computed."
    )
    return {
        "ok": True,
        "url": REPORT_URL + INDEX,
        "result": f"Wrote {len(written)} files for weeks {report.weeks[0]} to {report.weeks[-1]}; {gaps}",
    }


def report_file(sb: Sandbox, name: str) -> Path | None:
    """A file of the last report written, by bare name (nothing outside its directory)."""
    folder = report_dir(sb).resolve()
    path = (folder / (name or INDEX)).resolve()
    return path if path.parent == folder and path.is_file() else None
