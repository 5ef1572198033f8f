"""Re-sending after a fix, and what /healthz says about failed deliveries."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import Delivery
from bot.domain import delivery_faults as faults
from tests.delivery_support import enqueue_send


def _row(session: Session, clock: FixedClock, period: str, **state: object) -> Delivery:
    row = enqueue_send(
        session,
        now=clock.now(),
        recipient="C0X",
        period=period,
        text=period,
        due_at=clock.now() + timedelta(hours=5) if period == "later" else None,
    )
    for key, value in state.items():
        setattr(row, key, value)
    session.flush()
    return row


def _states(sessions: sessionmaker[Session]) -> dict[str, tuple[str, bool]]:
    with transaction(sessions) as session:
        rows = session.query(Delivery).all()
        now = rows[0].created_at + timedelta(minutes=1)
        return {r.period: (r.status, r.next_attempt_at <= now) for r in rows}


def test_retry_touches_backoff_rows_and_with_failed_the_failed_ones_only(
    sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    with transaction(sessions) as session:
        _row(session, clock, "later")  # scheduled for later: never sent early
        _row(session, clock, "backoff", attempts=5, next_attempt_at=clock.now() + timedelta(minutes=5))
        _row(session, clock, "failed", status="failed", attempts=1, last_error="is_archived")
        _row(session, clock, "skipped", status="skipped", last_error="out of office")
    with transaction(sessions) as session:
        assert faults.requeue(session=session, now=clock.now(), failed=False, since=None) == 1
    assert _states(sessions) == {
        "later": ("pending", False),
        "backoff": ("pending", True),
        "failed": ("failed", True),
        "skipped": ("skipped", True),
    }
    with transaction(sessions) as session:
        since = clock.now() + timedelta(seconds=1)
        assert faults.requeue(session=session, now=clock.now(), failed=True, since=since) == 0
        assert faults.requeue(session=session, now=clock.now(), failed=True, since=clock.now()) == 2
    assert _states(sessions)["failed"] == ("pending", True)
    assert _states(sessions)["later"] == ("pending", False)


def test_health_groups_failures_by_cause_with_the_fix(
    sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    with transaction(sessions) as session:
        for n in range(3):
            _row(session, clock, f"a{n}", status="failed", last_error="is_archived")
        _row(session, clock, "b", status="failed", last_error="gave up after 24 h: http_500")
        report = faults.health(session=session, now=clock.now())
    assert report["status"] == "failing" and report["failed_last_7_days"] == 4
    causes = {(c["error"], c["count"]) for c in report["causes"]}
    assert causes == {("is_archived", 3), ("gave_up", 1)}
    assert all(c["fix"] for c in report["causes"])
