"""The `digest` job: the PM channel's weekly digest, with its chart uploaded into the thread.

The scheduler calls ``run(deps=..., at=...)`` on Fridays at ``schedule.digest`` program
time; ``casebook jobs run digest --at ...`` calls it too. It covers the ISO week that
contains ``at`` (program timezone) and enqueues, through the delivery ledger:

* job ``digest``, recipient = the PM channel, period = the week (``2026-W47``):
  ``chat.postMessage`` with the full digest (it reads completely without the chart);
* job ``digest-chart``, same recipient and period: ``files.upload_v2`` of the PNG
  chart with ``parent`` = the digest, so the dispatcher posts it in the digest's
  thread once the digest is sent (``_parent: thread_ts``).

The ledger's unique (job, recipient, period) key makes a repeated run, a restart or a
second replica a no-op. An empty week still posts ("no data yet"); the chart is left
out only when no week so far has any data. The data is read in one transaction and the
deliveries written in a second one, so the (slow) chart rendering holds no database lock.
"""

from __future__ import annotations

import base64
import logging
from datetime import datetime

from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.deliveries import enqueue
from bot.domain.digest import DIGEST_JOB as JOB
from bot.domain.digest import build_digest, find_digest
from bot.domain.weeks import week_of
from bot.jobs.chart import chart_alt_text, chart_png
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.digest import digest_blocks, digest_text
from bot.slack.blocks.scorecard import week_title

log = logging.getLogger(__name__)
CHART_JOB = "digest-chart"


def run(*, deps: Deps, at: datetime) -> int:
    """Enqueue this week's digest (and its chart); returns how many deliveries were newly enqueued."""
    program = deps.program
    week = week_of(at, program.tz)
    channel = program.channels.pm
    with transaction(deps.sessions) as session:
        # Computing the digest is the expensive part; skip it when this week's is in the ledger.
        if find_digest(session=session, channel=channel, period=week.label) is not None:
            return 0
        data = build_digest(session=session, program=program, week=week, at=at)
    with_chart = any(not card.empty for card in data.history)
    chart: dict[str, object] | None = None
    if with_chart:
        title = f"{program.name}: pilot metrics to {week_title(week)}"
        chart = {
            "channel": channel,
            "_parent": "thread_ts",
            "content_b64": base64.b64encode(chart_png(data.history, program=program, title=title)).decode(),
            "filename": f"casebook-metrics-{week.label}.png",
            "title": f"Pilot metrics, {week.label}",
            "alt_txt": chart_alt_text(data.history),
        }
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        digest = enqueue(
            session=session,
            now=now,
            job=JOB,
            recipient=channel,
            period=week.label,
            method="chat.postMessage",
            payload={
                "channel": channel,
                "text": digest_text(data),
                "blocks": to_dicts(digest_blocks(data, chart=with_chart)),
                "unfurl_links": False,
                "unfurl_media": False,
            },
        )
        created = int(digest.created)
        if chart is not None and digest.created:
            upload = enqueue(
                session=session,
                now=now,
                job=CHART_JOB,
                recipient=channel,
                period=week.label,
                method="files.upload_v2",
                payload=chart,
                parent=digest.delivery,
            )
            created += int(upload.created)
    if created:
        deps.dispatcher.kick()
    log.info("digest enqueued", extra={"week": week.label, "deliveries": created})
    return created
