"""The five audit questions, answered on a hand-checked fixture (see tests/audit_fixture.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from bot.db.engine import transaction
from bot.db.models import Scenario, ScenarioVersion
from bot.domain import audit_queries as q
from bot.domain.decisions import record_decision
from bot.domain.errors import DomainError, NotFound
from bot.domain.people import find_by_slack_id
from tests.audit_fixture import NY, OVERTURN_D1, OVERTURN_D2, build, local
from tests.live_support import justification


@pytest.fixture
def ids(sessions) -> dict[str, int]:
    return build(sessions)


def test_decisions_by_person_uses_local_dates_inclusive(sessions, ids) -> None:
    with transaction(sessions) as session:
        rows = q.decisions_by_person(
            session=session, slack_user_id="U0ENG1", first=date(2026, 11, 16), last=date(2026, 11, 22), tz=NY
        )
        live = q.decisions_by_person(
            session=session,
            slack_user_id="U0ENG1",
            first=date(2026, 11, 16),
            last=date(2026, 11, 22),
            tz=NY,
            kind="live",
        )
    assert [r["decision_id"] for r in rows] == [ids["d1"], ids["d2"], ids["d6"], ids["d4"]]
    assert [r["decision_id"] for r in live] == [ids["d1"], ids["d2"], ids["d4"]]
    first = rows[0]
    assert tuple(first) == q.DECISION_COLUMNS
    assert first["decided_at"] == "2026-11-16T15:00:00Z"
    assert (first["review_status"], first["reviewer"]) == ("overturned", "U0LEAD")
    assert first["source"] == "https://ggen.example.com/holds/1"
    assert rows[3]["decided_at"] == "2026-11-23T04:30:00Z"  # Sunday night locally, Monday in UTC


def test_decisions_by_person_errors(sessions, ids) -> None:
    with transaction(sessions) as session:
        with pytest.raises(NotFound, match="U0NOBODY"):
            q.decisions_by_person(
                session=session,
                slack_user_id="U0NOBODY",
                first=date(2026, 11, 1),
                last=date(2026, 11, 2),
                tz=NY,
            )
        with pytest.raises(DomainError, match="ends"):
            q.decisions_by_person(
                session=session,
                slack_user_id="U0ENG1",
                first=date(2026, 11, 2),
                last=date(2026, 11, 1),
                tz=NY,
            )


def test_escalations_by_category_in_a_week(sessions, ids) -> None:
    with transaction(sessions) as session:
        live = q.escalations_by_category(session=session, week="2026-W47", tz=NY)
        everything = q.escalations_by_category(session=session, week="2026-W47", tz=NY, kind=None)
    assert live == [
        {
            "category": "security_exception",
            "decisions": 2,
            "escalations": 2,
            "share": 1.0,
            "decision_ids": f"{ids['d2']} {ids['d3']}",
        },
        {
            "category": "policy_violation",
            "decisions": 2,
            "escalations": 1,
            "share": 0.5,
            "decision_ids": str(ids["d4"]),
        },
    ]
    assert [(r["category"], r["escalations"]) for r in everything] == [
        ("security_exception", 2),
        ("change_freeze", 1),
        ("policy_violation", 1),
    ]


def test_escalations_week_must_be_an_iso_week(sessions, ids) -> None:
    with transaction(sessions) as session:
        for bad in ("2026-47", "2026-W54", "W47"):
            with pytest.raises(DomainError, match="week"):
                q.escalations_by_category(session=session, week=bad, tz=NY)


def test_overturns_with_reviewer_and_comment(sessions, ids) -> None:
    with transaction(sessions) as session:
        rows = q.overturns(session=session)
        recent = q.overturns(session=session, since=local(2026, 11, 17, 0, 0))
    assert [(r["decision_id"], r["reviewer"], r["should_have_been"], r["comment"]) for r in rows] == [
        (ids["d1"], "U0LEAD", "deny", OVERTURN_D1),
        (ids["d2"], "U0MENTOR", "approve", OVERTURN_D2),
    ]
    assert rows[0]["engineer"] == "U0ENG1" and rows[0]["decided"] == "approve"
    assert rows[0]["reviewed_at"] == "2026-11-16T20:00:00Z"
    assert [r["decision_id"] for r in recent] == [ids["d2"]]


def test_pending_beyond_the_sla(sessions, ids) -> None:
    now = local(2026, 11, 24, 0, 0)  # 05:00 UTC: d4 has waited 24.5 h, d5 only 23.5 h
    with transaction(sessions) as session:
        rows = q.pending_beyond_sla(session=session, now=now, sla_hours=24)
        tighter = q.pending_beyond_sla(session=session, now=now, sla_hours=12)
    assert [(r["decision_id"], r["waiting_hours"]) for r in rows] == [(ids["d7"], 192.0), (ids["d4"], 24.5)]
    assert rows[0]["mentor"] == "U0MENTOR" and rows[0]["engineer"] == "U0ENG1"
    assert [r["decision_id"] for r in tighter] == [ids["d7"], ids["d4"], ids["d5"]]


def test_history_of_a_live_decision_with_hashes(sessions, ids) -> None:
    with transaction(sessions) as session:
        history = q.decision_history(session=session, decision_id=ids["d1"])
    assert history.decision["verdict"] == "approve" and history.decision["review_status"] == "overturned"
    assert history.source == {"type": "live source", "url": "https://ggen.example.com/holds/1", "text": None}
    assert history.review is not None and history.review["reviewer"] == "U0LEAD"
    assert [e["action"] for e in history.events] == ["decision.recorded", "review.recorded"]
    assert all(e["hash_ok"] and len(e["hash"]) == 64 for e in history.events)
    assert history.events[1]["payload"]["after"] == {"review_status": "overturned"}
    records = history.records()
    assert [r["record"] for r in records] == ["decision", "source", "review", "event", "event"]
    timeline = history.timeline()
    assert timeline[-1]["hash"] == history.events[-1]["hash"]


def test_history_flags_an_event_whose_row_was_altered(sessions, ids) -> None:
    """If someone bypasses the append-only guard, history shows the broken hash."""
    with transaction(sessions) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete"))
        else:
            session.execute(text("DROP TRIGGER audit_events_no_update"))
        session.execute(
            text(
                "UPDATE audit_events SET reason = 'edited' "
                "WHERE action = 'review.recorded' AND subject_id = :d"
            ),
            {"d": str(ids["d1"])},
        )
    with transaction(sessions) as session:
        history = q.decision_history(session=session, decision_id=ids["d1"])
    assert [e["hash_ok"] for e in history.events] == [True, False]
    assert "HASH MISMATCH" in history.timeline()[-1]["detail"]


def test_history_of_a_practice_decision_names_the_scenario_version(sessions, ids) -> None:
    now = local(2026, 11, 10, 9, 0)
    with transaction(sessions) as session:
        scenario = Scenario(
            slug="pv-01-loadtest-namespace-tag", category="policy_violation", complexity="low"
        )
        session.add(scenario)
        session.flush()
        version = ScenarioVersion(
            scenario_id=scenario.id,
            version=3,
            content_hash="ab" * 32,
            content={"title": "x"},
            expected_verdict="approve",
            created_at=now,
        )
        session.add(version)
        session.flush()
        person = find_by_slack_id(session=session, slack_user_id="U0ENG2")
        decision = record_decision(
            session=session,
            now=now,
            person_id=person.id,
            actor="U0ENG2",
            kind="practice",
            verdict="approve",
            justification=justification(),
            idempotency_key="practice:pv-01",
            category="policy_violation",
            title="Load-test namespace tag",
            scenario_version_id=version.id,
        ).decision
        session.flush()
        history = q.decision_history(session=session, decision_id=decision.id)
        rows = q.decisions_by_person(
            session=session, slack_user_id="U0ENG2", first=date(2026, 11, 10), last=date(2026, 11, 10), tz=NY
        )
    assert history.source["scenario"] == "pv-01-loadtest-namespace-tag"
    assert history.source["version"] == 3 and history.source["content_hash"] == "ab" * 32
    assert history.review is None
    assert rows[0]["source"] == "scenario pv-01-loadtest-namespace-tag v3"


def test_history_of_a_missing_decision(sessions, ids) -> None:
    with transaction(sessions) as session, pytest.raises(NotFound):
        q.decision_history(session=session, decision_id=10_000)
