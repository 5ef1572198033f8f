"""Issue 13: each phase judges its cohort (pilots in the parallel run, every engineer in the switchover)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import Casebook
from bot.db.engine import transaction
from bot.domain.attrition import mark_left
from bot.domain.metrics import compute_scorecard
from bot.domain.vocab import Cohort
from bot.domain.weeks import parse_week
from bot.program import Phase, PhaseWindow
from bot.sandbox.simulator import Simulator
from tests.helpers import load_roster, reply_to, texts
from tests.metrics_data import decide, person

ROSTER_AT = datetime(2026, 11, 1, tzinfo=UTC)
W48_MON = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_a_non_pilot_engineers_escalations_do_not_move_the_week_11_handling_rate(
    casebook: Casebook, slack: Simulator, fake, clock
) -> None:
    load_roster(casebook.deps.sessions, ROSTER_AT)
    with transaction(casebook.deps.sessions) as session:
        for i in range(5):
            decide(session, "U0PILOT", verdict="approve", at=clock.now() - timedelta(minutes=i))
    before = texts(reply_to(slack, fake, "U0PM", "metrics")["blocks"])
    with transaction(casebook.deps.sessions) as session:
        for i in range(5):
            decide(session, "U0ENG1", verdict="escalate", at=clock.now() - timedelta(minutes=i))
    after = texts(reply_to(slack, fake, "U0PM", "metrics")["blocks"])
    for body in (before, after):
        assert "*Handling rate* 100% (target &gt; 70%) · pass" in body
        assert "5 of 5 live decisions handled without escalation" in body
        assert "Week-11 metrics: the pilots (1 person)." in body


def test_the_switchover_judges_every_engineer_and_a_leaver_leaves_the_denominator(sessions, program) -> None:
    load_roster(sessions, ROSTER_AT)
    week = parse_week("2026-W48", program.tz)
    with transaction(sessions) as session:
        for uid in ("U0ENG1", "U0PILOT"):
            decide(session, uid, at=W48_MON)
        mark_left(
            session=session,
            now=W48_MON + timedelta(days=2),
            actor="U0ADMIN",
            person=person(session, "U0ENG2"),
            left_at=W48_MON + timedelta(days=2),
            reason="moved team",
        )
    with transaction(sessions) as session:
        card = compute_scorecard(session=session, program=program, week=week)
    adoption = card.metric("adoption")
    assert (adoption.value, adoption.detail) == (1.0, "2 of 2 engineers logged a live decision")
    assert card.week12_cohort == (Cohort.ENGINEERS, 2)
    assert card.cohort == (Cohort.PILOTS, 1)
    with transaction(sessions) as session:
        before = compute_scorecard(session=session, program=program, week=parse_week("2026-W47", program.tz))
    assert before.week12_cohort == (Cohort.ENGINEERS, 3)  # the week before they left, they counted


def test_the_program_file_chooses_the_cohort(sessions, program) -> None:
    load_roster(sessions, ROSTER_AT)
    at = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
    with transaction(sessions) as session:
        decide(session, "U0PILOT", verdict="approve", at=at)
        decide(session, "U0ENG1", verdict="escalate", at=at)
    phases = [
        PhaseWindow(name=w.name, start=w.start, end=w.end, cohort=Cohort.ENGINEERS)
        if w.name is Phase.PARALLEL_RUN
        else w
        for w in program.phases
    ]
    everyone = program.model_copy(update={"phases": phases})
    assert everyone.cohort(Phase.PARALLEL_RUN) is Cohort.ENGINEERS
    assert program.cohort(Phase.PARALLEL_RUN) is Cohort.PILOTS
    week = parse_week("2026-W47", program.tz)
    with transaction(sessions) as session:
        pilots = compute_scorecard(session=session, program=program, week=week)
        engineers = compute_scorecard(session=session, program=everyone, week=week)
    assert pilots.facts.live.total == 1 and engineers.facts.live.total == 2
    assert engineers.cohort == (Cohort.ENGINEERS, 3)


def test_a_phase_cohort_is_read_from_the_program_file() -> None:
    from pathlib import Path

    from bot.program import ConfigError, parse_program

    text = Path("program.example.yaml").read_text()
    line = "  - {name: parallel_run, start: 2026-11-16, end: 2026-11-20}"
    assert line in text
    chosen = parse_program(text.replace(line, line[:-1] + ", cohort: engineers}"), source="p.yaml")
    assert chosen.cohort(Phase.PARALLEL_RUN) is Cohort.ENGINEERS
    try:
        parse_program(text.replace(line, line[:-1] + ", cohort: mentors}"), source="p.yaml")
    except ConfigError as exc:
        assert "cohort" in str(exc)
    else:
        raise AssertionError("an unknown cohort must be refused")
