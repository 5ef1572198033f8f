"""End to end: Uphold / Overturn on review posts, who may review, the first verdict standing."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.db.engine import transaction
from bot.db.models import AuditEvent, Decision, Review
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action, Callback
from tests.helpers import eventually, texts
from tests.live_support import (
    GOOD,
    REVIEW_CHANNEL,
    click_review,
    last_decision_id,
    log_decision,
    open_alert_form,
    open_review,
    review_post_for,
)

COMMENT = "The freeze policy reserves this for the VP; ops cannot approve it alone."
PARTS = {"failed_parts": ["policy", "escalation"]}  # which part failed: required to overturn (issue 18)


def _review(casebook, decision_id: int) -> tuple[str, list[Review]]:
    with transaction(casebook.deps.sessions) as session:
        decision = session.get(Decision, decision_id)
        assert decision is not None
        reviews = list(session.execute(select(Review).where(Review.decision_id == decision_id)).scalars())
        return decision.review_status, reviews


def _thread(fake: FakeSlack, decision_id: int):
    post = review_post_for(fake, decision_id)
    return fake.messages_in(REVIEW_CHANNEL, thread_ts=post.ts)


def test_log_by_command_then_uphold(casebook, roster, slack: Simulator, fake: FakeSlack, clock) -> None:
    decision_id = log_decision(slack, fake, casebook.deps.sessions)
    clock.advance(timedelta(hours=3))
    view_id, _ = open_review(
        slack, fake, user="U0MENTOR", decision_id=decision_id, action=Action.REVIEW_UPHOLD
    )
    modal = fake.views[view_id]
    assert modal["title"]["text"] == "Uphold decision"
    assert next(b for b in modal["blocks"] if b.get("block_id") == "comment")["optional"] is True

    reply = slack.submit("U0MENTOR", view_id, {"comment": None})

    assert reply.status == 200 and "response_action" not in reply.json
    status, [review] = _review(casebook, decision_id)
    assert status == "upheld" and review.verdict == "uphold" and review.comment is None
    [reply_msg] = eventually(lambda: _thread(fake, decision_id))
    assert "Upheld" in texts(reply_msg.blocks) and "<@U0MENTOR>" in texts(reply_msg.blocks)
    post = eventually(lambda: (p := review_post_for(fake, decision_id)).edited and p)
    assert not any(b["type"] == "actions" for b in post.blocks)
    assert "Upheld" in texts(post.blocks)
    feedback = eventually(lambda: [m for m in fake.dms_to("U0ENG1") if "upheld" in m.text])
    assert f"#{decision_id}" in texts(feedback[0].blocks)
    # The assigned mentor reviewed, so nobody else is told.
    assert not [m for m in fake.dms_to("U0MENTOR") if "decision" in m.text]
    with transaction(casebook.deps.sessions) as session:
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "review.recorded")).scalar_one()
    assert event.subject_id == str(decision_id) and event.actor == "U0MENTOR"
    assert '"before":{"review_status":"pending"}' in event.payload
    assert '"after":{"review_status":"upheld"}' in event.payload


def test_log_by_shortcut_then_overturn_needs_a_comment(
    casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    alert = {"type": "message", "ts": "1763388000.000100", "text": "ggen: orders-db forced replacement"}
    view_id, view = open_alert_form(slack, fake, alert)
    permalink = next(b for b in view["blocks"] if b.get("block_id") == "source_url")["element"][
        "initial_value"
    ]
    assert slack.submit("U0ENG1", view_id, {**GOOD, "source_url": permalink}).status == 200
    decision_id = last_decision_id(casebook.deps.sessions)

    review_view, _ = open_review(
        slack, fake, user="U0LEAD", decision_id=decision_id, action=Action.REVIEW_OVERTURN
    )
    options = next(b for b in fake.views[review_view]["blocks"] if b.get("block_id") == "suggested_verdict")
    assert [o["value"] for o in options["element"]["options"]] == ["deny", "escalate"]

    refused = slack.submit(
        "U0LEAD", review_view, {"suggested_verdict": "escalate", "comment": "", "failed_parts": ["policy"]}
    )
    assert refused.json["response_action"] == "errors"
    assert "needs a comment" in refused.json["errors"]["comment"]
    no_verdict = slack.submit(
        "U0LEAD", review_view, {"suggested_verdict": None, "comment": COMMENT, "failed_parts": ["policy"]}
    )
    assert "should have been made" in no_verdict.json["errors"]["suggested_verdict"]
    assert _review(casebook, decision_id) == ("pending", [])

    ok = slack.submit("U0LEAD", review_view, {"suggested_verdict": "escalate", "comment": COMMENT, **PARTS})

    assert ok.status == 200 and "response_action" not in ok.json
    status, [review] = _review(casebook, decision_id)
    assert (status, review.verdict, review.suggested_verdict, review.comment) == (
        "overturned",
        "overturn",
        "escalate",
        COMMENT,
    )
    [thread_reply] = eventually(lambda: _thread(fake, decision_id))
    assert "Overturned" in texts(thread_reply.blocks) and "should have been *escalate*" in texts(
        thread_reply.blocks
    )
    post = eventually(lambda: (p := review_post_for(fake, decision_id)).edited and p)
    assert "Overturned" in texts(post.blocks) and "reserves this for the VP" in texts(post.blocks)
    feedback = eventually(lambda: [m for m in fake.dms_to("U0ENG1") if "overturned" in m.text])
    body = texts(feedback[0].blocks)
    assert "reserves this for the VP" in body and "Escalate" in body
    # A lead, not the assigned mentor, reviewed: the mentor is told.
    notice = eventually(lambda: [m for m in fake.dms_to("U0MENTOR") if "overturned" in m.text])
    assert "<@U0LEAD>" in texts(notice[0].blocks) and "<@U0ENG1>" in texts(notice[0].blocks)


def test_self_review_and_engineer_review_are_refused(casebook, roster, slack: Simulator, fake) -> None:
    mine = log_decision(slack, fake, casebook.deps.sessions, user="U0MENTOR")
    click_review(slack, fake, user="U0MENTOR", decision_id=mine, action=Action.REVIEW_UPHOLD)
    response = eventually(lambda: [r for r in fake.responses if "own decision" in texts(r.get("blocks"))])
    assert response[0]["response_type"] == "ephemeral"

    theirs = log_decision(slack, fake, casebook.deps.sessions, user="U0ENG1")
    click_review(slack, fake, user="U0ENG2", decision_id=theirs, action=Action.REVIEW_OVERTURN)
    eventually(
        lambda: [r for r in fake.responses if "Only mentors, leads and admins" in texts(r.get("blocks"))]
    )
    click_review(slack, fake, user="U0STRANGER", decision_id=theirs, action=Action.REVIEW_UPHOLD)
    eventually(lambda: [r for r in fake.responses if "not on the Casebook roster" in texts(r.get("blocks"))])

    assert fake.calls_to("views.open")[-1].args["view"]["callback_id"] == Callback.LOG_DECISION
    assert _review(casebook, mine) == ("pending", []) and _review(casebook, theirs) == ("pending", [])


def test_second_verdict_is_refused_with_who_and_when(casebook, roster, slack: Simulator, fake) -> None:
    decision_id = log_decision(slack, fake, casebook.deps.sessions)
    late_view, _ = open_review(
        slack, fake, user="U0ADMIN", decision_id=decision_id, action=Action.REVIEW_OVERTURN
    )
    first, _ = open_review(slack, fake, user="U0MENTOR", decision_id=decision_id, action=Action.REVIEW_UPHOLD)
    assert slack.submit("U0MENTOR", first, {"comment": "Solid reasoning and a clean expiry."}).status == 200

    # A later click gets an ephemeral "already upheld by … at …" and no form.
    views_before = len(fake.calls_to("views.open"))
    click_review(slack, fake, user="U0LEAD", decision_id=decision_id, action=Action.REVIEW_OVERTURN)
    [ephemeral] = eventually(lambda: [r for r in fake.responses if "Already" in texts(r.get("blocks"))])
    assert "*upheld* by <@U0MENTOR>" in texts(ephemeral["blocks"]) and "<!date^" in texts(ephemeral["blocks"])
    assert len(fake.calls_to("views.open")) == views_before

    # A form opened before the verdict is told the same news when submitted (by DM: the
    # verdict is recorded from the inbox, after the form's ack).
    late = slack.submit("U0ADMIN", late_view, {"suggested_verdict": "deny", "comment": COMMENT, **PARTS})
    assert late.status == 200 and "response_action" not in (late.json if late.body else {})
    [news] = eventually(lambda: fake.dms_to("U0ADMIN"))
    assert "Already *upheld* by <@U0MENTOR>" in texts(news.blocks)
    status, reviews = _review(casebook, decision_id)
    assert status == "upheld" and len(reviews) == 1 and reviews[0].comment.startswith("Solid")
    casebook.deps.dispatcher.wait_idle()
    assert len(_thread(fake, decision_id)) == 1


REVIEWERS = ("U0MENTOR", "U0LEAD", "U0ADMIN")


def _race(
    casebook, slack: Simulator, fake: FakeSlack, reviewers: list[str]
) -> tuple[int, list[dict[str, Any]]]:
    """Log a decision, open a verdict form for each reviewer, then submit them all (twice) at once."""
    decision_id = log_decision(slack, fake, casebook.deps.sessions)
    actions = [Action.REVIEW_UPHOLD, Action.REVIEW_OVERTURN]
    views = {
        user: open_review(slack, fake, user=user, decision_id=decision_id, action=actions[i % 2])[0]
        for i, user in enumerate(reviewers)
    }
    barrier = threading.Barrier(len(reviewers) * 2)
    replies: list[dict[str, Any]] = []

    def submit(user: str) -> None:
        barrier.wait()
        reply = slack.submit(user, views[user], {"suggested_verdict": "deny", "comment": COMMENT, **PARTS})
        replies.append(reply.json if reply.body else {})

    threads = [threading.Thread(target=submit, args=(u,)) for u in reviewers * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return decision_id, replies


def test_concurrent_verdicts_leave_exactly_one(casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    """Reviewers submitting at the same instant (signed requests on parallel threads): one verdict stands."""
    for round_no in range(3):
        decision_id, replies = _race(casebook, slack, fake, ["U0MENTOR", "U0LEAD", "U0ADMIN"])

        status, reviews = _review(casebook, decision_id)
        assert len(reviews) == 1, f"round {round_no}: {len(reviews)} reviews"
        assert status == {"uphold": "upheld", "overturn": "overturned"}[reviews[0].verdict]
        # Every form is accepted (the verdicts are recorded from the inbox); the five that came
        # second, the winner's own double submit too, are told by DM that the verdict stands.
        assert replies == [{}] * 6
        told = eventually(lambda: [m for u in REVIEWERS for m in fake.dms_to(u) if "Already" in m.text])
        assert len(told) == 5 * (round_no + 1)
        with transaction(casebook.deps.sessions) as session:
            events = session.execute(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "review.recorded", AuditEvent.subject_id == str(decision_id))
            ).scalar_one()
        assert events == 1
        casebook.deps.dispatcher.wait_idle()
        replies_in_thread = eventually(lambda d=decision_id: _thread(fake, d))
        assert len(replies_in_thread) == 1


def test_mentor_home_lists_the_queue_and_mentees(casebook, roster, slack: Simulator, fake, clock) -> None:
    first = log_decision(slack, fake, casebook.deps.sessions, user="U0ENG1")
    clock.advance(timedelta(hours=30))
    second = log_decision(slack, fake, casebook.deps.sessions, user="U0ENG2")
    slack.open_home("U0MENTOR")
    home = eventually(lambda: fake.home.get("U0MENTOR"))
    body = texts(home["blocks"])
    assert "Waiting for your review (2)" in body
    assert body.index(f"#{first} ") < body.index(f"#{second} ")
    assert "waiting *1 d 6 h*" in body and ":hourglass:" in body
    assert "Ada Engineer" in body and "Bo Engineer" in body and "No assessment yet" in body
    assert "1 live · 0 escalated · 0 overturned" in body

    view_id, _ = open_review(slack, fake, user="U0MENTOR", decision_id=first, action=Action.REVIEW_UPHOLD)
    slack.submit("U0MENTOR", view_id, {})
    slack.open_home("U0MENTOR")  # Slack sends app_home_opened each time the tab is opened
    eventually(lambda: "Waiting for your review (1)" in texts(fake.home["U0MENTOR"]["blocks"]))


def test_database_failure_while_reviewing_keeps_nothing_and_can_be_retried(
    casebook, roster, slack: Simulator, fake: FakeSlack, monkeypatch
) -> None:
    from bot.flows import reviews as reviews_flow

    decision_id = log_decision(slack, fake, casebook.deps.sessions)
    view_id, _ = open_review(
        slack, fake, user="U0MENTOR", decision_id=decision_id, action=Action.REVIEW_OVERTURN
    )
    real = reviews_flow.enqueue_verdict

    def broken(**kwargs):
        raise RuntimeError("server closed the connection unexpectedly")

    monkeypatch.setattr(reviews_flow, "enqueue_verdict", broken)
    values = {"suggested_verdict": "escalate", "comment": COMMENT, **PARTS}
    reply = slack.submit("U0MENTOR", view_id, values)
    assert reply.status == 200  # accepted into the inbox; the failure comes after the ack
    [told] = eventually(lambda: fake.dms_to("U0MENTOR"))
    assert "nothing was saved" in told.text
    assert _review(casebook, decision_id) == ("pending", [])
    with transaction(casebook.deps.sessions) as session:
        assert (
            session.execute(select(AuditEvent).where(AuditEvent.action == "review.recorded")).first() is None
        )

    monkeypatch.setattr(reviews_flow, "enqueue_verdict", real)
    assert "response_action" not in slack.submit("U0MENTOR", view_id, values).json
    assert _review(casebook, decision_id)[0] == "overturned"
    eventually(lambda: _thread(fake, decision_id))
