"""Recording reviews: permissions, the first verdict standing, input rules, the queue."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.engine import transaction
from bot.db.models import AuditEvent, Decision, Review
from bot.domain.errors import Conflict, Forbidden, NotFound
from bot.domain.people import find_by_slack_id
from bot.domain.reviews import AlreadyReviewed, ReviewInputError, pending_queue, record_review
from tests.conftest import START
from tests.helpers import load_roster
from tests.live_support import make_decision

WHY = "Should have gone to security: restricted data in scope."


@pytest.fixture
def people(sessions) -> None:
    load_roster(sessions, START)


def _record(sessions, decision_id: int, reviewer: str, verdict: str = "uphold", **kw):
    with transaction(sessions) as session:
        return record_review(
            session=session,
            now=START + timedelta(hours=2),
            decision_id=decision_id,
            reviewer_slack_id=reviewer,
            verdict=verdict,
            comment=kw.get("comment"),
            suggested_verdict=kw.get("suggested_verdict"),
        )


def test_uphold_sets_status_and_writes_an_audit_event(sessions, people) -> None:
    decision_id = make_decision(sessions, now=START)
    recorded = _record(sessions, decision_id, "U0MENTOR", comment="  Good call.  ")
    assert recorded.assigned_mentor is None  # the assigned mentor reviewed it
    with transaction(sessions) as session:
        decision = session.get(Decision, decision_id)
        review = session.execute(select(Review)).scalar_one()
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "review.recorded")).scalar_one()
    assert decision.review_status == "upheld"
    assert (review.verdict, review.comment, review.suggested_verdict) == ("uphold", "Good call.", None)
    assert review.decision_kind == "live"
    assert event.subject_type == "decision" and event.subject_id == str(decision_id)
    assert '"before":{"review_status":"pending"}' in event.payload


def test_someone_else_reviewing_names_the_assigned_mentor(sessions, people) -> None:
    decision_id = make_decision(sessions, now=START)
    recorded = _record(sessions, decision_id, "U0LEAD", "overturn", comment=WHY, suggested_verdict="escalate")
    assert recorded.assigned_mentor is not None
    assert recorded.assigned_mentor.slack_user_id == "U0MENTOR"
    assert recorded.decision.review_status == "overturned"


@pytest.mark.parametrize(
    ("reviewer", "error", "message"),
    [
        ("U0ENG2", Forbidden, "Only mentors, leads and admins"),
        ("U0PM", Forbidden, "Only mentors, leads and admins"),
        ("U0STRANGER", Forbidden, "not on the Casebook roster"),
    ],
)
def test_non_reviewers_are_refused(sessions, people, reviewer, error, message) -> None:
    decision_id = make_decision(sessions, now=START)
    with pytest.raises(error, match=message):
        _record(sessions, decision_id, reviewer)


def test_nobody_reviews_their_own_decision(sessions, people) -> None:
    decision_id = make_decision(sessions, now=START, user="U0LEAD")
    with pytest.raises(Forbidden, match="own decision"):
        _record(sessions, decision_id, "U0LEAD")


def test_the_first_verdict_stands(sessions, people) -> None:
    decision_id = make_decision(sessions, now=START)
    _record(sessions, decision_id, "U0MENTOR")
    with pytest.raises(AlreadyReviewed) as caught:
        _record(sessions, decision_id, "U0LEAD", "overturn", comment=WHY, suggested_verdict="deny")
    assert caught.value.reviewer_slack_id == "U0MENTOR" and caught.value.verdict == "uphold"
    assert "Already upheld by Mo Mentor at 2026-11-17 16:00 UTC" in str(caught.value)


def test_unknown_and_unreviewable_decisions(sessions, people) -> None:
    with pytest.raises(NotFound):
        _record(sessions, 999, "U0MENTOR")
    practice = make_decision(sessions, now=START, kind="practice", review_required=False)
    with pytest.raises(Conflict, match="does not need a review"):
        _record(sessions, practice, "U0MENTOR")


@pytest.mark.parametrize(
    ("comment", "suggested", "field", "message"),
    [
        (None, "deny", "comment", "needs a comment"),
        ("too short", "deny", "comment", "at least 10"),
        ("x" * 3001, "deny", "comment", "under 3000"),
        (WHY, None, "suggested_verdict", "should have been made"),
        (WHY, "approve", "suggested_verdict", "uphold instead"),
    ],
)
def test_overturn_input_rules(sessions, people, comment, suggested, field, message) -> None:
    decision_id = make_decision(sessions, now=START, verdict="approve")
    with pytest.raises(ReviewInputError) as caught:
        _record(sessions, decision_id, "U0MENTOR", "overturn", comment=comment, suggested_verdict=suggested)
    assert message in caught.value.errors[field]
    with transaction(sessions) as session:
        assert session.get(Decision, decision_id).review_status == "pending"
        assert session.execute(select(Review)).first() is None


def test_concurrent_reviews_in_the_domain_leave_one(sessions, people) -> None:
    decision_id = make_decision(sessions, now=START)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def attempt(reviewer: str) -> None:
        barrier.wait()
        try:
            _record(sessions, decision_id, reviewer)
            outcomes.append("recorded")
        except AlreadyReviewed:
            outcomes.append("already")

    threads = [threading.Thread(target=attempt, args=(r,)) for r in ["U0MENTOR", "U0LEAD", "U0ADMIN"] * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already"] * 5 + ["recorded"]
    with transaction(sessions) as session:
        assert len(session.execute(select(Review)).all()) == 1


def test_queue_is_oldest_first_and_scoped_to_the_reviewer(sessions, people) -> None:
    old = make_decision(sessions, now=START, user="U0ENG2", title="older")
    new = make_decision(sessions, now=START + timedelta(hours=5), user="U0ENG1", title="newer")
    leads_own = make_decision(sessions, now=START, user="U0LEAD", title="lead's own")
    done = make_decision(sessions, now=START, user="U0ENG1", title="done")
    _record(sessions, done, "U0MENTOR")
    now = START + timedelta(hours=6)
    with transaction(sessions) as session:
        mentor = find_by_slack_id(session=session, slack_user_id="U0MENTOR")
        lead = find_by_slack_id(session=session, slack_user_id="U0LEAD")
        mentor_items, mentor_total = pending_queue(
            session=session, reviewer_id=mentor.id, everyone=False, now=now
        )
        lead_items, lead_total = pending_queue(session=session, reviewer_id=lead.id, everyone=True, now=now)
        first_only, total = pending_queue(
            session=session, reviewer_id=mentor.id, everyone=True, now=now, limit=1
        )
    assert [i.decision_id for i in mentor_items] == [old, new] and mentor_total == 2
    assert mentor_items[0].age == timedelta(hours=6)
    assert [i.decision_id for i in lead_items] == [old, new] and lead_total == 2  # not their own
    assert [i.decision_id for i in first_only] == [old] and total == 3  # leads_own counts for others
    assert leads_own not in [i.decision_id for i in mentor_items]
