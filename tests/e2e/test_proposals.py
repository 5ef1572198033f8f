"""End to end: the `patterns` job raises a proposal exactly when the thresholds are crossed, leads get
one DM each and a Home section, and Accept records a process improvement (over signed HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.engine import transaction
from bot.db.models import AuditEvent, Delivery
from bot.db.models_patterns import PatternProposal, ProcessImprovement
from bot.domain.patterns import accepted_improvements, proposals_report
from bot.jobs import patterns as patterns_job
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action
from tests.helpers import eventually, load_roster, texts
from tests.pattern_support import RULE, live


@pytest.fixture
def db(casebook, clock):
    load_roster(casebook.deps.sessions, clock.now())
    return casebook.deps.sessions


def _approvals(db, clock, count: int, *, start_days: int = 1) -> list[int]:
    return [
        live(db, now=clock.now() - timedelta(days=start_days + i, hours=1), title=f"namespace exception {i}")
        for i in range(count)
    ]


def _count(db, model) -> int:
    with transaction(db) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_proposal_raised_exactly_at_the_threshold_and_accepted(
    casebook, db, slack: Simulator, fake: FakeSlack, clock
) -> None:
    _approvals(db, clock, 6)  # min_approvals is 7 in the example program
    live(db, now=clock.now() - timedelta(days=22), title="old one, outside 3 weeks")
    assert patterns_job.run(deps=casebook.deps, at=clock.now()) == 0
    assert _count(db, PatternProposal) == 0

    ids = _approvals(db, clock, 1, start_days=8)
    assert patterns_job.run(deps=casebook.deps, at=clock.now()) == 1  # one lead in the roster
    assert patterns_job.run(deps=casebook.deps, at=clock.now() + timedelta(hours=2)) == 0  # never twice

    dm = eventually(lambda: [m for m in fake.dms_to("U0LEAD") if "standing rule" in m.text])[0]
    body = texts(dm.blocks)
    assert (
        "policy resource-tagging rule require-cost-center: 7 approvals with the same conditions in 3 weeks, "
        "0 overturned — consider a standing rule" in body
    )
    assert f"#{ids[0]}" in body
    with transaction(db) as session:
        [delivery] = session.execute(select(Delivery).where(Delivery.job == "pattern-proposal")).scalars()
        [report] = proposals_report(session=session)
    assert (delivery.recipient, delivery.period) == ("U0LEAD", f"proposal-{report['id']}")

    slack.open_home("U0LEAD")
    home = eventually(lambda: "Policy proposals" in texts(fake.home.get("U0LEAD", {}).get("blocks", [])))
    assert home
    value = next(
        e["value"]
        for b in dm.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.PROPOSAL_ACCEPT
    )
    assert (
        slack.click(
            "U0MENTOR", action_id=Action.PROPOSAL_ACCEPT, value=value, channel=dm.channel, message_ts=dm.ts
        ).status
        == 200
    )
    assert (
        slack.click(
            "U0LEAD", action_id=Action.PROPOSAL_ACCEPT, value=value, channel=dm.channel, message_ts=dm.ts
        ).status
        == 200
    )
    eventually(lambda: _count(db, ProcessImprovement) == 1)
    said = eventually(lambda: "\n".join(texts(r.get("blocks") or []) for r in fake.responses))
    assert "Only leads decide policy proposals" in said
    assert eventually(
        lambda: any(
            "accepted — recorded as a process improvement" in texts(r.get("blocks") or [])
            and r.get("replace_original")
            for r in fake.responses
        )
    )
    slack.click(
        "U0LEAD", action_id=Action.PROPOSAL_DISMISS, value=value, channel=dm.channel, message_ts=dm.ts
    )
    with transaction(db) as session:
        assert session.execute(select(PatternProposal.status)).scalar_one() == "accepted"
        [improvement] = accepted_improvements(
            session=session, since=clock.now() - timedelta(days=1), until=clock.now() + timedelta(days=1)
        )
        events = session.execute(
            select(AuditEvent.action, AuditEvent.actor).where(AuditEvent.subject_type == "pattern_proposal")
        ).all()
    assert improvement.policy_rule == RULE
    assert sorted(events) == [("process_improvement.recorded", "U0LEAD"), ("proposal.raised", "casebook")]
    assert _count(db, ProcessImprovement) == 1


def test_one_overturn_means_no_standing_proposal(casebook, db, clock) -> None:
    _approvals(db, clock, 7)
    live(
        db,
        now=clock.now() - timedelta(days=2),
        title="denied then overturned",
        verdict="deny",
        review="overturn",
    )
    assert patterns_job.run(deps=casebook.deps, at=clock.now()) == 0
    assert _count(db, PatternProposal) == 0


def test_clarify_when_overturned_often(casebook, db, fake: FakeSlack, clock) -> None:
    for i in range(2):
        live(db, now=clock.now() - timedelta(days=i + 1), title=f"overturned {i}", review="overturn")
    live(db, now=clock.now() - timedelta(days=4), title="upheld", review="uphold")
    assert patterns_job.run(deps=casebook.deps, at=clock.now()) == 0  # 2 overturns: below 3
    live(db, now=clock.now() - timedelta(days=5), title="overturned 3", review="overturn")
    assert patterns_job.run(deps=casebook.deps, at=clock.now()) == 1  # 3 of 4 reviewed
    dm = eventually(lambda: [m for m in fake.dms_to("U0LEAD") if "clarify" in m.text])[0]
    assert "3 of 4 reviewed decisions overturned in 3 weeks — clarify this rule" in texts(dm.blocks)
