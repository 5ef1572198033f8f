"""`/casebook metrics`, `incident` and `left` over signed HTTP against the fake Slack."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import Incident
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.helpers import confirm_step, load_roster, reply_to, texts
from tests.metrics_data import decide, person


def test_metrics_is_refused_to_an_engineer(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    body = texts(reply_to(slack, fake, "U0ENG1", "metrics")["blocks"])
    assert "/casebook metrics is for admin, lead, mentor, pm only." in body
    assert "Pilot scorecard" not in body
    assert "metrics" not in texts(reply_to(slack, fake, "U0ENG1", "help")["blocks"])


def test_a_pm_gets_this_weeks_scorecard(casebook: Casebook, slack: Simulator, fake: FakeSlack, clock) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    with transaction(casebook.deps.sessions) as session:
        for verdict in ["approve"] * 4 + ["escalate"]:
            decide(session, "U0PILOT", verdict=verdict, at=clock.now())
    response = reply_to(slack, fake, "U0PM", "metrics")
    body = texts(response["blocks"])
    assert "Pilot scorecard · week 2026-W47 (Nov 16–22)" in body
    assert "*Handling rate* 80% (target &gt; 70%) · pass · no figure last week" in body
    assert "Recommendation: NO CALL YET" in body
    assert response["text"].startswith("Pilot scorecard 2026-W47: NO CALL YET.")
    assert "/casebook metrics [YYYY-Www]" in texts(reply_to(slack, fake, "U0MENTOR", "help")["blocks"])


def test_metrics_for_another_week_and_bad_weeks(casebook, slack: Simulator, fake: FakeSlack, clock) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    assert "week 2026-W46 (Nov 9–15)" in texts(reply_to(slack, fake, "U0LEAD", "metrics 2026-W46")["blocks"])
    assert "No data yet" in texts(reply_to(slack, fake, "U0LEAD", "metrics 2026-W46")["blocks"])
    bad = texts(reply_to(slack, fake, "U0LEAD", "metrics next-week")["blocks"])
    assert "week: 'next-week' is not an ISO week (use YYYY-Www, e.g. 2026-W47)" in bad
    assert "week: 2026 has no ISO week 54" in texts(
        reply_to(slack, fake, "U0ADMIN", "metrics 2026-W54")["blocks"]
    )


def test_a_mentor_records_an_incident(casebook: Casebook, slack: Simulator, fake: FakeSlack, clock) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    body = texts(reply_to(slack, fake, "U0MENTOR", "incident p1 12 INC-42")["blocks"])
    assert "Recorded P1 incident INC-42: responded in 12 min (baseline median 18 min, limit 30 min)." in body
    again = texts(reply_to(slack, fake, "U0MENTOR", "incident P1 12 INC-42")["blocks"])
    assert "already recorded; nothing changed" in again
    with transaction(casebook.deps.sessions) as session:
        rows = session.execute(select(Incident)).scalars().all()
        mentor_id = person(session, "U0MENTOR").id
    assert [(r.ref, r.priority, r.response_minutes, r.source, r.recorded_by) for r in rows] == [
        ("INC-42", "P1", 12, "slack", mentor_id)
    ]
    assert "minutes: 'quick' is not a number" in texts(
        reply_to(slack, fake, "U0PM", "incident P2 quick")["blocks"]
    )
    refused = texts(reply_to(slack, fake, "U0ENG1", "incident P1 5")["blocks"])
    assert "/casebook incident is for admin, lead, mentor, pm only." in refused


def test_an_admin_records_a_leaver(casebook: Casebook, slack: Simulator, fake: FakeSlack, clock) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    refused = texts(reply_to(slack, fake, "U0PM", "left <@U0ENG2|bo> moved on")["blocks"])
    assert "/casebook left is for admin only." in refused
    missing = texts(reply_to(slack, fake, "U0ADMIN", "left <@U0ENG2|bo>")["blocks"])
    assert "reason: say why they left" in missing
    asked = texts(reply_to(slack, fake, "U0ADMIN", "left <@U0ENG2|bo> moved to the <SRE> team")["blocks"])
    assert "Record that *Bo Engineer*" in asked  # issue 16: a confirm step before an irreversible change
    body = texts(confirm_step(slack, fake, "U0ADMIN")["blocks"])
    assert (
        "Recorded that Bo Engineer (<@U0ENG2>) left the program today: moved to the &lt;SRE&gt; team." in body
    )
    with transaction(casebook.deps.sessions) as session:
        bo = person(session, "U0ENG2")
        assert (bo.status, bo.left_reason, bo.left_at) == ("left", "moved to the <SRE> team", clock.now())
    twice = texts(reply_to(slack, fake, "U0ADMIN", "left <@U0ENG2> again")["blocks"])
    assert "Bo Engineer is already recorded as having left on 2026-11-17." in twice
    unknown = texts(reply_to(slack, fake, "U0ADMIN", "left <@U0NOBODY> gone")["blocks"])
    assert "U0NOBODY is not on the roster" in unknown
