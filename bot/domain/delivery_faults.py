"""Deliveries that could not be made: whom to tell, what to do, and re-sending after the fix.

A permanent Slack error (an archived channel, a removed bot, a missing scope) stops a
delivery at once; so does a transient one that outlasted the retry window. Either way
the admins get one DM per cause (not one per message) saying what failed and how to fix
it, ``/healthz`` lists the open causes, and ``casebook deliveries retry`` re-queues the
rows once the cause is fixed.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db.models import Decision, Delivery, Person, PersonRole
from bot.domain.deliveries import Enqueued, enqueue
from bot.domain.vocab import Role

ALERT_JOB = "delivery-alert"
NOTICE_JOB = "delivery-notice"
# Failures of these are never alerted about: that would loop.
QUIET_JOBS = frozenset({ALERT_JOB, NOTICE_JOB})
GAVE_UP = "gave_up"
RETRY_HINT = "then run `casebook deliveries retry --failed` to send what is waiting."
FIXES = {
    "channel_not_found": "the channel is gone or its id is wrong: fix `channels` in the program file",
    "is_archived": "the channel is archived: unarchive it (or point the program file at a live channel)",
    "not_in_channel": "the bot was removed from the channel: `/invite @Casebook` there",
    "missing_scope": "the app lacks a permission: reinstall it from the current manifest",
    "invalid_auth": "Slack refused the bot token: check SLACK_BOT_TOKEN",
    "not_authed": "no bot token was sent: check SLACK_BOT_TOKEN",
    "account_inactive": "that person's Slack account is deactivated: mark them as left in the roster",
    "user_not_found": "that person is not in this workspace: check the roster",
    GAVE_UP: "Slack could not be reached for the whole retry window: check status.slack.com",
}
# Errors about the person themself: a DM to them would fail the same way.
PERSON_ERRORS = frozenset({"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot"})
RECENT = timedelta(days=7)


def cause_of(error: str) -> str:
    """The error name a failure is grouped by (``gave up after 24 h: http_503`` -> ``gave_up``)."""
    return GAVE_UP if error.startswith("gave up") else error.split(":", 1)[0].strip()


def fix_for(error: str) -> str:
    return FIXES.get(cause_of(error), "see the Slack error name in Slack's API documentation")


def active_admins(*, session: Session) -> list[str]:
    """Slack ids of the admins who have not left, oldest first."""
    rows = session.execute(
        select(Person.slack_user_id)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == Role.ADMIN, Person.status == "active")
        .order_by(Person.id)
    ).scalars()
    return list(rows)


def alert_admins(*, session: Session, now: datetime, delivery: Delivery, error: str) -> list[Enqueued]:
    """One DM per admin per cause (error + where) per day, naming what failed and the fix."""
    if delivery.job in QUIET_JOBS:
        return []
    cause = cause_of(error)
    where = delivery.recipient
    mention = f"<@{where}>" if where.startswith(("U", "W")) else f"<#{where}>"
    text = (
        f":warning: Casebook could not deliver to {mention} ({delivery.job}): Slack said `{cause}`. "
        f"To fix: {fix_for(error)}; {RETRY_HINT} Further failures with the same cause today are not "
        "reported again."
    )
    return [
        enqueue(
            session=session,
            now=now,
            job=ALERT_JOB,
            recipient=admin,
            period=f"{now.date().isoformat()}:{cause}:{where}",
            method="chat.postMessage",
            payload={"channel": admin, "text": text},
        )
        for admin in active_admins(session=session)
        if admin != where or cause not in PERSON_ERRORS
    ]


def notify_person(
    *, session: Session, now: datetime, delivery: Delivery, person: str, text: str
) -> Enqueued | None:
    """Tell the person a failed delivery concerns (once per delivery) unless it is their DM that fails."""
    if delivery.job in QUIET_JOBS:
        return None
    return enqueue(
        session=session,
        now=now,
        job=NOTICE_JOB,
        recipient=person,
        period=f"delivery:{delivery.id}",
        method="chat.postMessage",
        payload={"channel": person, "text": text},
    )


def decision_owner(*, session: Session, decision_id: int) -> str | None:
    """The Slack id of whoever made a decision."""
    return session.execute(
        select(Person.slack_user_id)
        .join(Decision, Decision.person_id == Person.id)
        .where(Decision.id == decision_id)
    ).scalar_one_or_none()


def requeue(*, session: Session, now: datetime, failed: bool, since: datetime | None) -> int:
    """Make rows waiting in backoff due now; with ``failed``, put failed rows back (a fresh window).

    Rows skipped or missed on purpose (out of office, past their grace) stay as they are.
    """
    # Pending rows only once tried (waiting in backoff): a row scheduled for later stays so.
    backing_off = (Delivery.status == "pending") & (Delivery.attempts > 0)
    query = update(Delivery).where(backing_off | (Delivery.status == "failed") if failed else backing_off)
    if since is not None:
        query = query.where(Delivery.created_at >= since)
    # claimed_until is left alone: a row in flight right now must not be sent twice.
    values: dict[str, Any] = {"status": "pending", "next_attempt_at": now}
    if failed:
        values |= {"due_at": now, "attempts": 0}
    result = session.execute(query.values(**values).execution_options(synchronize_session=False))
    return int(result.rowcount)  # type: ignore[attr-defined]


def health(*, session: Session, now: datetime) -> dict[str, Any]:
    """What /healthz shows about the ledger: pending rows, the oldest wait, recent failure causes."""
    pending, oldest = session.execute(
        select(func.count(), func.min(Delivery.due_at)).where(Delivery.status == "pending")
    ).one()
    rows = session.execute(
        select(Delivery.last_error, Delivery.recipient, func.count(), func.max(Delivery.created_at))
        .where(Delivery.status == "failed", Delivery.created_at >= now - RECENT)
        .group_by(Delivery.last_error, Delivery.recipient)
    ).all()
    grouped: Counter[tuple[str, str]] = Counter()
    last: dict[tuple[str, str], datetime] = {}
    for error, recipient, count, latest in rows:
        key = (cause_of(str(error or "unknown")), str(recipient))
        grouped[key] += int(count)
        last[key] = max(latest, last.get(key, latest))
    causes = [
        {"error": e, "recipient": r, "count": n, "last": last[(e, r)].isoformat(), "fix": fix_for(e)}
        for (e, r), n in grouped.most_common(20)
    ]
    return {
        "status": "failing" if causes else "ok",
        "pending": int(pending),
        "oldest_pending_seconds": int((now - oldest).total_seconds()) if oldest is not None else 0,
        "failed_last_7_days": sum(grouped.values()),
        "causes": causes,
    }
