"""The post-switchover survey's role groups: answers filed per group, means only when both are safe."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain import post_survey as ps
from bot.domain.people import upsert_person
from bot.domain.surveys import SurveyAnswers, submit_survey
from bot.program import Program

NOW = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
WEEK = "2026-W48"


def _answer(
    sessions: sessionmaker[Session], program: Program, uid: str, roles: list[str], level: int
) -> None:
    with transaction(sessions) as session:
        person = upsert_person(
            session=session,
            now=NOW,
            actor="t",
            slack_user_id=uid,
            name=uid,
            email=None,
            roles=roles,
            timezone=None,
        )
        submit_survey(
            session=session,
            now=NOW,
            person=person,
            week=WEEK,
            questions=ps.questions(program),
            submitted=SurveyAnswers({q.id: level for q in ps.questions(program)}, None),
            minimum=program.thresholds.survey_anonymity_min,
            survey=ps.SURVEY,
            answers_as=ps.answers_under(ps.group_of(person.role_names)),
        )


def _groups(sessions: sessionmaker[Session], program: Program) -> ps.SurveyByGroup:
    with transaction(sessions) as session:
        return ps.survey_by_group(session=session, program=program, week=WEEK)


def test_groups() -> None:
    assert ps.group_of({"engineer"}) == "engineers"
    assert ps.group_of({"engineer", "pilot"}) == ps.group_of({"mentor"}) == ps.group_of({"lead"}) == "leads"


def test_means_only_when_every_group_has_the_minimum(
    sessions: sessionmaker[Session], program: Program
) -> None:
    for n, level in enumerate((5, 5, 5, 4)):
        _answer(sessions, program, f"U0E{n}", ["engineer"], level)
    _answer(sessions, program, "U0L1", ["lead"], 2)
    _answer(sessions, program, "U0L2", ["mentor"], 2)
    groups = _groups(sessions, program)
    assert not groups.shown
    assert groups.groups["engineers"].published == 3 and groups.groups["engineers"].respondents == 4
    assert groups.groups["engineers"].confidence_mean is None  # the leads' group is not safe yet
    assert groups.groups["leads"].respondents == 2 and groups.groups["leads"].published == 0
    _answer(sessions, program, "U0L3", ["engineer", "pilot"], 2)
    groups = _groups(sessions, program)
    assert groups.shown
    assert groups.groups["leads"].confidence_mean == 2.0 and groups.groups["leads"].satisfaction_mean == 2.0
    assert groups.groups["engineers"].confidence_mean == 5.0  # published groups only: the 4th waits

    with transaction(sessions) as session:
        overall = ps.post_survey_aggregate(session=session, program=program, week=WEEK)
    assert overall.responses == 6 and overall.question_means["confidence"] == 3.5  # (5+5+5+2+2+2)/6
