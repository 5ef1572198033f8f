"""One delivery's Slack call: what a send worker holds, the Web API call, and how an error is read.

Pure of the ledger: the dispatcher (:mod:`bot.slack.dispatcher`) claims, paces and
records; this module only talks to Slack and classifies what it answered.
"""

from __future__ import annotations

import base64
import json
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.deliveries import PERMANENT_ERRORS
from bot.slack.dispatcher_recovery import with_metadata

RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
INLINE_TRIES = 3  # HTTP attempts per claim before falling back to the ledger's backoff
INLINE_MAX_WAIT = 5.0  # longest Retry-After honoured by sleeping in the worker (seconds)
INLINE_BACKOFF = (0.25, 1.0)  # worker sleeps between inline retries of 5xx / network errors
PACED_METHODS = frozenset({"chat.postMessage", "files.upload_v2"})
LINK_TOKEN = "{parent_link}"  # in a ``_parent: link`` payload: replaced by the parent message's link


def link_parent(payload: dict[str, Any], *, channel: str | None, ts: str | None) -> dict[str, Any]:
    """A message elsewhere that links to its (sent) parent: fill in the parent's archive link."""
    base = str(payload.pop("_link_base", None) or "https://slack.com/archives")
    url = f"{base}/{channel}/p{str(ts).replace('.', '')}"
    out: dict[str, Any] = json.loads(json.dumps(payload).replace(LINK_TOKEN, url))
    return out


class Outcome:
    """What became of one delivery in one pass."""

    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    WAITING = "waiting"
    MISSED = "missed"
    LOST = "lost"  # someone else holds the lease (or we stopped before sending)


FINISHED = frozenset({Outcome.SENT, Outcome.FAILED, Outcome.MISSED})


def post(
    client: WebClient, method: str, payload: dict[str, Any], *, delivery_id: int | None = None
) -> tuple[str | None, str | None]:
    """Make the delivery's Web API call; returns (channel, ts or file id) for the ledger.

    A post carries ``delivery_id`` in its metadata, so an ambiguous send can be found later.
    """
    if method == "chat.postMessage":
        resp = client.chat_postMessage(**(with_metadata(payload, delivery_id) if delivery_id else payload))
        return resp.get("channel"), resp.get("ts")
    if method == "chat.update":
        resp = client.chat_update(**payload)
        return resp.get("channel"), resp.get("ts")
    if method == "chat.postEphemeral":
        client.chat_postEphemeral(**payload)
        return payload.get("channel"), None
    if method == "files.upload_v2":
        args = dict(payload)
        content = args.pop("content_b64", None)
        if content is not None:
            args["content"] = base64.b64decode(content)
        resp = client.files_upload_v2(**args)
        file_info: dict[str, Any] = resp.get("file") or {}
        return payload.get("channel"), file_info.get("id")
    raise ValueError(f"unsupported delivery method {method}")


@dataclass(frozen=True)
class Send:
    """A claimed delivery, loaded and ready: what a send worker needs, no database object."""

    delivery_id: int
    method: str
    job: str
    key: str  # pacing and ordering key: the recipient (a channel or a user's DM)
    payload: dict[str, Any]
    slot: float = 0.0  # monotonic time the pacer reserved for it
    token: datetime | None = None  # our claim's claimed_until, checked before every retry
    suspect: bool = False  # an earlier send may have reached Slack: check history first

    @property
    def paced(self) -> bool:
        return self.method in PACED_METHODS


def done(outcome: str) -> Future[str]:
    """An already-finished future, for rows settled without a send."""
    future: Future[str] = Future()
    future.set_result(outcome)
    return future


def classify(exc: SlackApiError) -> tuple[str, float | None]:
    """(error name, seconds to wait before retrying; None: do not retry)."""
    status = exc.response.status_code
    error = str(exc.response.get("error") or f"http_{status}")
    if error in PERMANENT_ERRORS:
        return error, None
    if status == 429 or error == "ratelimited":
        try:
            retry_after = float(exc.response.headers.get("Retry-After", "1") or 1)
        except ValueError:
            retry_after = 1.0
        return "ratelimited", max(1.0, retry_after)
    if status >= 500 or error in RETRYABLE_ERRORS:
        return error, 0.0
    return error, None
