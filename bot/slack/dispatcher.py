"""Sends what the delivery ledger owes, with retries that survive restarts and outages."""

from __future__ import annotations

import base64
import logging
import threading
import urllib.error
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.domain import deliveries as ledger

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class Outcome:
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    WAITING = "waiting"
    MISSED = "missed"
    LOST = "lost"  # someone else holds the lease


def _post(client: WebClient, method: str, payload: dict[str, Any]) -> tuple[str | None, str | None]:
    if method == "chat.postMessage":
        resp = client.chat_postMessage(**payload)
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


class Dispatcher:
    """Works through due deliveries; one background thread per process, safe with many."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        client: WebClient,
        clock: Clock,
        poll_seconds: float = 2.0,
        batch: int = 50,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._clock = clock
        self._poll = poll_seconds
        self._batch = batch
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="casebook-dispatcher", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def kick(self) -> None:
        """Ask the loop to look for work now (after a commit that enqueued something)."""
        self._idle.clear()
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                while not self._stop.is_set() and self.run_once() > 0:
                    pass
            except Exception:
                log.exception("dispatcher pass failed")
            self._idle.set()
            self._wake.wait(self._poll)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """For tests and shutdown: block until a pass found nothing more to do."""
        return self._idle.wait(timeout)

    def run_once(self) -> int:
        """One pass over due deliveries; returns how many were finished (sent/failed/missed)."""
        now = self._clock.now()
        with transaction(self._sessions) as session:
            ids = ledger.due_ids(session=session, now=now, limit=self._batch)
        done = 0
        for delivery_id in ids:
            outcome = self.send_one(delivery_id)
            if outcome in (Outcome.SENT, Outcome.FAILED, Outcome.MISSED):
                done += 1
        return done

    def send_one(self, delivery_id: int) -> str:
        """Claim, send and record one delivery; no database lock is held while Slack is called."""
        now = self._clock.now()
        with transaction(self._sessions) as session:
            if not ledger.claim(session=session, now=now, delivery_id=delivery_id, lease=LEASE):
                return Outcome.LOST
            delivery = session.get(Delivery, delivery_id)
            assert delivery is not None
            if delivery.grace_until is not None and now > delivery.grace_until:
                ledger.mark_missed(session=session, delivery=delivery, reason="past its grace window")
                return Outcome.MISSED
            payload = dict(delivery.payload)
            parent_field = payload.pop("_parent", None)
            if delivery.parent_id is not None:
                parent = session.get(Delivery, delivery.parent_id)
                if parent is None or parent.status in ("failed", "missed", "skipped"):
                    ledger.mark_failed(
                        session=session, delivery=delivery, reason="parent message was not delivered"
                    )
                    return Outcome.FAILED
                if parent.status != "sent":
                    delivery.claimed_until = None
                    delivery.next_attempt_at = now + timedelta(seconds=1)
                    return Outcome.WAITING
                payload[str(parent_field or "thread_ts")] = parent.ts
                if parent_field == "ts":
                    payload["channel"] = parent.channel
            method, job = delivery.method, delivery.job
        try:
            channel, ts = _post(self._client, method, payload)
        except SlackApiError as exc:
            with transaction(self._sessions) as session:
                return self._on_api_error(session, self._load(session, delivery_id), exc)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            with transaction(self._sessions) as session:
                delivery = self._load(session, delivery_id)
                ledger.mark_retry(
                    session=session,
                    now=self._clock.now(),
                    delivery=delivery,
                    reason=f"network: {exc}",
                    wait=ledger.backoff(delivery.attempts + 1),
                )
            return Outcome.RETRY
        with transaction(self._sessions) as session:
            delivery = self._load(session, delivery_id)
            ledger.mark_sent(
                session=session, now=self._clock.now(), delivery=delivery, channel=channel, ts=ts
            )
        log.info("delivery sent", extra={"job": job, "delivery_id": delivery_id})
        return Outcome.SENT

    @staticmethod
    def _load(session: Session, delivery_id: int) -> Delivery:
        delivery = session.get(Delivery, delivery_id)
        if delivery is None:
            raise LookupError(f"delivery {delivery_id} vanished")
        return delivery

    def _on_api_error(self, session: Session, delivery: Delivery, exc: SlackApiError) -> str:
        now = self._clock.now()
        status = exc.response.status_code
        error = str(exc.response.get("error") or f"http_{status}")
        if error in ledger.PERMANENT_ERRORS:
            ledger.mark_failed(session=session, delivery=delivery, reason=error)
            log.warning("delivery failed", extra={"job": delivery.job, "error": error})
            return Outcome.FAILED
        if status == 429 or error == "ratelimited":
            retry_after = int(exc.response.headers.get("Retry-After", "1") or 1)
            ledger.mark_retry(
                session=session,
                now=now,
                delivery=delivery,
                reason="ratelimited",
                wait=timedelta(seconds=max(1, retry_after)),
            )
            return Outcome.RETRY
        if status >= 500 or error in RETRYABLE_ERRORS:
            ledger.mark_retry(
                session=session,
                now=now,
                delivery=delivery,
                reason=error,
                wait=ledger.backoff(delivery.attempts + 1),
            )
            return Outcome.RETRY
        ledger.mark_failed(session=session, delivery=delivery, reason=error)
        return Outcome.FAILED
