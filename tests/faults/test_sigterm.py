"""SIGTERM under load: in-flight requests finish, the scheduler stops cleanly, no decision is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import select

from bot.db.engine import make_engine, make_session_factory, transaction
from bot.db.models import Decision, Delivery
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.e2e.test_serve_process import _free_port, _run
from tests.helpers import ROSTER_CSV, eventually
from tests.live_support import GOOD, open_log_modal

ROOT = Path(__file__).resolve().parents[2]
SUBMITS = 24


def _start(env: dict[str, str], port: int, *, new_session: bool = False) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL if new_session else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=new_session,  # its own process group, to be killed as one
    )
    import urllib.request

    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(proc.communicate()[1][-2000:]) from None
            time.sleep(0.1)


def test_sigterm_under_load_loses_no_decision(tmp_path: Path, fake: FakeSlack, database_url: str) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    env.pop("SLACK_APP_TOKEN", None)
    assert _run(["migrate"], env).returncode == 0
    (tmp_path / "roster.csv").write_text(ROSTER_CSV)
    assert _run(["roster", "import", str(tmp_path / "roster.csv")], env).returncode == 0
    proc = _start(env, port)
    slack = Simulator(
        events_url=f"http://127.0.0.1:{port}/slack/events", signing_secret=SIGNING_SECRET, fake=fake
    )
    views = [open_log_modal(slack, fake) for _ in range(SUBMITS)]
    fake.latency = 0.3  # Slack answers slowly, so work is still in flight when the signal lands

    acked: list[str] = []
    lock = threading.Lock()

    def submit(view_id: str) -> None:
        try:
            reply = slack.submit(
                "U0ENG1", view_id, dict(GOOD, title=f"{GOOD['title']} {view_id}"), timeout=30
            )
        except OSError:
            return  # refused after shutdown began: the client may retry; nothing was acked
        if reply.status == 200 and not reply.json.get("response_action"):
            with lock:
                acked.append(view_id)

    threads = [threading.Thread(target=submit, args=(v,)) for v in views]
    for i, t in enumerate(threads):
        t.start()
        if i == SUBMITS // 2:
            time.sleep(0.2)
            proc.send_signal(signal.SIGTERM)
    for t in threads:
        t.join()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert acked, "some submissions must have been acknowledged before shutdown"

    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    try:
        with transaction(sessions) as session:
            keys = set(session.scalars(select(Decision.idempotency_key)).all())
            pending_posts = session.scalars(
                select(Delivery.period).where(Delivery.job == "review-post")
            ).all()
        for view_id in acked:
            assert any(view_id in key for key in keys), f"acked submission {view_id} was lost"
        assert len(pending_posts) == len(keys), "every saved decision has its review post in the ledger"
    finally:
        engine.dispose()

    # After a restart, what was owed to Slack goes out, once.
    fake.latency = 0.0
    port = _free_port()
    proc = _start(env, port)
    try:
        eventually(
            lambda: (
                len([m for m in fake.messages_in("C0CBREVIEW") if "Live decision" in m.text]) >= len(keys)
            ),
            timeout=30,
        )
        time.sleep(1.0)
        posts = [m.text for m in fake.messages_in("C0CBREVIEW") if "Live decision" in m.text]
        assert len(posts) == len(set(posts)) == len(keys)
    finally:
        proc.terminate()
        proc.wait(30)
