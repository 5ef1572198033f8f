"""The post-program report: build every registered section in one read, and share it in the PM channel.

``build_report`` is what ``casebook report`` and ``/casebook report`` both run. Each
section is built inside a savepoint: one that fails is reported as unavailable with
the error, and the others still appear. ``share_report`` renders ``index.html`` and
queues its upload to the PM channel through the delivery ledger, keyed by the person
and the minute, so a repeated or replayed command shares it once.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db.audit import append_event
from bot.db.engine import read_transaction, transaction
from bot.domain.deliveries import enqueue
from bot.domain.errors import Forbidden
from bot.domain.evidence import BuiltSection, Report, ReportScope, ReportSection, SectionResult
from bot.domain.evidence_registry import SECTIONS
from bot.domain.people import find_by_slack_id
from bot.domain.vocab import Role
from bot.domain.weeks import Week, week_of, week_of_date, weeks_between
from bot.program import Program
from bot.report.html import render_html

log = logging.getLogger(__name__)
REPORT_JOB = "report"
REPORT_ROLES = frozenset({Role.PM, Role.ADMIN})


def report_weeks(*, program: Program, at: datetime, through: Week | None = None) -> tuple[Week, ...]:
    """From the program's first week to ``through``.

    By default: the week containing ``at``, but no later than the week the program's last
    phase ends in (the report is written the week after; the weeks after add nothing).
    """
    tz = program.tz
    last = through or week_of(at, tz)
    if through is None and program.phases:
        end = week_of_date(max(p.end for p in program.phases), tz)
        last = min(last, end, key=lambda w: w.monday)
    return tuple(weeks_between(week_of_date(program.start_date, tz), last, tz))


def _built(section: ReportSection, scope: ReportScope) -> BuiltSection:
    try:
        with scope.session.begin_nested():
            result = section.build(scope)
    except Exception as exc:  # one broken section must not cost the PM the whole report
        log.exception("report section failed", extra={"section": section.key})
        result = SectionResult(unavailable=f"could not be computed ({type(exc).__name__}: {exc})")
    return BuiltSection(section.key, section.title, section.about, result)


def build_report(
    *,
    sessions: sessionmaker[Session],
    program: Program,
    at: datetime,
    through: Week | None = None,
    sections: Sequence[ReportSection] = SECTIONS,
) -> Report:
    """Every section of the report for the weeks up to ``through``, read in one transaction."""
    weeks = report_weeks(program=program, at=at, through=through)
    with read_transaction(sessions) as session:
        scope = ReportScope(session=session, program=program, weeks=weeks, at=at)
        built = tuple(_built(s, scope) for s in sections)
    return Report(program.name, program.timezone, at, tuple(w.label for w in weeks), built)


@dataclass(frozen=True)
class Shared:
    """What ``/casebook report`` tells the person: where it goes, and whether this call queued it."""

    channel: str
    created: bool
    unavailable: int


def share_report(
    *, sessions: sessionmaker[Session], program: Program, clock: Clock, slack_user_id: str
) -> Shared:
    """Build the report and queue ``index.html`` for upload to the PM channel (once per person and minute)."""
    now = clock.now()
    with read_transaction(sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
        if person is None or not person.role_names & REPORT_ROLES:
            raise Forbidden("Only the program's PMs and admins can build the report.")
    report = build_report(sessions=sessions, program=program, at=now)
    html = render_html(report, files=False)
    channel = program.channels.pm
    stamp = now.astimezone(program.tz).strftime("%Y-%m-%dT%H:%M")
    payload: dict[str, object] = {
        "channel": channel,
        "content_b64": base64.b64encode(html.encode("utf-8")).decode(),
        "filename": f"casebook-report-{stamp[:10]}.html",
        "title": f"{program.name}: post-program report ({stamp.replace('T', ' ')})",
        "initial_comment": f"<@{slack_user_id}> asked for the post-program report. "
        "Open it in a browser; it prints well.",
    }
    with transaction(sessions) as session:
        queued = enqueue(
            session=session,
            now=now,
            job=REPORT_JOB,
            recipient=channel,
            period=f"{slack_user_id}:{stamp}",
            method="files.upload_v2",
            payload=payload,
        )
        if queued.created:
            append_event(
                session=session,
                now=now,
                actor=slack_user_id,
                action="report.shared",
                subject_type="report",
                subject_id=stamp,
                payload={
                    "channel": channel,
                    "weeks": list(report.weeks),
                    "unavailable": [s.key for s in report.unavailable],
                },
            )
    return Shared(channel, queued.created, len(report.unavailable))
