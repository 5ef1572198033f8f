"""Uphold / Overturn on review posts, the verdict modal, and the reviewer's App Home queue.

Permission is checked on the click (so nobody gets a form they cannot submit) and again,
authoritatively, when the verdict is recorded (bot.flows.reviews) from the inbox, after the
form's pure checks have answered. A refusal then (someone else's verdict stood first) comes
by DM. When the verdict cannot even be stored, the modal stays open saying nothing was saved.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.deps import Deps
from bot.domain.blind_access import BLIND_ONLY
from bot.domain.errors import DomainError
from bot.domain.overturn_reasons import check_parts
from bot.domain.reviews import AlreadyReviewed, BlindAlready, ReviewPostData, check_review_input
from bot.flows.patterns import precedents_for_review
from bot.flows.reviews import open_review, review_home_section, submit_review
from bot.slack.blocks.common import esc, section
from bot.slack.blocks.log_modal import notice_view
from bot.slack.blocks.patterns import precedent_blocks
from bot.slack.blocks.review import STATUS_EMOJI, slack_date
from bot.slack.blocks.review_modal import WEAK_REASONING, review_modal
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.listeners.home import publish_home
from bot.slack.metadata import BadMetadata, DecisionValue, ReviewMeta
from bot.slack.middleware import ack_now, ack_stored, deps_of, refuse, replies_on_error
from bot.slack.util import reply, reply_error, user_id_of

log = logging.getLogger(__name__)
SAVE_FAILED = "Couldn't save your verdict just now and nothing was recorded. Press the button again."
VERDICT_OF = {Action.REVIEW_UPHOLD: "uphold", Action.REVIEW_OVERTURN: "overturn"}


@replies_on_error("review click")
def on_click(body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Uphold / Overturn: open the verdict form for a reviewer who may still review."""
    try:
        value = DecisionValue.load(action.get("value"))
        data = open_review(
            deps=deps_of(context), reviewer_slack_id=user_id_of(body), decision_id=value.decision_id
        )
    except AlreadyReviewed as exc:
        reply(respond, [section(already_text(exc))], esc(str(exc)))
        return
    except (DomainError, BadMetadata) as exc:
        reply_error(respond, str(exc))
        return
    container = body.get("container") or {}
    verdict = VERDICT_OF[Action(action["action_id"])]
    channel, ts = container.get("channel_id"), container.get("message_ts")
    meta = ReviewMeta(decision_id=value.decision_id, verdict=verdict, channel=channel, message_ts=ts)
    try:
        view = review_modal(data=data, meta=meta, precedents=review_precedents(deps_of(context), data))
        deps_of(context).client.views_open(trigger_id=str(body.get("trigger_id", "")), view=view.to_dict())
    except SlackApiError as exc:
        log.warning("review form did not open: %s", exc)
        reply_error(respond, "Slack didn't let me open the form in time; press the button again.")


def review_precedents(deps: Deps, data: ReviewPostData) -> list[Block]:
    """Live decisions only: the closest past live decisions (issue 18); practice shows none."""
    if data.kind != "live":
        return []
    found = precedents_for_review(deps=deps, decision_id=data.decision_id)
    return precedent_blocks(found, title="Precedents: past live decisions like this one")


def on_submit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The verdict form's ack: what to fix inline (pure checks), else stored for :func:`record`."""
    values = read_values(view)
    try:
        meta = ReviewMeta.load(view.get("private_metadata"))
    except BadMetadata as exc:
        refuse(context)
        ack(response_action="update", view=notice_view(title="Can't review this", text=esc(str(exc))))
        return
    weak = WEAK_REASONING in (values.get(B.WEAK_REASONING) or ())
    errors = check_review_input(  # whether the decision is live is the database's: checked in record
        verdict=meta.verdict,
        comment=values.get(B.COMMENT),
        suggested_verdict=values.get(B.SUGGESTED_VERDICT),
        weak_reasoning=weak,
    )
    errors |= check_parts(verdict=meta.verdict, weak_reasoning=weak, parts=values.get(B.FAILED_PARTS))
    if errors:
        fields = (B.COMMENT, B.SUGGESTED_VERDICT, B.WEAK_REASONING, B.FAILED_PARTS)
        ack(response_action="errors", errors={k if k in fields else B.COMMENT: v for k, v in errors.items()})
        return
    ack_stored(ack, context, block_id=B.COMMENT, failed=SAVE_FAILED)


@replies_on_error("saving a review")
def record(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """After the ack, from the inbox: record and announce the verdict; a late one hears who was first."""
    deps = deps_of(context)
    values = read_values(view)
    meta = ReviewMeta.load(view.get("private_metadata"))
    reviewer = user_id_of(body)
    try:
        submit_review(
            deps=deps,
            reviewer_slack_id=reviewer,
            decision_id=meta.decision_id,
            verdict=meta.verdict,
            comment=values.get(B.COMMENT),
            suggested_verdict=values.get(B.SUGGESTED_VERDICT),
            weak_reasoning=values.get(B.WEAK_REASONING),
            failed_parts=values.get(B.FAILED_PARTS),
        )
    except AlreadyReviewed as exc:
        # Sent straight away rather than through the outbox: the mention must stay a mention,
        # and a repeat after a crash only repeats this note.
        text = already_text(exc)
        deps.client.chat_postMessage(channel=reviewer, text=text, blocks=[section(text).to_dict()])
        return
    if meta.channel is None:  # reviewed from App Home: show the queue without this decision
        publish_home(deps, reviewer)


def already_text(exc: AlreadyReviewed) -> str:
    """`Already upheld by @mo on <date>`: the first verdict stands."""
    if isinstance(exc, BlindAlready):
        return BLIND_ONLY
    status = "upheld" if exc.verdict == "uphold" else "overturned"
    who = f"<@{exc.reviewer_slack_id}>" if exc.reviewer_slack_id else esc(exc.reviewer_name)
    return (
        f"{STATUS_EMOJI.get(status, '')} Already *{status}* by {who}, {slack_date(exc.at)}. "
        "The first verdict stands; add your view in the thread."
    )


def register(app: App, deps: Deps) -> None:
    """The reviewer's Home section, the two buttons and the verdict form."""
    deps.add_home_section(30, partial(review_home_section, deps))
    app.action(Action.REVIEW_UPHOLD)(ack=ack_now, lazy=[on_click])
    app.action(Action.REVIEW_OVERTURN)(ack=ack_now, lazy=[on_click])
    app.view(Callback.REVIEW)(ack=on_submit, lazy=[record])
    app.action(Action.OPEN_LINK)(ack_link)  # nothing to do but ack: no work is stored


def ack_link(ack: Ack) -> None:
    """A URL button (*Open* on the Home queue) still sends an action: Slack only wants the ack."""
    ack()
