"""Post the week's PM digest: read the data, then enqueue the post and its chart (the outbox).

The digest (job ``digest``, recipient the PM channel, period the ISO week) is the
short channel post; its details (job ``digest-details``: the full scorecard, the
table by category, survey comments, every red flag) and the chart (job
``digest-chart``, a PNG upload) have the digest as ``parent``, so the dispatcher
posts them in the digest's thread (``_parent: thread_ts``). An empty week is the
post alone. The data is read in one transaction and the rows written
in a second one, so rendering the chart (the caller's renderer) holds no lock.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db.engine import transaction
from bot.domain.deliveries import enqueue
from bot.domain.digest import DIGEST_JOB, DigestData, build_digest, find_digest
from bot.domain.metrics import Scorecard
from bot.domain.weeks import week_of
from bot.program import Program
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.digest import details_text, digest_blocks, digest_details_blocks, digest_text

log = logging.getLogger(__name__)
CHART_JOB = "digest-chart"
DETAILS_JOB = "digest-details"


@dataclass(frozen=True)
class ChartImage:
    """A rendered chart: the PNG and its alt text."""

    png: bytes
    alt_text: str


ChartRenderer = Callable[[Sequence[Scorecard], str], ChartImage]  # (history, title) -> image


def post_weekly_digest(
    *,
    sessions: sessionmaker[Session],
    program: Program,
    clock: Clock,
    at: datetime,
    render_chart: ChartRenderer,
) -> int:
    """Enqueue the digest of the week containing ``at`` (and its chart); returns rows newly enqueued."""
    week = week_of(at, program.tz)
    channel = program.channels.pm
    with transaction(sessions) as session:
        # Computing the digest is the expensive part; skip it when this week's is in the ledger.
        if find_digest(session=session, channel=channel, period=week.label) is not None:
            return 0
        data = build_digest(session=session, program=program, week=week, at=at)
    chart: ChartImage | None = None
    if any(not card.empty for card in data.history):  # no chart until some week has data
        chart = render_chart(data.history, chart_title(program.name, data))
    with transaction(sessions) as session:
        created = _enqueue(session=session, now=clock.now(), channel=channel, data=data, chart=chart)
    log.info("digest enqueued", extra={"week": week.label, "deliveries": created})
    return created


def chart_title(program_name: str, data: DigestData) -> str:
    """``Go / no-go metrics by week, 2026-W43 to 2026-W47 · Ops Engineer 2.0 pilot``."""
    first, last = data.history[0].week.label, data.history[-1].week.label
    span = last if first == last else f"{first} to {last}"
    return f"Go / no-go metrics by week, {span} · {program_name}"


def _enqueue(
    *, session: Session, now: datetime, channel: str, data: DigestData, chart: ChartImage | None
) -> int:
    """The post, then its thread: the details (a week with data) and the chart (any week had data)."""
    period = data.week.label
    post = {
        "channel": channel,
        "text": digest_text(data),
        "blocks": to_dicts(digest_blocks(data, chart=chart is not None)),
        "unfurl_links": False,
        "unfurl_media": False,
    }
    digest = enqueue(
        session=session,
        now=now,
        job=DIGEST_JOB,
        recipient=channel,
        period=period,
        method="chat.postMessage",
        payload=post,
    )
    if not digest.created:
        return 0
    replies: list[tuple[str, str, dict[str, object]]] = []
    if not data.empty:
        details: dict[str, object] = {
            "channel": channel,
            "text": details_text(data),
            "blocks": to_dicts(digest_details_blocks(data)),
            "unfurl_links": False,
            "unfurl_media": False,
        }
        replies.append((DETAILS_JOB, "chat.postMessage", details))
    if chart is not None:
        upload: dict[str, object] = {
            "channel": channel,
            "content_b64": base64.b64encode(chart.png).decode(),
            "filename": f"casebook-metrics-{period}.png",
            "title": f"Pilot metrics, {period}",
            "alt_txt": chart.alt_text,
        }
        replies.append((CHART_JOB, "files.upload_v2", upload))
    created = 1
    for job, method, payload in replies:
        child = enqueue(
            session=session,
            now=now,
            job=job,
            recipient=channel,
            period=period,
            method=method,
            payload={**payload, "_parent": "thread_ts"},
            parent=digest.delivery,
        )
        created += int(child.created)
    return created
