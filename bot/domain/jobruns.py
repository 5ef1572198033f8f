"""Job runs: at most one start per (job, occurrence), across restarts and replicas.

Used for jobs whose sends are keyed by another module (the digest, review
reminders): the scheduler claims the occurrence here before calling the job, so
the job runs once per occurrence even if its own idempotency were weaker. A run
that crashed may be retried (``MAX_ATTEMPTS``) while its grace window lasts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import JobRun

MAX_ATTEMPTS = 3


def get_run(*, session: Session, job: str, period: str) -> JobRun | None:
    return session.execute(
        select(JobRun).where(JobRun.job == job, JobRun.period == period)
    ).scalar_one_or_none()


def claim_run(
    *, session: Session, now: datetime, job: str, period: str, due_at: datetime, lease: timedelta
) -> JobRun | None:
    """Start this occurrence unless it is done, running elsewhere, or out of attempts."""
    existing = get_run(session=session, job=job, period=period)
    if existing is None:
        run = JobRun(
            job=job,
            period=period,
            status="running",
            attempts=1,
            due_at=due_at,
            started_at=now,
            claimed_until=now + lease,
        )
        try:
            with session.begin_nested():
                session.add(run)
                session.flush()
        except IntegrityError:
            return None  # another scheduler claimed it first
        return run
    result = session.execute(
        update(JobRun)
        .where(
            and_(
                JobRun.id == existing.id,
                JobRun.attempts < MAX_ATTEMPTS,
                or_(
                    JobRun.status == "failed",
                    and_(JobRun.status == "running", JobRun.claimed_until < now),
                ),
            )
        )
        .values(status="running", attempts=JobRun.attempts + 1, started_at=now, claimed_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    session.refresh(existing)
    return existing


def finish_run(*, session: Session, run_id: int, now: datetime, result: int) -> None:
    run = session.get(JobRun, run_id)
    if run is not None:
        run.status, run.finished_at, run.result, run.claimed_until = "done", now, result, None
        run.last_error = None


def fail_run(*, session: Session, run_id: int, now: datetime, error: str) -> None:
    run = session.get(JobRun, run_id)
    if run is not None:
        run.status, run.finished_at, run.claimed_until = "failed", now, None
        run.last_error = error[:500]


def record_missed_run(*, session: Session, now: datetime, job: str, period: str, due_at: datetime) -> bool:
    """Note an occurrence whose grace window closed before any scheduler started it."""
    if get_run(session=session, job=job, period=period) is not None:
        return False
    run = JobRun(
        job=job,
        period=period,
        status="missed",
        attempts=0,
        due_at=due_at,
        started_at=now,
        last_error="grace window passed before it could run",
    )
    try:
        with session.begin_nested():
            session.add(run)
            session.flush()
    except IntegrityError:
        return False
    return True


def recent_runs(*, session: Session, since: datetime, period: str | None = None) -> list[JobRun]:
    query = select(JobRun).where(JobRun.due_at >= since)
    if period is not None:
        query = select(JobRun).where(JobRun.period == period)
    return list(session.execute(query.order_by(JobRun.due_at, JobRun.job)).scalars())
