"""The daily sync end to end: local times, DST weeks, fallbacks, OOO, grace, missed, content."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import Casebook
from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import Person
from bot.domain.decisions import record_decision
from bot.domain.justification import Justification
from bot.jobs.runner import run_job
from bot.jobs.timezones import refresh_timezones
from bot.program import Phase, PhaseWindow
from bot.sandbox.fakeslack import FakeSlack
from tests.helpers import load_roster, texts
from tests.jobs.conftest import BERLIN, NY, ledger, local

TUESDAY = date(2026, 11, 17)
TOKYO = ZoneInfo("Asia/Tokyo")


def _justification() -> Justification:
    return Justification(
        policy="prod-change-window rule 3 applies to this change",
        evidence="dashboards green, ticket OPS-1 approved by owner",
        risk="single service, rollback in five minutes",
        conditions="expires Friday; roll back on error rate > 1%",
        escalation=None,
        confidence=4,
    )


def test_each_engineer_gets_one_dm_at_their_local_time(roster: Casebook, run_at, fake: FakeSlack) -> None:
    # Bo is in Berlin (17:45 = 16:45 UTC); Ada and Cy in New York (17:45 = 22:45 UTC).
    run_at("daily-sync", local(TUESDAY, "17:44", BERLIN))
    assert fake.dms_to("U0ENG2") == []
    run_at("daily-sync", local(TUESDAY, "17:46", BERLIN))
    assert len(fake.dms_to("U0ENG2")) == 1
    assert fake.dms_to("U0ENG1") == []
    run_at("daily-sync", local(TUESDAY, "17:46", NY))
    run_at("daily-sync", local(TUESDAY, "18:30", NY))  # a later tick: nothing new
    for user in ("U0ENG1", "U0ENG2", "U0PILOT"):
        assert len(fake.dms_to(user)) == 1, user
    assert fake.dms_to("U0MENTOR") == [] and fake.dms_to("U0PM") == []  # not engineers
    sent = {d.recipient: d.sent_at for d in ledger(roster, "daily-sync") if d.period == "2026-11-17"}
    assert sent["U0ENG2"] is not None and sent["U0ENG2"].astimezone(BERLIN).hour == 17


def test_dm_lists_the_days_decisions_and_asks_for_blockers(roster: Casebook, run_at, fake: FakeSlack) -> None:
    with transaction(roster.deps.sessions) as session:
        ada = session.execute(select(Person).where(Person.slack_user_id == "U0ENG1")).scalar_one()
        for i, (verdict, kind, when) in enumerate(
            [
                ("approve", "live", local(TUESDAY, "10:00", NY)),
                ("escalate", "live", local(TUESDAY, "11:00", NY)),
                ("deny", "practice", local(TUESDAY, "12:00", NY)),
                ("deny", "live", local(TUESDAY, "00:30", NY) - timedelta(hours=1)),  # Monday, local
            ]
        ):
            record_decision(
                session=session,
                now=when,
                person_id=ada.id,
                actor="U0ENG1",
                kind=kind,
                verdict=verdict,
                justification=_justification(),
                idempotency_key=f"k{i}",
                category="rollback",
                title=f"Decision <{i}> on payments",
            )
    run_at("daily-sync", local(TUESDAY, "17:50", NY))
    (dm,) = fake.dms_to("U0ENG1")
    body = texts(dm.blocks)
    assert "2 (1 approve · 1 escalate)" in body
    assert "Practice decisions*\n1" in body
    assert "Waiting for review*\n4" in body
    assert "Decision &lt;0&gt; on payments" in body and "Decision &lt;3&gt;" not in body
    actions = next(b for b in dm.blocks if b["type"] == "actions")["elements"]
    assert [e["action_id"] for e in actions] == ["sync_all_good", "sync_blockers"]
    assert [e["text"]["text"] for e in actions] == ["All good", "I have blockers"]


def test_repeated_runs_restarts_and_late_ticks_never_send_twice(
    roster: Casebook, run_at, fake: FakeSlack, clock: FixedClock
) -> None:
    at = local(TUESDAY, "17:50", NY)
    assert run_at("daily-sync", at) == 2
    assert run_at("daily-sync", at) == 0
    assert run_at("daily-sync", at + timedelta(minutes=30)) == 0
    assert len(fake.dms_to("U0ENG1")) == 1 and len(fake.dms_to("U0PILOT")) == 1


def test_after_downtime_late_inside_grace_and_missed_after(roster: Casebook, run_at, fake: FakeSlack) -> None:
    # The scheduler comes back at 20:40 New York: 2 h 55 min after the NY sync (inside the 3 h
    # grace), but 8 h 55 min after Berlin's — and Monday's were never sent either.
    run_at("daily-sync", local(TUESDAY, "20:40", NY))
    assert len(fake.dms_to("U0ENG1")) == 1
    assert fake.dms_to("U0ENG2") == []
    rows = {(d.recipient, d.period): d for d in ledger(roster, "daily-sync")}
    assert rows[("U0ENG1", "2026-11-17")].status == "sent"
    assert rows[("U0ENG2", "2026-11-17")].status == "missed"
    assert rows[("U0ENG1", "2026-11-16")].status == "missed"
    assert "grace window" in (rows[("U0ENG2", "2026-11-17")].last_error or "")


def test_a_pending_send_past_its_grace_is_marked_missed_not_sent(
    roster: Casebook, fake: FakeSlack, clock: FixedClock
) -> None:
    # Enqueued in time, but Slack was down until after the grace window closed.
    at = local(TUESDAY, "17:50", NY)
    clock.set(at)
    roster.deps.dispatcher.stop()
    assert run_job(deps=roster.deps, name="daily-sync", at=at) == 2
    clock.set(local(TUESDAY, "20:46", NY))
    roster.deps.dispatcher.start()
    roster.deps.dispatcher.kick()
    assert roster.deps.dispatcher.wait_idle(10)
    assert fake.dms_to("U0ENG1") == []
    statuses = {d.recipient: d.status for d in ledger(roster, "daily-sync") if d.period == "2026-11-17"}
    assert statuses["U0ENG1"] == statuses["U0PILOT"] == "missed"


def test_timezone_fallbacks_slack_then_roster_then_program(
    casebook: Casebook, run_at, fake: FakeSlack, clock: FixedClock
) -> None:
    roster_csv = (
        "slack_user_id,name,email,roles,mentor,timezone\n"
        "U0TOKYO,Tomo,t@example.com,engineer,,Europe/Berlin\n"  # Slack says Tokyo
        "U0ROSTER,Rosa,r@example.com,engineer,,Europe/Berlin\n"  # Slack has no zone: roster's
        "U0PROG,Pia,p@example.com,engineer,,\n"  # neither: the program's (New York)
    )
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC), roster_csv)
    fake.add_user("U0TOKYO", "Tomo", "Asia/Tokyo")
    fake.add_user("U0ROSTER", "Rosa", "")
    fake.add_user("U0PROG", "Pia", "")
    clock.set(datetime(2026, 11, 16, 12, 0, tzinfo=UTC))
    assert (
        refresh_timezones(sessions=casebook.deps.sessions, client=casebook.deps.client, now=clock.now()) == 3
    )
    with transaction(casebook.deps.sessions) as session:
        cached = dict(session.execute(select(Person.slack_user_id, Person.slack_tz)).all())
    assert cached == {"U0TOKYO": "Asia/Tokyo", "U0ROSTER": None, "U0PROG": None}
    # A refresh within a day asks Slack nothing.
    before = len(fake.calls_to("users.info"))
    refresh_timezones(sessions=casebook.deps.sessions, client=casebook.deps.client, now=clock.now())
    assert len(fake.calls_to("users.info")) == before

    for at in (local(TUESDAY, "17:46", TOKYO), local(TUESDAY, "17:46", BERLIN), local(TUESDAY, "17:46", NY)):
        run_at("daily-sync", at)
    sent = {d.recipient: d.due_at for d in ledger(casebook, "daily-sync") if d.period == "2026-11-17"}
    assert sent["U0TOKYO"] == local(TUESDAY, "17:45", TOKYO)
    assert sent["U0ROSTER"] == local(TUESDAY, "17:45", BERLIN)
    assert sent["U0PROG"] == local(TUESDAY, "17:45", NY)


def test_out_of_office_and_leavers_are_skipped_and_recorded(
    roster: Casebook, run_at, fake: FakeSlack, clock: FixedClock
) -> None:
    with transaction(roster.deps.sessions) as session:
        people = {p.slack_user_id: p for p in session.execute(select(Person)).scalars()}
        people["U0ENG1"].ooo_until = date(2026, 11, 18)
        people["U0PILOT"].status = "left"
    run_at("daily-sync", local(TUESDAY, "17:50", NY))
    run_at("daily-sync", local(date(2026, 11, 19), "17:50", NY))
    assert [m.text[:20] for m in fake.dms_to("U0ENG1")] == ["Evening sync for Thu"]
    assert fake.dms_to("U0PILOT") == []
    rows = {(d.recipient, d.period): d for d in ledger(roster, "daily-sync")}
    assert rows[("U0ENG1", "2026-11-17")].status == "skipped"
    assert rows[("U0ENG1", "2026-11-17")].last_error == "out of office until 2026-11-18"
    assert rows[("U0ENG1", "2026-11-18")].status == "skipped"
    assert rows[("U0PILOT", "2026-11-19")].last_error == "left the program"


def _dst_program(casebook: Casebook, start: date, end: date) -> None:
    casebook.deps.program = casebook.deps.program.model_copy(
        update={"phases": [PhaseWindow(name=Phase.PARALLEL_RUN, start=start, end=end)]}
    )


def test_dst_weeks_get_exactly_one_sync_per_weekday_at_local_time(
    casebook: Casebook, clock: FixedClock, fake: FakeSlack
) -> None:
    """Tick every 20 minutes through both transitions of both zones; count what the ledger holds."""
    roster_csv = (
        "slack_user_id,name,email,roles,mentor,timezone\n"
        "U0ENG1,Ada,a@example.com,engineer,,America/New_York\n"
        "U0ENG2,Bo,b@example.com,engineer,,Europe/Berlin\n"
    )
    load_roster(casebook.deps.sessions, datetime(2026, 1, 1, tzinfo=UTC), roster_csv)
    casebook.deps.dispatcher.stop()  # the ledger is what we count here; sending is tested elsewhere
    for first, last in ((date(2026, 3, 2), date(2026, 3, 31)), (date(2026, 10, 19), date(2026, 11, 6))):
        _dst_program(casebook, first, last)
        at = datetime.combine(first, datetime.min.time(), UTC)
        while at.date() <= last + timedelta(days=1):
            clock.set(at)
            run_job(deps=casebook.deps, name="daily-sync", at=at)
            at += timedelta(minutes=20)
    rows = [d for d in ledger(casebook, "daily-sync")]
    assert {d.status for d in rows} == {"pending"}  # every one enqueued on time: none missed
    for user, tz in (("U0ENG1", NY), ("U0ENG2", BERLIN)):
        mine = [d for d in rows if d.recipient == user]
        per_day = Counter(d.period for d in mine)
        assert set(per_day.values()) == {1}
        expected = {
            (first + timedelta(days=i)).isoformat()
            for first, last in (
                (date(2026, 3, 2), date(2026, 3, 31)),
                (date(2026, 10, 19), date(2026, 11, 6)),
            )
            for i in range((last - first).days + 1)
            if (first + timedelta(days=i)).weekday() < 5
        }
        assert set(per_day) == expected
        for d in mine:
            wall = d.due_at.astimezone(tz)
            assert (wall.date().isoformat(), wall.strftime("%H:%M")) == (d.period, "17:45")
            assert d.created_at - d.due_at < timedelta(minutes=20)  # enqueued by the first tick after
