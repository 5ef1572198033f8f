"""Readiness assessment: `/casebook assess`, the App Home button, and the mentor's Sign off."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.people import PersonView, find_by_slack_id, get_view
from bot.domain.progress import sign_off_queue
from bot.domain.vocab import ENGINEERS, REVIEWERS
from bot.flows import assessment as assessment_flow
from bot.slack.blocks.assessment import started_blocks
from bot.slack.blocks.engineer_home import sign_off_home_blocks
from bot.slack.ids import Action
from bot.slack.listeners.home import publish_home
from bot.slack.listeners.practice import tell
from bot.slack.metadata import AssessmentValue, BadMetadata
from bot.slack.router import CommandContext, Subcommand
from bot.slack.util import SERVER_ERROR, reply, user_id_of

log = logging.getLogger(__name__)


def _assess(deps: Deps, ctx: CommandContext) -> None:
    outcome = assessment_flow.start(deps, person=ctx.person)
    threshold = deps.program.thresholds.assessment_pass
    blocks = started_blocks(size=outcome.size, threshold=threshold, resumed=outcome.resumed_at)
    reply(ctx.respond, blocks, "Readiness assessment")


def _sign_off_section(session: Session, person: PersonView, _now: datetime) -> list[Block]:
    if not person.has_any(REVIEWERS):
        return []
    signer = find_by_slack_id(session=session, slack_user_id=person.slack_user_id)
    assert signer is not None
    return sign_off_home_blocks(sign_off_queue(session=session, signer=signer))


def register(app: App, deps: Deps) -> None:
    deps.router.add(
        Subcommand(
            "assess",
            "assess",
            f"the readiness assessment ({deps.program.practice.assessment_size} scenarios)",
            handler=lambda ctx: _assess(deps, ctx),
            roles=ENGINEERS,
        )
    )
    deps.add_home_section(40, _sign_off_section)

    @app.action(Action.HOME_ASSESS)
    def on_home_assess(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        user_id = user_id_of(body)
        with transaction(deps.sessions) as session:
            person = get_view(session=session, slack_user_id=user_id)
        if person is None or not person.active or not person.has_any(ENGINEERS):
            tell(deps, body, respond, "The readiness assessment is for engineers and pilots.")
            return
        try:
            assessment_flow.start(deps, person=person)
        except DomainError as exc:
            tell(deps, body, respond, str(exc))
            return
        except Exception:
            log.exception("starting an assessment failed")
            tell(deps, body, respond, SERVER_ERROR)
            return
        publish_home(deps, user_id)

    @app.action(Action.SIGN_OFF)
    def on_sign_off(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        try:
            value = AssessmentValue.load(body["actions"][0].get("value"))
            _, signer = assessment_flow.sign_off(
                deps, user_id=user_id_of(body), assessment_id=value.assessment_id
            )
        except (DomainError, BadMetadata) as exc:
            tell(deps, body, respond, str(exc))
            return
        except Exception:
            log.exception("sign-off failed")
            tell(deps, body, respond, SERVER_ERROR)
            return
        if (body.get("container") or {}).get("type") == "view":
            # clicked on App Home: show it there now (the engineer's is rebuilt when opened)
            publish_home(deps, signer)
