"""The `announcements` job: program-wide posts (office hours, wrap-up) from the program config.

Each entry of ``program.announcements`` posts its text to its channel at its
local time in the **program** timezone (a channel has no timezone of its own) on
its days, while any program phase runs. Each occurrence is one ledger row keyed
``(announcements, channel, name:date)``, so it is posted once. The ``wrap-up``
announcement also gets its lessons thread (``bot.flows.lessons``), once. An announcement
that could not go out within ``GRACE`` of its time ("office hours start now")
is stale and recorded as missed instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.flows.announcements import announcement_payload
from bot.flows.lessons import WRAP_UP, enqueue_wrapup_threads
from bot.jobs.plan import LOOKBACK, Due, Schedule, apply, classify, scheduled

if TYPE_CHECKING:
    from bot.deps import Deps

JOB = "announcements"
GRACE = timedelta(minutes=30)


def plan(deps: Deps, at: datetime) -> list[Due]:
    """Every announcement occurrence due by ``at`` (pure apart from reading the config)."""
    program = deps.program
    dues: list[Due] = []
    for ann in program.announcements:
        schedule = Schedule(ann.time, tuple(ann.days), None)
        channel = program.channel(ann.channel)
        for occ in scheduled(program=program, schedule=schedule, tz=program.tz, start=at - LOOKBACK, end=at):
            dues.append(
                classify(
                    recipient=channel,
                    occurrence=occ,
                    period=f"{ann.name}:{occ.local_date.isoformat()}",
                    grace_until=occ.due_at + GRACE,
                    at=at,
                )
            )
    return dues


def run(*, deps: Deps, at: datetime) -> int:
    """Enqueue the announcements due by ``at``; returns how many were enqueued."""
    texts = {ann.name: ann.text for ann in deps.program.announcements}

    def build(_session: Session, dues: list[Due]) -> list[dict[str, Any]]:
        # The period is "name:date": the name says which announcement's text to post.
        return [
            announcement_payload(channel=due.recipient, text=texts[due.period.split(":", 1)[0]])
            for due in dues
        ]

    dues = plan(deps, at)
    enqueued = apply(deps=deps, job=JOB, dues=dues, build=build, now=deps.clock.now()).enqueued
    # The wrap-up's lessons thread (issue 17): a reply under the post, sent once it is posted.
    wrapups = [
        (d.recipient, d.period) for d in dues if d.action == "send" and d.period.startswith(f"{WRAP_UP}:")
    ]
    if wrapups:
        enqueue_wrapup_threads(deps=deps, periods=wrapups, now=deps.clock.now())
    return enqueued
