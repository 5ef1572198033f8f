"""The weekly survey: open its form, submit it, its App Home section, and what the survey jobs send.

A survey is answered once per ISO week, by active engineers and pilots, for this week or
the one before; answers are kept apart from who gave them, so they are never pre-filled or
changed. They are stored before the modal is acknowledged, so a failure shows in the modal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.db.models import Person
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.people import PersonView, active_with_role, find_by_slack_id
from bot.domain.survey_groups import record_group_answer
from bot.domain.surveys import ALREADY, SurveyAnswers, check_week, get_response, submit_survey
from bot.domain.timezones import local_today
from bot.domain.vocab import ENGINEERS
from bot.domain.weeks import iso_week
from bot.program import Program
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.survey import (
    survey_dm_blocks,
    survey_home_blocks,
    survey_modal,
    survey_reminder_blocks,
    survey_thanks_view,
)

NOT_FOR_YOU = "The weekly survey is for engineers in the program."


def _respondent(session: Session, slack_user_id: str) -> Person:
    return active_with_role(
        session=session, slack_user_id=slack_user_id, roles=ENGINEERS, refusal=NOT_FOR_YOU
    )


def survey_form(*, deps: Deps, slack_user_id: str, week: str | None) -> View:
    """The survey modal for ``week`` (default: this week where the person is), if not answered yet."""
    program = deps.program
    with transaction(deps.sessions) as session:
        person = _respondent(session, slack_user_id)
        today = local_today(person, program.timezone, deps.clock.now())
        week = week or iso_week(today)
        check_week(week=week, today=today)
        if get_response(session=session, person_id=person.id, week=week) is not None:
            raise DomainError(ALREADY.format(week=week))  # answers are kept apart: nothing to pre-fill
    return survey_modal(
        week=week, questions=program.survey.questions, minimum=program.thresholds.survey_anonymity_min
    )


def submit_answers(*, deps: Deps, slack_user_id: str, week: str, answers: SurveyAnswers) -> View:
    """Store someone's answers for ``week`` (replacing earlier ones); returns the thank-you view."""
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        person = _respondent(session, slack_user_id)
        check_week(week=week, today=local_today(person, deps.program.timezone, now))
        done = submit_survey(
            session=session,
            now=now,
            person=person,
            week=week,
            questions=deps.program.survey.questions,
            submitted=answers,
            minimum=deps.program.thresholds.survey_anonymity_min,
        )
        record_group_answer(  # the satisfaction-gap red flag's grouped, anonymous copy
            session=session,
            roles=person.role_names,
            week=week,
            questions=deps.program.survey.questions,
            answers=answers.answers,
            minimum=deps.program.thresholds.survey_anonymity_min,
        )
        replaced = done.replaced
    return survey_thanks_view(week=week, replaced=replaced)


def survey_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """App Home: this week's survey for an engineer, answered or not (nothing for anyone else)."""
    if not person.has_any(ENGINEERS):
        return []
    record = find_by_slack_id(session=session, slack_user_id=person.slack_user_id)
    if record is None:
        return []
    week = iso_week(local_today(record, deps.program.timezone, now))
    answered = get_response(session=session, person_id=record.id, week=week) is not None
    return survey_home_blocks(week=week, answered=answered)


def survey_dm(*, program: Program, channel: str, week: str) -> dict[str, Any]:
    """The Friday survey DM for ``week``."""
    questions = len(program.survey.questions)
    minimum = program.thresholds.survey_anonymity_min
    return {
        "channel": channel,
        "text": f"Weekly survey {week}: {questions} quick questions",
        "blocks": to_dicts(survey_dm_blocks(week=week, questions=questions, minimum=minimum)),
    }


def survey_reminder(*, program: Program, channel: str, week: str) -> dict[str, Any]:
    """The one reminder to someone who has not answered ``week`` yet."""
    minimum = program.thresholds.survey_anonymity_min
    return {
        "channel": channel,
        "text": f"Reminder: the weekly survey {week} closes at the end of today",
        "blocks": to_dicts(survey_reminder_blocks(week=week, minimum=minimum)),
    }
