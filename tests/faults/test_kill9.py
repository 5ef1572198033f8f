"""kill -9 during a burst of submissions (issue 14): every acked submission has its effect, once.

`casebook serve` (gunicorn front + `casebook worker`) runs as its own process group on each
engine; live-decision forms are submitted from many threads and the whole group is killed
with SIGKILL mid-burst (a machine or container dying). After a restart, every submission that
was acknowledged is a decision in the database exactly once, and its review post reached the
fake Slack exactly once; nothing that was refused or unanswered left a half-written trace.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from bot.db.engine import make_engine, make_session_factory, transaction
from bot.db.models import Decision
from bot.sandbox.fakeslack import FakeSlack
from tests.helpers import eventually
from tests.live_support import GOOD, REVIEW_CHANNEL, open_log_modal
from tests.serve_support import free_port, migrate_with_roster, serve_env, simulator, start_serve

SUBMITS = 40


def _decisions(database_url: str) -> Counter[str]:
    engine = make_engine(database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            return Counter(session.scalars(select(Decision.idempotency_key)).all())
    finally:
        engine.dispose()


def test_kill_9_mid_burst_loses_no_acked_submission_and_doubles_none(
    tmp_path: Path, fake: FakeSlack, database_url: str
) -> None:
    # A dead worker's claims come back after 3 s, not 2 min.
    env = serve_env(fake=fake, database_url=database_url, CASEBOOK_INBOX_LEASE="3")
    migrate_with_roster(env=env, tmp_path=tmp_path)
    port = free_port()
    proc = start_serve(env, port=port, new_session=True)
    slack = simulator(port, fake)
    views = [open_log_modal(slack, fake) for _ in range(SUBMITS)]
    fake.latency = 0.05  # Slack answers a little slowly: sends are in flight when the kill lands

    acked: list[str] = []
    lock = threading.Lock()

    def submit(view_id: str) -> None:
        try:
            values = dict(GOOD, title=f"{GOOD['title']} {view_id}")
            reply = slack.submit("U0ENG1", view_id, values, timeout=10)
        except OSError:
            return  # the connection died with the process: never acked, Slack would show an error
        if reply.status == 200 and not (reply.body and reply.json.get("response_action")):
            with lock:
                acked.append(view_id)

    threads = [threading.Thread(target=submit, args=(v,)) for v in views]

    def launch() -> None:  # an open-loop burst: Slack's clients do not wait for each other
        for t in threads:
            t.start()
            time.sleep(0.02)

    launcher = threading.Thread(target=launch)
    launcher.start()
    eventually(lambda: len(acked) >= SUBMITS // 4, timeout=30)
    os.killpg(proc.pid, signal.SIGKILL)  # the front, its workers and `casebook worker`, at once
    launcher.join()
    for t in threads:
        t.join()
    proc.wait(10)
    assert acked, "some submissions must have been acknowledged before the kill"
    assert len(acked) < SUBMITS, "the kill must land mid-burst"

    fake.latency = 0.0
    port = free_port()
    proc = start_serve(env, port=port, new_session=True)
    try:
        keys = {f"live:U0ENG1:{v}" for v in acked}
        eventually(lambda: keys <= set(_decisions(database_url)), timeout=60)
        recorded = _decisions(database_url)
        assert all(n == 1 for n in recorded.values()), recorded
        # The outbox sends what was owed: one review post per decision (its lease is 60 s).
        eventually(
            lambda: (
                len([m for m in fake.messages_in(REVIEW_CHANNEL) if "Live decision" in m.text])
                >= len(recorded)
            ),
            timeout=90,
        )
        time.sleep(1.0)
        posts = Counter(m.text for m in fake.messages_in(REVIEW_CHANNEL) if "Live decision" in m.text)
        assert len(posts) == len(recorded) and set(posts.values()) == {1}, posts
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(40)
