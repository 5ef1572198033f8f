"""Uphold / Overturn on review posts, the verdict modal, and the reviewer's App Home queue.

Permission is checked on the click (so nobody gets a form they cannot submit) and
again, authoritatively, inside the transaction that records the verdict. The
verdict, the decision's new status, the audit event and every notification are
one transaction; when it fails the modal stays open saying nothing was saved.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.mentees import mentee_summaries
from bot.domain.people import PersonView
from bot.domain.reviews import (
    AlreadyReviewed,
    ReviewInputError,
    pending_queue,
    record_review,
    review_gate,
    review_post_data,
)
from bot.domain.vocab import QUEUE_ALL_ROLES, REVIEWERS
from bot.domain.weeks import week_label
from bot.flows.review_outbox import enqueue_verdict
from bot.slack.blocks.common import esc, section
from bot.slack.blocks.log_modal import notice_view
from bot.slack.blocks.mentor_home import QUEUE_SHOWN, mentee_blocks, review_queue_blocks
from bot.slack.blocks.review import STATUS_EMOJI, slack_date
from bot.slack.blocks.review_modal import review_modal
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.metadata import BadMetadata, DecisionValue, ReviewMeta
from bot.slack.util import SERVER_ERROR, reply, reply_error, user_id_of

log = logging.getLogger(__name__)
SAVE_FAILED = "Couldn't save your verdict just now and nothing was recorded. Press the button again."
VERDICT_OF = {Action.REVIEW_UPHOLD: "uphold", Action.REVIEW_OVERTURN: "overturn"}


def register(app: App, deps: Deps) -> None:
    deps.add_home_section(30, lambda session, person, now: _home_section(deps, session, person, now))

    @app.action(Action.REVIEW_UPHOLD)
    @app.action(Action.REVIEW_OVERTURN)
    def on_click(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        reviewer = user_id_of(body)
        try:
            value = DecisionValue.load(action.get("value"))
            with transaction(deps.sessions) as session:
                review_gate(session=session, decision_id=value.decision_id, reviewer_slack_id=reviewer)
                data = review_post_data(session=session, decision_id=value.decision_id)
        except AlreadyReviewed as exc:
            reply(respond, [section(already_text(exc))], esc(str(exc)))
            return
        except (DomainError, BadMetadata) as exc:
            reply_error(respond, str(exc))
            return
        except Exception:
            log.exception("review click failed")
            reply_error(respond, SERVER_ERROR)
            return
        container = body.get("container") or {}
        meta = ReviewMeta(
            decision_id=value.decision_id,
            verdict=VERDICT_OF[Action(action["action_id"])],
            channel=container.get("channel_id"),
            message_ts=container.get("message_ts"),
        )
        try:
            view = review_modal(data=data, meta=meta)
            deps.client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())
        except SlackApiError as exc:
            log.warning("review form did not open: %s", exc)
            reply_error(respond, "Slack didn't let me open the form in time; press the button again.")

    @app.view(Callback.REVIEW)
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        reviewer = user_id_of(body)
        values = read_values(view)
        try:
            meta = ReviewMeta.load(view.get("private_metadata"))
            with transaction(deps.sessions) as session:
                recorded = record_review(
                    session=session,
                    now=deps.clock.now(),
                    decision_id=meta.decision_id,
                    reviewer_slack_id=reviewer,
                    verdict=meta.verdict,
                    comment=values.get(B.COMMENT),
                    suggested_verdict=values.get(B.SUGGESTED_VERDICT),
                )
                enqueue_verdict(session=session, now=deps.clock.now(), recorded=recorded)
        except ReviewInputError as exc:
            errors = {
                k if k in (B.COMMENT, B.SUGGESTED_VERDICT) else B.COMMENT: v for k, v in exc.errors.items()
            }
            ack(response_action="errors", errors=errors)
            return
        except AlreadyReviewed as exc:
            ack(response_action="update", view=notice_view(title="Already reviewed", text=already_text(exc)))
            return
        except (DomainError, BadMetadata) as exc:
            ack(response_action="update", view=notice_view(title="Can't review this", text=esc(str(exc))))
            return
        except Exception:
            log.exception("review could not be saved")
            ack(response_action="errors", errors={B.COMMENT: SAVE_FAILED})
            return
        ack()
        deps.dispatcher.kick()


def already_text(exc: AlreadyReviewed) -> str:
    """`Already upheld by @mo on <date>`: the first verdict stands."""
    status = "upheld" if exc.verdict == "uphold" else "overturned"
    who = f"<@{exc.reviewer_slack_id}>" if exc.reviewer_slack_id else esc(exc.reviewer_name)
    return (
        f"{STATUS_EMOJI.get(status, '')} Already *{status}* by {who} on {slack_date(exc.at)}. "
        "The first verdict stands; add your view in the thread."
    )


def _home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    if not person.has_any(REVIEWERS):
        return []
    everyone = person.has_any(QUEUE_ALL_ROLES)
    items, total = pending_queue(
        session=session, reviewer_id=person.id, everyone=everyone, now=now, limit=QUEUE_SHOWN
    )
    sla = deps.program.thresholds.review_sla_hours
    blocks = review_queue_blocks(
        items=items, total=total, channel=deps.program.channels.review, everyone=everyone, sla_hours=sla
    )
    mentees = mentee_summaries(session=session, mentor_id=person.id, now=now, tz=deps.program.tz)
    return blocks + mentee_blocks(mentees=mentees, week=week_label(now, deps.program.tz))
