"""Survey storage and anonymous aggregates (what the metrics and digest read)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.errors import DomainError
from bot.domain.people import upsert_person
from bot.domain.surveys import SurveyAnswers, aggregate, check_week, submit_survey, validate_survey
from bot.program import Program

NOW = datetime(2026, 11, 20, 21, 0, tzinfo=UTC)


def _submit(
    sessions: sessionmaker[Session], program: Program, uid: str, level: int, comment: str | None
) -> None:
    with transaction(sessions) as session:
        person = upsert_person(
            session=session,
            now=NOW,
            actor="test",
            slack_user_id=uid,
            name=f"Person {uid}",
            email=None,
            roles=["engineer"],
            timezone=None,
        )
        answers = {q.id: level for q in program.survey.questions}
        submit_survey(
            session=session,
            now=NOW,
            person=person,
            week="2026-W47",
            questions=program.survey.questions,
            submitted=SurveyAnswers(answers, comment),
            minimum=program.thresholds.survey_anonymity_min,
        )


def test_aggregates_stay_hidden_below_the_anonymity_threshold(sessions, program: Program) -> None:
    _submit(sessions, program, "U0A", 5, "Loved the office hours")
    _submit(sessions, program, "U0B", 3, None)
    with transaction(sessions) as session:
        hidden = aggregate(session=session, week="2026-W47", minimum=3)
    assert hidden.suppressed and hidden.responses == 2
    assert hidden.question_means == {} and hidden.comments == () and hidden.satisfaction_mean is None

    _submit(sessions, program, "U0C", 1, "  Too many pages at night ")
    with transaction(sessions) as session:
        shown = aggregate(session=session, week="2026-W47", minimum=3)
    assert not shown.suppressed and shown.responses == 3
    assert shown.satisfaction_mean == 3.0 and shown.confidence_mean == 3.0
    assert shown.question_means["clarity"] == 3.0
    assert shown.comments == ("Loved the office hours", "Too many pages at night")  # sorted, no names
    assert not any("Person" in c or "U0" in c for c in shown.comments)


def test_validation_names_each_problem(program: Program) -> None:
    questions = program.survey.questions
    parsed, errors = validate_survey(
        questions=questions, values={"clarity": "6", "support": "x"}, comment="y" * 2001
    )
    assert parsed is None
    assert set(errors) == {q.id for q in questions} | {"comment"}
    parsed, errors = validate_survey(questions=questions, values={q.id: "3" for q in questions}, comment="  ")
    assert errors == {} and parsed is not None and parsed.comment is None


def test_only_this_and_last_week_can_be_answered() -> None:
    today = datetime(2026, 11, 23).date()  # Monday of W48
    check_week(week="2026-W48", today=today)
    check_week(week="2026-W47", today=today)
    with pytest.raises(DomainError, match="closed"):
        check_week(week="2026-W46", today=today)
