"""*Handle as exception* leaves a trace on the alert: a reply in its thread, and a warning to the next person.

When a decision logged from the shortcut is saved, a reply is queued in the alert's thread
("Ada Engineer is handling this as an exception: review post for #12"). It is a child of the
review post in the delivery ledger, so it goes out after the post, with the post's link
filled in at send time (``_parent: link``). The same ledger row, keyed by the alert, tells
the next person who opens the shortcut on that alert that someone already is.

The bot must be in the alert's channel to reply there; when it is not, the reply is
recorded as failed (``not_in_channel``) and nothing else changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.engine import read_transaction
from bot.db.models import Decision, Delivery, Person
from bot.deps import Deps
from bot.domain.deliveries import Enqueued, enqueue, find_delivery
from bot.slack.blocks.common import esc
from bot.slack.sending import LINK_TOKEN

ALERT_NOTE_JOB = "alert-handling"
_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def link_base(team_domain: str | None) -> str:
    """Where a message's archive link starts: the workspace's own domain when Slack told us it."""
    if team_domain and _DOMAIN.match(team_domain):
        return f"https://{team_domain}.slack.com/archives"
    return "https://slack.com/archives"


def _alert_key(message_ts: str) -> str:
    return f"alert:{message_ts}"


def enqueue_alert_note(
    *,
    session: Session,
    now: datetime,
    post: Delivery,
    channel: str,
    message_ts: str,
    handler: Person,
    decision_id: int,
    team_domain: str | None,
) -> Enqueued:
    """The reply in the alert's thread; once per alert (a second handler's decision adds none)."""
    text = (
        f":raising_hand: {esc(handler.name)} is handling this as an exception: "
        f"<{LINK_TOKEN}|review post for decision #{decision_id}>"
    )
    payload = {
        "channel": channel,
        "thread_ts": message_ts,
        "text": text,
        "unfurl_links": False,
        "_parent": "link",
        "_link_base": link_base(team_domain),
    }
    return enqueue(
        session=session,
        now=now,
        job=ALERT_NOTE_JOB,
        recipient=channel,
        period=_alert_key(message_ts),
        method="chat.postMessage",
        payload=payload,
        parent=post,
    )


@dataclass(frozen=True)
class Handling:
    """Someone already handling an alert as an exception: who, which decision, its review post."""

    name: str
    slack_user_id: str
    decision_id: int
    post_url: str | None  # None until the review post is in the channel


def who_is_handling(*, deps: Deps, channel: str, message_ts: str, team_domain: str | None) -> Handling | None:
    """Who logged a decision from this alert already, or None (read-only; no Slack call)."""
    if not channel or not message_ts:
        return None
    with read_transaction(deps.sessions) as session:
        note = find_delivery(
            session=session, job=ALERT_NOTE_JOB, period=_alert_key(message_ts), recipient=channel
        )
        post = session.get(Delivery, note.parent_id) if note is not None and note.parent_id else None
        if post is None or not post.period.startswith("decision:"):
            return None
        decision = session.get(Decision, int(post.period.split(":", 1)[1]))
        person = session.get(Person, decision.person_id) if decision is not None else None
        if decision is None or person is None:
            return None
        url = None
        if post.status == "sent" and post.channel and post.ts:
            url = f"{link_base(team_domain)}/{post.channel}/p{post.ts.replace('.', '')}"
        return Handling(person.name, person.slack_user_id, decision.id, url)
