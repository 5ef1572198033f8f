"""The post-switchover survey: open its form, submit it, and its DM.

Engineers, mentors and leads answer it once, in its week or the week after. Answers are
stored apart from who gave them (``bot.domain.surveys``), filed under the person's role
group (``bot.domain.post_survey``), so nothing can be pre-filled or changed.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.db.models import Person
from bot.deps import Deps
from bot.domain import post_survey as ps
from bot.domain.errors import DomainError
from bot.domain.people import active_with_role
from bot.domain.surveys import ALREADY, SurveyAnswers, check_week, get_response, submit_survey
from bot.domain.timezones import local_today
from bot.domain.weeks import iso_week
from bot.program import Program
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.post_survey import TITLE, post_survey_dm_blocks
from bot.slack.blocks.survey import survey_modal
from bot.slack.ids import Callback

NOT_FOR_YOU = "The post-switchover survey is for the program's engineers, mentors and leads."


def _respondent(session: Session, slack_user_id: str) -> Person:
    return active_with_role(
        session=session, slack_user_id=slack_user_id, roles=ps.RESPONDENTS, refusal=NOT_FOR_YOU
    )


def _check(program: Program, person: Person, week: str, now: Any) -> None:
    survey_week = iso_week(program.voices.post_survey.date(program.start_date))
    if week != survey_week:
        raise DomainError(f"The post-switchover survey is for {survey_week}, not {week}.")
    check_week(week=week, today=local_today(person, program.timezone, now))


def post_survey_form(*, deps: Deps, slack_user_id: str, week: str) -> View:
    """The survey's form for ``week``, unless this person answered it already."""
    program = deps.program
    with transaction(deps.sessions) as session:
        person = _respondent(session, slack_user_id)
        _check(program, person, week, deps.clock.now())
        if get_response(session=session, person_id=person.id, week=week, survey=ps.SURVEY) is not None:
            raise DomainError(ALREADY.format(week=week))
    return survey_modal(
        week=week,
        questions=ps.questions(program),
        minimum=program.thresholds.survey_anonymity_min,
        callback_id=Callback.POST_SURVEY,
        title=TITLE,
    )


def submit_post_answers(*, deps: Deps, slack_user_id: str, week: str, answers: SurveyAnswers) -> None:
    """Store that this person answered and, apart, their answers under their role group."""
    now = deps.clock.now()
    program = deps.program
    with transaction(deps.sessions) as session:
        person = _respondent(session, slack_user_id)
        _check(program, person, week, now)
        submit_survey(
            session=session,
            now=now,
            person=person,
            week=week,
            questions=ps.questions(program),
            submitted=answers,
            minimum=program.thresholds.survey_anonymity_min,
            survey=ps.SURVEY,
            answers_as=ps.answers_under(ps.group_of(person.role_names)),
        )


def post_survey_dm(*, program: Program, channel: str, week: str) -> dict[str, Any]:
    """The post-switchover survey DM for ``week``."""
    questions = len(program.voices.post_survey.questions)
    minimum = program.thresholds.survey_anonymity_min
    return {
        "channel": channel,
        "text": f"{TITLE} {week}: {questions} quick statements",
        "blocks": to_dicts(post_survey_dm_blocks(week=week, questions=questions, minimum=minimum)),
    }
