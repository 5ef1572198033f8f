"""The weekly survey: open it (DM button, App Home, `/casebook survey`) and submit it."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, PlainTextObject
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.people import PersonView, find_by_slack_id
from bot.domain.surveys import (
    ALREADY,
    COMMENT_FIELD,
    check_week,
    get_response,
    submit_survey,
    validate_survey,
)
from bot.domain.timezones import local_today
from bot.domain.vocab import ENGINEERS
from bot.domain.weeks import iso_week
from bot.slack.blocks.common import section
from bot.slack.blocks.survey import survey_modal, survey_thanks_view
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback, survey_block
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, SurveyValue
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import SERVER_ERROR, reply_error, user_id_of

log = logging.getLogger(__name__)
SAVE_FAILED = "Something went wrong and nothing was saved. Please try again."


def open_survey(deps: Deps, *, user_id: str, trigger_id: str, week: str | None) -> None:
    """Open the survey modal for ``week`` (default: this week where the person is), pre-filled."""
    program = deps.program
    with transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=user_id)
        if person is None or person.status != "active" or not (person.role_names & ENGINEERS):
            raise DomainError("The weekly survey is for engineers in the program.")
        today = local_today(person, program.timezone, deps.clock.now())
        week = week or iso_week(today)
        check_week(week=week, today=today)
        if get_response(session=session, person_id=person.id, week=week) is not None:
            raise DomainError(ALREADY.format(week=week))  # answers are kept apart: nothing to pre-fill
    view = survey_modal(
        week=week, questions=program.survey.questions, minimum=program.thresholds.survey_anonymity_min
    )
    deps.client.views_open(trigger_id=trigger_id, view=view.to_dict())


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "survey",
            "survey",
            "answer this week's survey",
            handler=lambda ctx: _command(deps, ctx),
            roles=ENGINEERS,
        )
    )
    deps.add_home_section(60, lambda s, p, now: home_section(deps, s, p, now))

    def _open(ack: Ack, body: dict[str, Any], respond: Respond, week_from_value: bool) -> None:
        ack()
        try:
            week = None
            if week_from_value:
                raw = (body.get("actions") or [{}])[0].get("value")
                week = SurveyValue.load(raw).week
            open_survey(deps, user_id=user_id_of(body), trigger_id=str(body.get("trigger_id", "")), week=week)
        except BadMetadata:
            reply_error(respond, "That button is no longer valid; use `/casebook survey`.")
        except DomainError as exc:
            reply_error(respond, str(exc))
        except Exception:
            log.exception("opening the survey failed")
            reply_error(respond, SERVER_ERROR)

    @app.action(Action.SURVEY_OPEN)
    def survey_open(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        _open(ack, body, respond, True)

    @app.action(Action.HOME_SURVEY)
    def home_survey(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        _open(ack, body, respond, False)

    @app.view(Callback.SURVEY)
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        questions = deps.program.survey.questions
        values = read_values(view)
        answers = {q.id: values.get(survey_block(q.id)) for q in questions}
        parsed, errors = validate_survey(
            questions=questions, values=answers, comment=values.get(B.SURVEY_COMMENT)
        )
        if parsed is None:
            ack(
                response_action="errors",
                errors={
                    B.SURVEY_COMMENT if k == COMMENT_FIELD else survey_block(k): v for k, v in errors.items()
                },
            )
            return
        first = survey_block(questions[0].id)
        try:
            week = SurveyValue.load(view.get("private_metadata")).week
            replaced = _save(deps, user_id_of(body), week, parsed)
        except (DomainError, BadMetadata) as exc:
            ack(
                response_action="errors",
                errors={first: str(exc) if isinstance(exc, DomainError) else SAVE_FAILED},
            )
            return
        except Exception:
            log.exception("survey submission failed")  # never log the answers themselves
            ack(response_action="errors", errors={first: SAVE_FAILED})
            return
        ack(response_action="update", view=survey_thanks_view(week=week, replaced=replaced).to_dict())


def _save(deps: Deps, user_id: str, week: str, parsed: Any) -> bool:
    """Store the answers before acknowledging, so a failure shows in the modal instead of vanishing."""
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=user_id)
        if person is None or person.status != "active":
            raise DomainError("The weekly survey is for engineers in the program.")
        check_week(week=week, today=local_today(person, deps.program.timezone, now))
        done = submit_survey(
            session=session,
            now=now,
            person=person,
            week=week,
            questions=deps.program.survey.questions,
            submitted=parsed,
            minimum=deps.program.thresholds.survey_anonymity_min,
        )
        return done.replaced


def _command(deps: Deps, ctx: CommandContext) -> None:
    open_survey(deps, user_id=ctx.person.slack_user_id, trigger_id=ctx.trigger_id, week=None)


def home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """App Home: this week's survey status and a button, for engineers."""
    if not person.has_any(ENGINEERS):
        return []
    record = find_by_slack_id(session=session, slack_user_id=person.slack_user_id)
    if record is None:
        return []
    week = iso_week(local_today(record, deps.program.timezone, now))
    done = get_response(session=session, person_id=record.id, week=week) is not None
    if done:
        return [section(f"*Weekly survey {week}*: :white_check_mark: answered, thank you")]
    return [
        section(f"*Weekly survey {week}*: not answered yet"),
        ActionsBlock(
            elements=[
                ButtonElement(
                    action_id=Action.HOME_SURVEY,
                    text=PlainTextObject(text="Answer the survey"),
                    value=SurveyValue(week=week).dump(),
                )
            ]
        ),
    ]
