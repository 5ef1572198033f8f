"""Role-design red flags: each fires on constructed data, stays quiet otherwise, and says
"not enough data" rather than firing on too little."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.attrition import mark_left
from bot.domain.digest import build_digest
from bot.domain.evidence import ReportScope
from bot.domain.evidence_policy import red_flags as build_red_flags
from bot.domain.patterns import decide_proposal, raise_proposals
from bot.domain.policy_feedback import FlagInput, RulePrefill, record_flag, set_status
from bot.domain.red_flags import (
    DEFAULT_SOURCES,
    FIRED,
    NOT_ENOUGH,
    QUESTIONS,
    QUIET,
    accepted_feedback,
    accepted_proposals,
    count_improvements,
    red_flags_report,
)
from bot.domain.survey_groups import grouped_satisfaction, record_group_answer
from bot.domain.weeks import week_of
from bot.program import Program
from bot.program_patterns import ProposalThresholds
from tests.helpers import load_roster
from tests.metrics_data import person
from tests.pattern_support import live

NOV_18 = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
DEC_14 = datetime(2026, 12, 14, 15, 0, tzinfo=UTC)  # six weeks in, November has ended
FLAG = FlagInput(
    "resource-tagging · require-cost-center", "When does the 72h window start?", "From approval."
)


def _check(sessions: sessionmaker[Session], program: Program, at: datetime, key: str):  # type: ignore[no-untyped-def]
    with transaction(sessions) as session:
        report = red_flags_report(session=session, program=program, at=at)
    return next(c for c in report.checks if c.key == key)


def _leave(sessions: sessionmaker[Session], slack_id: str, at: datetime) -> None:
    with transaction(sessions) as session:
        mark_left(
            session=session,
            now=at,
            actor="test",
            person=person(session, slack_id),
            left_at=at,
            reason="moved on",
        )


def test_turnover_fires_at_two_leavers(sessions: sessionmaker[Session], program: Program) -> None:
    load_roster(sessions, NOV_18 - timedelta(days=30))
    _leave(sessions, "U0ENG1", NOV_18 - timedelta(days=1))
    one = _check(sessions, program, NOV_18, "turnover")
    assert one.state == NOT_ENOUGH and "needs 28 days" in one.text  # 16 days in: no annualised rate yet
    _leave(sessions, "U0ENG2", NOV_18)
    two = _check(sessions, program, NOV_18, "turnover")
    assert (
        two.state == FIRED and "2 of 3 engineers left" in two.text and two.threshold.startswith("2 engineers")
    )


def test_turnover_annualised_fires_once_enough_days_passed_and_is_quiet_without_leavers(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, NOV_18 - timedelta(days=30))
    quiet = _check(sessions, program, DEC_14, "turnover")
    assert quiet.state == QUIET and "0 of 3" in quiet.text
    _leave(sessions, "U0PILOT", NOV_18)
    fired = _check(sessions, program, DEC_14, "turnover")
    assert fired.state == FIRED and "a year annualised" in fired.text  # 1 of 3 in 42 days is far over 20%


def test_turnover_before_the_program_is_not_enough_data(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, NOV_18)
    assert _check(sessions, program, datetime(2026, 10, 20, tzinfo=UTC), "turnover").state == NOT_ENOUGH


def _flag_and_accept(sessions: sessionmaker[Session], at: datetime, *, status: str = "accepted") -> None:
    with transaction(sessions) as session:
        item, _ = record_flag(
            session=session,
            now=at,
            author=person(session, "U0ENG1"),
            key=f"k{at}",
            source="command",
            flag=FLAG,
            prefill=RulePrefill(),
        )
        set_status(
            session=session, now=at, actor=person(session, "U0LEAD"), feedback_id=item.id, status="accepted"
        )
        if status != "accepted":
            set_status(
                session=session,
                now=at,
                actor=person(session, "U0LEAD"),
                feedback_id=item.id,
                status=status,
                reason="Already covered by the runbook's section 4.",
            )


def test_no_improvements_fires_for_a_lead_with_none_in_an_ended_month(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, NOV_18)
    early = _check(sessions, program, NOV_18, "no_improvements")
    assert early.state == NOT_ENOUGH  # November has not ended yet
    fired = _check(sessions, program, DEC_14, "no_improvements")
    assert fired.state == FIRED and "Lee Lead (November 2026: 0)" in fired.text


def test_a_lead_added_after_the_month_owes_nothing_for_it(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, DEC_14 - timedelta(days=3))
    assert _check(sessions, program, DEC_14, "no_improvements").state == NOT_ENOUGH


def test_no_improvements_quiet_with_accepted_or_done_feedback(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, NOV_18)
    _flag_and_accept(sessions, NOV_18, status="done")
    assert _check(sessions, program, DEC_14, "no_improvements").state == QUIET


def test_rejected_feedback_is_no_improvement(sessions: sessionmaker[Session], program: Program) -> None:
    load_roster(sessions, NOV_18)
    _flag_and_accept(sessions, NOV_18, status="rejected")
    assert _check(sessions, program, DEC_14, "no_improvements").state == FIRED


def test_improvements_count_extra_sources(sessions: sessionmaker[Session], program: Program) -> None:
    load_roster(sessions, NOV_18)
    with transaction(sessions) as session:
        lead = person(session, "U0LEAD").id

        def proposals(session: Session, start: datetime, end: datetime) -> list[tuple[int, datetime]]:
            return [(lead, NOV_18)] if start <= NOV_18 < end else []

        start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
        assert count_improvements(session=session, start=start, end=end, sources=(proposals,)) == {lead: 1}
        report = red_flags_report(session=session, program=program, at=DEC_14, sources=(proposals,))
    assert next(c for c in report.checks if c.key == "no_improvements").state == QUIET


def _answers(
    sessions: sessionmaker[Session], roles: frozenset[str], levels: list[int], week: str, program: Program
) -> None:
    with transaction(sessions) as session:
        for level in levels:
            record_group_answer(
                session=session,
                roles=roles,
                week=week,
                questions=program.survey.questions,
                answers={"clarity": level, "support": level, "confidence": 1},
                minimum=3,
            )


def test_satisfaction_gap_fires_quiet_and_needs_each_group(
    sessions: sessionmaker[Session], program: Program
) -> None:
    week = week_of(NOV_18, program.tz).label
    pilots, others = frozenset({"engineer", "pilot"}), frozenset({"engineer"})
    _answers(sessions, pilots, [5, 5], week, program)
    _answers(sessions, others, [2, 2, 2], week, program)
    short = _check(sessions, program, NOV_18, "satisfaction_gap")
    assert short.state == NOT_ENOUGH and "needs 3" in short.text  # two pilots: no mean for them
    _answers(sessions, pilots, [5], week, program)
    fired = _check(sessions, program, NOV_18, "satisfaction_gap")
    assert (
        fired.state == FIRED
        and "5.00" in fired.text
        and "2.00" in fired.text
        and "everyone else lower" in fired.text
    )


def test_satisfaction_gap_quiet_when_close_and_groups_publish_in_batches(
    sessions: sessionmaker[Session], program: Program
) -> None:
    week = week_of(NOV_18, program.tz).label
    _answers(sessions, frozenset({"lead"}), [4, 4, 4, 1], week, program)
    _answers(sessions, frozenset({"engineer"}), [4, 4, 3], week, program)
    with transaction(sessions) as session:
        groups = grouped_satisfaction(session=session, week=week, minimum=3)
    assert groups["pilots_leads"].responses == 3 and groups["pilots_leads"].mean == 4.0  # the 4th waits
    quiet = _check(sessions, program, NOV_18, "satisfaction_gap")
    assert quiet.state == QUIET and "No satisfaction gap" in quiet.text


def test_questions_cover_the_rest_of_part_6() -> None:
    signals = {q.signal for q in QUESTIONS}
    assert "2.0 engineers still doing task execution" in signals
    assert "2.0 engineers frustrated with coding expectations" in signals
    assert all(q.question.endswith("?") and q.why for q in QUESTIONS)


def test_digest_carries_the_fired_role_design_flags(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, NOV_18 - timedelta(days=30))
    _leave(sessions, "U0ENG1", NOV_18)
    _leave(sessions, "U0ENG2", NOV_18)
    with transaction(sessions) as session:
        digest = build_digest(session=session, program=program, week=week_of(NOV_18, program.tz), at=NOV_18)
        quiet_keys = {f.key for f in digest.red_flags}
    assert (
        "turnover" in quiet_keys
        and "no_improvements" not in quiet_keys
        and "satisfaction_gap" not in quiet_keys
    )


def _proposal(sessions: sessionmaker[Session], *, accept: bool) -> None:
    """Three same-conditions approvals under one rule raise a standing proposal; the lead decides it."""
    for i in range(3):
        live(sessions, now=NOV_18 - timedelta(days=i + 1), title=f"namespace {i}")
    limits = ProposalThresholds(min_approvals=3, window_weeks=3, max_overturns=0)
    with transaction(sessions) as session:
        [raised] = raise_proposals(session=session, now=NOV_18, period="2026-W47", limits=limits)
        decide_proposal(
            session=session, now=NOV_18, proposal_id=raised.id, lead=person(session, "U0LEAD"), accept=accept
        )


def test_an_accepted_pattern_proposal_is_a_documented_improvement_on_home_digest_and_report(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, NOV_18 - timedelta(days=30))
    _proposal(sessions, accept=True)
    assert (accepted_feedback, accepted_proposals) == DEFAULT_SOURCES  # PM Home, digest and report use these
    check = _check(sessions, program, DEC_14, "no_improvements")
    assert check.state == QUIET and "exception-pattern proposals" in check.source
    with transaction(sessions) as session:
        lead = person(session, "U0LEAD").id
        november = count_improvements(
            session=session, start=datetime(2026, 11, 1, tzinfo=UTC), end=datetime(2026, 12, 1, tzinfo=UTC)
        )
        digest = build_digest(session=session, program=program, week=week_of(DEC_14, program.tz), at=DEC_14)
        built = build_red_flags(ReportScope(session=session, program=program, weeks=(), at=DEC_14))
    assert november == {lead: 1}
    assert "no_improvements" not in {f.key for f in digest.red_flags}
    row = next(r for r in built.rows if r["signal"] == "No process improvements documented")
    assert row["state"] == "quiet"


def test_a_dismissed_pattern_proposal_is_no_improvement(
    sessions: sessionmaker[Session], program: Program
) -> None:
    load_roster(sessions, NOV_18 - timedelta(days=30))
    _proposal(sessions, accept=False)
    fired = _check(sessions, program, DEC_14, "no_improvements")
    assert fired.state == FIRED and "Lee Lead (November 2026: 0)" in fired.text
    with transaction(sessions) as session:
        digest = build_digest(session=session, program=program, week=week_of(DEC_14, program.tz), at=DEC_14)
    assert "no_improvements" in {f.key for f in digest.red_flags}
