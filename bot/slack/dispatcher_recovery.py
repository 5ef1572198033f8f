"""After an ambiguous send: ask Slack whether it already has the message before sending again.

A send that timed out, or whose worker died mid-send, may have reached Slack. Every
``chat.postMessage`` carries its delivery id in the message ``metadata`` (event type
``casebook_delivery``); before re-sending such a row, the dispatcher reads the
channel's recent history (``conversations.history`` with ``include_all_metadata``;
the ``*:history`` scopes) and, if the id is there, records that message as sent.
"""

from __future__ import annotations

import logging
import socket
import urllib.error
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
EVENT_TYPE = "casebook_delivery"
AMBIGUOUS = "ambiguous"  # last_error prefix of a row whose send may have reached Slack
HISTORY_LIMIT = 200


def with_metadata(payload: dict[str, Any], delivery_id: int) -> dict[str, Any]:
    """The payload with our delivery id in the message metadata (unless it carries its own)."""
    if "metadata" in payload:
        return payload
    return {
        **payload,
        "metadata": {"event_type": EVENT_TYPE, "event_payload": {"delivery_id": delivery_id}},
    }


def is_ambiguous(exc: BaseException) -> bool:
    """True when the request may have reached Slack (a timeout or a dropped connection)."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return not isinstance(reason, (ConnectionRefusedError, socket.gaierror))


def _channel_id(client: WebClient, channel: str) -> str:
    """History needs a conversation id: a user id (a DM with the app) is opened first."""
    if channel.startswith(("U", "W")):
        opened = client.conversations_open(users=channel)
        return str((opened.get("channel") or {}).get("id") or channel)
    return channel


def find_sent(
    client: WebClient, *, delivery_id: int, channel: str, thread_ts: str | None = None
) -> tuple[str, str] | None:
    """(channel, ts) of the message already carrying ``delivery_id``, or None if Slack has none.

    The newest ``HISTORY_LIMIT`` messages are searched: an ambiguous send is re-checked
    within minutes, long before that many messages follow it in one conversation.
    Raises what the Web API raises, so a failed check is retried like a failed send,
    never followed by a blind second post.
    """
    conversation = _channel_id(client, channel)
    if thread_ts:  # a thread reply is not in the channel's history, only in its thread
        resp = client.conversations_replies(
            channel=conversation, ts=thread_ts, limit=HISTORY_LIMIT, include_all_metadata=True
        )
    else:
        resp = client.conversations_history(
            channel=conversation, limit=HISTORY_LIMIT, include_all_metadata=True
        )
    for message in resp.get("messages") or []:
        meta = message.get("metadata") or {}
        event_payload = meta.get("event_payload") or {}
        if meta.get("event_type") == EVENT_TYPE and event_payload.get("delivery_id") == delivery_id:
            log.info("ambiguous send had arrived; not sending again", extra={"delivery_id": delivery_id})
            return conversation, str(message.get("ts"))
    return None


def check_failed_permanently(exc: SlackApiError) -> bool:
    """A history check we can never make (no scope yet, not a member): send anyway, logged."""
    error = str(exc.response.get("error") or "")
    return error in {"missing_scope", "not_in_channel", "channel_not_found", "not_allowed_token_type"}
