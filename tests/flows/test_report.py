"""Building the report: the registry's sections, one failing section, adapters, who may share it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.domain.errors import Forbidden
from bot.domain.evidence import ReportScope, ReportSection, SectionResult, unrecorded, via
from bot.domain.evidence_registry import SECTIONS
from bot.domain.weeks import parse_week
from bot.flows.report import build_report, report_weeks, share_report
from bot.program import Program
from tests.helpers import load_roster

AT = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def _broken(scope: ReportScope) -> SectionResult:
    raise RuntimeError("the data is odd")


def test_a_failing_section_is_reported_unavailable_and_the_rest_still_built(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, AT)
    sections = (SECTIONS[0], ReportSection("odd", "Odd", _broken), SECTIONS[-1])
    report = build_report(sessions=sessions, program=program, at=AT, sections=sections)
    assert [s.key for s in report.sections] == ["scorecard", "odd", "audit"]
    assert report.sections[1].result.unavailable == "could not be computed (RuntimeError: the data is odd)"
    assert report.sections[2].result.rows[0]["verified"] is True
    assert [s.key for s in report.unavailable] == ["odd"]


def test_the_registry_builds_on_an_empty_program(sessions: sessionmaker[Session], program: Program) -> None:
    report = build_report(sessions=sessions, program=program, at=AT)
    assert report.weeks == ("2026-W45", "2026-W46", "2026-W47", "2026-W48")  # not past the program
    assert report.unavailable == ()  # every section computes, even with nothing recorded yet
    summary = {s.key: s.result.summary[0] for s in report.sections if not s.result.unavailable}
    assert summary["surveys"] == "Not enough data yet: no week has enough survey answers to show."
    assert summary["training"].startswith("Cohort attendance: not enough data yet")
    assert summary["post_switchover"].startswith("Not enough data yet: 0 answers for 2026-W48")
    assert summary["lessons"] == "No lessons recorded from the Friday wrap-ups yet."
    assert summary["proposals"] == "No rule has crossed the proposal thresholds."
    assert summary["calibration"] == "Not enough data yet: 0 calls with an outcome."
    assert summary["consistency"] == "Not enough data yet: 0 blind pairs (figures from 10)."
    assert summary["exceptions"].startswith("0 approved exceptions registered")


def test_report_weeks_follow_through_and_stop_at_the_program_end(program: Program) -> None:
    weeks = report_weeks(program=program, at=AT, through=parse_week("2026-W46", program.tz))
    assert [w.label for w in weeks] == ["2026-W45", "2026-W46"]
    early = report_weeks(program=program, at=datetime(2026, 11, 10, tzinfo=UTC))
    assert [w.label for w in early] == ["2026-W45", "2026-W46"]


def training_report(*, session: Session, program: Program) -> list[dict[str, Any]]:
    """A stand-in for another engineer's ``*_report``: plain rows."""
    assert isinstance(session, Session) and program.name
    return [{"person": "Ada", "attended": 0.9}, {"person": "Bo", "attended": 0.8}]


def red_flags_report(*, session: Session, program: Program, at: datetime) -> dict[str, Sequence[Any]]:
    return {"rows": [], "summary": ["No red flag raised."]}


def test_via_wires_another_modules_report_in_one_line(
    sessions: sessionmaker[Session], program: Program
) -> None:
    sections = (
        ReportSection("training", "Training", via(training_report)),
        ReportSection("red_flags", "Red flags", via(red_flags_report)),
        ReportSection("later", "Later", unrecorded("arrives in 2027")),
    )
    report = build_report(sessions=sessions, program=program, at=AT, sections=sections)
    training, flags, later = (s.result for s in report.sections)
    assert training.columns == ("person", "attended") and len(training.rows) == 2
    assert training.summary == ("2 rows.",) and training.unavailable is None
    assert flags.rows == () and flags.summary == ("No red flag raised.",)
    assert later.unavailable == "arrives in 2027"


def test_only_pms_and_admins_may_share_it(sessions: sessionmaker[Session], program: Program) -> None:
    load_roster(sessions, AT)
    for user in ("U0LEAD", "U0MENTOR", "U0ENG1", "U0NOBODY"):
        with pytest.raises(Forbidden, match="Only the program's PMs and admins"):
            share_report(sessions=sessions, program=program, clock=FixedClock(AT), slack_user_id=user)
    first = share_report(sessions=sessions, program=program, clock=FixedClock(AT), slack_user_id="U0PM")
    again = share_report(sessions=sessions, program=program, clock=FixedClock(AT), slack_user_id="U0PM")
    assert (first.created, again.created, first.channel) == (True, False, "C0CBPMDIGST")
