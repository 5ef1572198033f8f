"""The dispatcher's bookkeeping for one send: recording its outcome in the ledger.

Sent, retried (capped backoff within the retry window), failed (and reported to the
admins), or settled from Slack's history after an ambiguous send. Split from
:mod:`bot.slack.dispatcher`, which paces, claims and runs the sends.
"""

from __future__ import annotations

import logging
import urllib.error
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.domain import deliveries as ledger
from bot.domain import delivery_batches as batches
from bot.flows.delivery_faults import report_failure
from bot.slack import dispatcher_recovery as recovery
from bot.slack.pacing import Pacer
from bot.slack.sending import Outcome, Send, classify
from bot.slack.sent_marks import SentMarks

log = logging.getLogger("bot.slack.dispatcher")
LEASE = timedelta(seconds=60)
NETWORK_ERRORS = (urllib.error.URLError, TimeoutError, ConnectionError)


class LedgerRecorder:
    """Records what became of each send; the :class:`~bot.slack.dispatcher.Dispatcher` base."""

    _sessions: sessionmaker[Session]
    _client: WebClient
    _clock: Clock
    _pacer: Pacer
    _window: timedelta
    _marks: SentMarks

    def kick(self) -> None:
        """Overridden by the dispatcher: look for work now."""

    def _renew(self, delivery_id: int, token: datetime) -> datetime | None:
        """Fence: confirm the claim is still ours and extend it; None if it is not."""
        until = self._clock.now() + LEASE
        with transaction(self._sessions) as session:
            if ledger.renew_claim(session=session, delivery_id=delivery_id, token=token, until=until):
                return until
        log.warning("delivery claim lapsed; not sending", extra={"delivery_id": delivery_id})
        return None

    def _sent(self, send: Send, started: float | None, channel: str | None, ts: str | None) -> str:
        if send.paced and started is not None:
            self._pacer.sent(send.key, started)
        self._marks.mark(delivery_id=send.delivery_id, channel=channel, ts=ts)
        log.info("delivery sent", extra={"job": send.job, "delivery_id": send.delivery_id})
        return Outcome.SENT

    def _already_sent(self, send: Send) -> str | None:
        """For a row whose last send may have arrived: settle it from Slack's history, or None to send."""
        channel = str(send.payload.get("channel") or send.key)
        thread_ts = send.payload.get("thread_ts")
        try:
            found = recovery.find_sent(
                self._client, delivery_id=send.delivery_id, channel=channel, thread_ts=thread_ts
            )
        except SlackApiError as exc:
            if recovery.check_failed_permanently(exc):
                log.warning("cannot check history before a resend", extra={"error": classify(exc)[0]})
                return None
            return self._retry(send.delivery_id, f"{recovery.AMBIGUOUS}: history: {classify(exc)[0]}", None)
        except NETWORK_ERRORS as exc:
            return self._retry(send.delivery_id, f"{recovery.AMBIGUOUS}: history: {exc}", None)
        return None if found is None else self._sent(send, None, *found)

    def _give_back(self, delivery_id: int) -> str:
        with transaction(self._sessions) as session:
            batches.release(session=session, delivery_ids=[delivery_id])
        return Outcome.LOST

    def _fail(self, send: Send, error: str) -> str:
        with transaction(self._sessions) as session:
            ledger.mark_failed(session=session, delivery=self._load(session, send.delivery_id), reason=error)
        log.warning("delivery failed", extra={"job": send.job, "error": error})
        self._report(send.delivery_id, error)
        return Outcome.FAILED

    def _retry(self, delivery_id: int, reason: str, wait: timedelta | None) -> str:
        with transaction(self._sessions) as session:
            delivery = self._load(session, delivery_id)
            ledger.mark_retry(
                session=session,
                now=self._clock.now(),
                delivery=delivery,
                reason=reason,
                wait=wait or ledger.backoff(delivery.attempts + 1),
                window=self._window,
            )
            status, error = delivery.status, delivery.last_error or reason
        if status != "failed":
            return Outcome.RETRY
        log.warning("delivery given up after its retry window", extra={"delivery_id": delivery_id})
        self._report(delivery_id, error)
        return Outcome.FAILED

    def _report(self, delivery_id: int, error: str) -> None:
        """Alert the admins and tell whom it concerns; a failure here must not lose the send's record."""
        try:
            made = report_failure(
                sessions=self._sessions, now=self._clock.now(), delivery_id=delivery_id, error=error
            )
        except Exception:
            log.exception("could not report a failed delivery", extra={"delivery_id": delivery_id})
            return
        if made:
            self.kick()

    @staticmethod
    def _load(session: Session, delivery_id: int) -> Delivery:
        delivery = session.get(Delivery, delivery_id)
        if delivery is None:
            raise LookupError(f"delivery {delivery_id} vanished")
        return delivery
