"""`/casebook report` over signed HTTP: a PM gets index.html in the PM channel; others are refused."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import AuditEvent, Delivery
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.helpers import eventually, load_roster, reply_to, texts
from tests.metrics_data import decide, review

PM_CHANNEL = "C0CBPMDIGST"


def _uploads(fake: FakeSlack) -> list:
    return [m for m in fake.messages_in(PM_CHANNEL) if m.files]


def test_a_pm_gets_the_report_as_a_file_in_the_pm_channel(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    sessions = casebook.deps.sessions
    load_roster(sessions, clock.now())
    with transaction(sessions) as session:
        decision = decide(session, "U0PILOT", verdict="approve", category="rollback", at=clock.now())
        review(session, decision, at=clock.now(), verdict="overturn")
    response = reply_to(slack, fake, "U0PM", "report", timeout=30)
    assert f"The report is on its way to <#{PM_CHANNEL}>." in texts(response["blocks"])
    assert "could not be computed" not in texts(response["blocks"])  # every section computes
    (upload,) = eventually(lambda: _uploads(fake))
    (meta,) = upload.files
    assert meta["name"].startswith("casebook-report-2026-11-17") and meta["name"].endswith(".html")
    html = fake.files[meta["id"]]["content"].decode("utf-8")
    assert "Ops Engineer 2.0 pilot: post-program report" in html
    assert "Everything was computed" in html
    assert "Overturn themes" in html and "should have gone to the platform lead" in html
    assert "<script" not in html
    assert 'href="live_decisions.csv"' not in html and "casebook report --out DIR" in html
    assert "<@U0PM> asked for the post-program report" in upload.text

    again = reply_to(slack, fake, "U0PM", "report", timeout=30)  # the same minute: no second upload
    assert "already on its way" in texts(again["blocks"])
    with transaction(sessions) as session:
        rows = session.execute(select(Delivery).where(Delivery.job == "report")).scalars().all()
        assert [(r.recipient, r.period, r.status) for r in rows] == [
            (PM_CHANNEL, "U0PM:2026-11-17T09:00", "sent")
        ]
        shared = (
            session.execute(select(AuditEvent).where(AuditEvent.action == "report.shared")).scalars().all()
        )
        assert len(shared) == 1 and shared[0].actor == "U0PM"
    assert len(_uploads(fake)) == 1


def test_an_admin_may_ask_for_the_report(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    response = reply_to(slack, fake, "U0ADMIN", "report", timeout=30)
    assert "on its way" in texts(response["blocks"])
    assert eventually(lambda: _uploads(fake))


def test_the_report_is_refused_to_everyone_else(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    for user in ("U0ENG1", "U0MENTOR", "U0LEAD"):
        body = texts(reply_to(slack, fake, user, "report", timeout=30)["blocks"])
        assert "/casebook report is for admin, pm only." in body
        assert "on its way" not in body
        assert "report" not in texts(reply_to(slack, fake, user, "help", timeout=30)["blocks"]).replace(
            "/casebook report", ""
        )
    assert "build the post-program report" in texts(
        reply_to(slack, fake, "U0PM", "help", timeout=30)["blocks"]
    )
    with transaction(casebook.deps.sessions) as session:
        assert session.execute(select(Delivery).where(Delivery.job == "report")).first() is None
    assert _uploads(fake) == []
