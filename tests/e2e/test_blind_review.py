"""Issue 18 item 2: blind second reviews over HTTP, and agreement / kappa on the leads' Home."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.config import EXAMPLE_PROGRAM
from bot.db.engine import transaction
from bot.db.models import Decision, Delivery, Review
from bot.db.models_review2 import BlindReview
from bot.domain.blind_reviews import assign_blind_review, record_blind_review
from bot.domain.consistency import verdict_pairs
from bot.domain.reminders import reminder_plan
from bot.domain.reviews import record_review
from bot.domain.weeks import week_of
from bot.flows.blind_review import CARD_UPDATE_JOB
from bot.program import Program, load_program
from bot.program_review2 import ReviewQuality
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action, Callback
from bot.slack.metadata import DecisionValue
from tests.domain.facts_oracle import review_facts
from tests.helpers import ROSTER_CSV, eventually, load_roster, texts
from tests.live_support import (
    REVIEW_CHANNEL,
    latest_view,
    log_decision,
    make_decision,
    max_view,
    open_review,
    review_post_for,
)

FIRST_COMMENT = "Freeze policy reserves this for the VP; ops cannot approve it alone."
WITH_NIA = ROSTER_CSV + "U0MENTOR2,Nia Mentor,nia@example.com,mentor,,Europe/London\n"


@pytest.fixture
def program() -> Program:
    """Every live decision gets a blind second review (the sample is 10% by default)."""
    return load_program(EXAMPLE_PROGRAM).model_copy(
        update={"review_quality": ReviewQuality(blind_share=1.0, min_pairs=10)}
    )


@pytest.fixture
def roster(casebook, fake: FakeSlack, clock) -> None:
    fake.add_user("U0MENTOR2", "Nia Mentor", "Europe/London")
    load_roster(casebook.deps.sessions, clock.now(), WITH_NIA)


def _blind(casebook, decision_id: int) -> BlindReview:
    with transaction(casebook.deps.sessions) as session:
        row = session.execute(select(BlindReview).where(BlindReview.decision_id == decision_id)).scalar_one()
        session.expunge(row)
        return row


def _second_reviewer(casebook, decision_id: int) -> str:
    from bot.db.models import Person

    with transaction(casebook.deps.sessions) as session:
        row = session.execute(select(BlindReview).where(BlindReview.decision_id == decision_id)).scalar_one()
        person = session.get(Person, row.reviewer_id)
        assert person is not None
        return person.slack_user_id


def _first_review(slack: Simulator, fake: FakeSlack, decision_id: int, *, overturn: bool) -> None:
    action = Action.REVIEW_OVERTURN if overturn else Action.REVIEW_UPHOLD
    view_id, _ = open_review(slack, fake, user="U0MENTOR", decision_id=decision_id, action=action)
    overturned = {"suggested_verdict": "deny", "failed_parts": ["policy"], "comment": FIRST_COMMENT}
    values = overturned if overturn else {"comment": None}
    assert "response_action" not in (slack.submit("U0MENTOR", view_id, values).json or {})


def _card(fake: FakeSlack, user: str):
    return eventually(lambda: [m for m in fake.dms_to(user) if "Blind second review" in m.text])[0]


def _blind_answer(slack, fake, user: str, decision_id: int, action: str, values: dict) -> dict:
    card = _card(fake, user)
    before = max_view(fake)
    value = DecisionValue(decision_id=decision_id).dump()
    slack.click(
        user,
        action_id=action,
        value=value,
        block_id="blind_actions",
        channel=card.channel,
        message_ts=card.ts,
    )
    view_id, view = latest_view(fake, Callback.BLIND_REVIEW, after=before)
    reply = slack.submit(user, view_id, values)
    assert reply.status == 200 and "response_action" not in (reply.json or {})
    return view


def _seen_by(fake: FakeSlack, user: str) -> str:
    """Everything Casebook sent this person: DMs (as last edited) and replies to their clicks."""
    dms = [m.text + "\n" + texts(m.blocks) for m in fake.dms_to(user)]
    replies = [texts(r.get("blocks") or []) + (r.get("text") or "") for r in fake.responses]
    return "\n".join(dms + replies)


def _no_trace_of_first_verdict(seen: str) -> None:
    for trace in (
        FIRST_COMMENT,
        "verturned",
        "should have been *deny*",
        "<@U0MENTOR>",
        REVIEW_CHANNEL,
        "Mo Mentor",
    ):
        assert trace not in seen, trace


def test_blind_second_review_cannot_see_the_first_verdict_and_does_not_change_rework(
    casebook, roster, slack: Simulator, fake: FakeSlack, clock
) -> None:
    decision_id = log_decision(slack, fake, casebook.deps.sessions)
    second = _second_reviewer(casebook, decision_id)
    assert second in ("U0MENTOR2", "U0LEAD")  # not the author, not their mentor (the first reviewer)
    card = _card(fake, second)
    assert "measurement only" in texts(card.blocks)
    assert {e["action_id"] for b in card.blocks if b["type"] == "actions" for e in b["elements"]} == {
        Action.BLIND_UPHOLD,
        Action.BLIND_OVERTURN,
    }

    slack.open_home(second)
    waiting = eventually(lambda: (h := fake.home.get(second)) and texts(h["blocks"]))
    assert "Blind second reviews waiting (1)" in waiting and f"*#{decision_id}*" in waiting
    assert f"queue_{decision_id}" not in str(fake.home[second]["blocks"])  # not in their review queue

    clock.advance(timedelta(hours=2))
    _first_review(slack, fake, decision_id, overturn=True)
    week = week_of(clock.now(), casebook.deps.program.tz)
    with transaction(casebook.deps.sessions) as session:
        assert session.get(Decision, decision_id).review_status == "overturned"
        before = review_facts(session=session, week=week)
    assert (before.reviewed, before.overturned) == (1, 1)

    # A click on the review post's button tells them it's reviewed, not how or by whom.
    post = review_post_for(fake, decision_id)
    value = DecisionValue(decision_id=decision_id).dump()
    slack.click(
        second, action_id=Action.REVIEW_UPHOLD, value=value, channel=REVIEW_CHANNEL, message_ts=post.ts
    )
    eventually(lambda: any("blind second reviewer" in (r.get("text") or "") for r in fake.responses))

    # Answering after the first verdict: still blind.
    modal = _blind_answer(
        slack, fake, second, decision_id, Action.BLIND_UPHOLD, {"comment": "Bounded and reversible."}
    )
    _no_trace_of_first_verdict(texts(modal["blocks"]))
    row = _blind(casebook, decision_id)
    assert (row.status, row.verdict, row.comment) == ("answered", "uphold", "Bounded and reversible.")
    with transaction(casebook.deps.sessions) as session:
        assert session.get(Decision, decision_id).review_status == "overturned"  # the first verdict decides
        assert session.execute(select(func.count(Review.id))).scalar_one() == 1
        after = review_facts(session=session, week=week)
    assert (after.reviewed, after.overturned) == (1, 1)  # rework unchanged

    slack.open_home(second)
    eventually(lambda: "Blind second reviews waiting" not in texts(fake.home[second]["blocks"]))
    updated = eventually(lambda: (c := _card(fake, second)).edited and c)
    assert "You said *Uphold*" in texts(updated.blocks)
    assert not any(b["type"] == "actions" for b in updated.blocks)
    casebook.deps.dispatcher.wait_idle()
    _no_trace_of_first_verdict(_seen_by(fake, second))

    # A replayed submission changes nothing and updates the card once.
    _blind_answer_replay(slack, fake, second, modal)
    assert _blind(casebook, decision_id).answered_at == row.answered_at
    with transaction(casebook.deps.sessions) as session:
        updates = session.execute(
            select(func.count(Delivery.id)).where(Delivery.job == CARD_UPDATE_JOB)
        ).scalar_one()
    assert updates == 1


def _blind_answer_replay(slack: Simulator, fake: FakeSlack, user: str, modal: dict) -> None:
    reply = slack.submit_view(user, modal, {"comment": "Changed my mind entirely."})
    assert reply.status == 200


def test_blind_answer_before_the_first_stays_blind_and_is_paired(
    casebook, roster, slack: Simulator, fake: FakeSlack, clock
) -> None:
    decision_id = log_decision(slack, fake, casebook.deps.sessions)
    second = _second_reviewer(casebook, decision_id)
    refused = slack.submit_view(
        second,
        _blind_modal_for(slack, fake, second, decision_id),
        {"suggested_verdict": "deny", "comment": "short"},
    )
    assert "at least 10 characters" in refused.json["errors"]["comment"]
    _blind_answer(
        slack,
        fake,
        second,
        decision_id,
        Action.BLIND_OVERTURN,
        {"suggested_verdict": "escalate", "comment": "Needs the service owner to sign off first."},
    )
    assert _blind(casebook, decision_id).verdict == "overturn"
    with transaction(casebook.deps.sessions) as session:
        assert session.get(Decision, decision_id).review_status == "pending"  # blind never decides
    _first_review(slack, fake, decision_id, overturn=False)
    with transaction(casebook.deps.sessions) as session:
        assert session.get(Decision, decision_id).review_status == "upheld"
        [pair] = verdict_pairs(session=session)
    assert (pair.first_verdict, pair.second_verdict, pair.second_slack_id) == ("uphold", "overturn", second)
    casebook.deps.dispatcher.wait_idle()
    seen = _seen_by(fake, second)
    assert "pheld" not in seen and "<@U0MENTOR>" not in seen


def _blind_modal_for(slack: Simulator, fake: FakeSlack, user: str, decision_id: int) -> dict:
    card = _card(fake, user)
    before = max_view(fake)
    value = DecisionValue(decision_id=decision_id).dump()
    slack.click(
        user,
        action_id=Action.BLIND_OVERTURN,
        value=value,
        block_id="blind_actions",
        channel=card.channel,
        message_ts=card.ts,
    )
    return latest_view(fake, Callback.BLIND_REVIEW, after=before)[1]


# The hand-worked example of tests/domain/test_consistency.py: 8 of 10 agree, kappa 11/21 = 0.52.
HAND = (
    [("uphold", "uphold")] * 6
    + [("uphold", "overturn"), ("overturn", "uphold")]
    + [("overturn", "overturn")] * 2
)


def test_leads_home_shows_the_hand_worked_agreement_and_kappa(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())  # Lee Lead is the only possible second reviewer
    slack.open_home("U0LEAD")  # before any pair: the section says the figure is coming
    empty = eventually(lambda: texts((fake.home.get("U0LEAD") or {}).get("blocks") or []))
    assert "Reviewer consistency" in empty and "not enough data yet — 0 of the 10" in empty
    sessions = casebook.deps.sessions
    now = clock.now()
    for i, (first, second) in enumerate(HAND):
        decision_id = make_decision(sessions, now=now + timedelta(minutes=i), title=f"exception number {i}")
        with transaction(sessions) as session:
            assigned = assign_blind_review(session=session, now=now, decision_id=decision_id, share=1.0)
            assert assigned is not None and assigned.reviewer_slack_id == "U0LEAD"
            for who, verdict, record in (
                ("U0MENTOR", first, record_review),
                ("U0LEAD", second, record_blind_review),
            ):
                record(
                    session=session,
                    now=now + timedelta(hours=1),
                    decision_id=decision_id,
                    reviewer_slack_id=who,
                    verdict=verdict,
                    comment=f"{who} says {verdict} on {i}, at length" if verdict == "overturn" else None,
                    suggested_verdict="deny" if verdict == "overturn" else None,
                )
        if i == 8:  # 9 pairs: below the minimum sample
            slack.open_home("U0LEAD")
            body = eventually(lambda: texts((fake.home.get("U0LEAD") or {}).get("blocks") or []))
            assert (
                "not enough data yet — 9 of the 10" in body
                and "kappa" not in body.split("Reviewer consistency")[1].split("Kappa:")[0]
            )

    slack.open_home("U0LEAD")
    body = eventually(lambda: (t := texts(fake.home["U0LEAD"]["blocks"])) and "8 of 10" in t and t)
    assert "agreed on *8 of 10* (80%); Cohen's kappa *0.52*" in body
    assert "Lee Lead / Mo Mentor     10    80%   0.52" in body
    assert "policy_violation     10    80%   0.52" in body
    assert "Disagreements (2)" in body
    assert "U0LEAD says overturn on 6, at length" in body and "U0MENTOR says overturn on 7, at length" in body
    for user in ("U0MENTOR", "U0PM", "U0ENG1"):
        slack.open_home(user)
        other = eventually(lambda u=user: fake.home.get(u))
        assert "Reviewer consistency" not in texts(other["blocks"])


def test_blind_reviewers_queue_and_reminders_leave_out_what_they_review_blind(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    """The queue and the overdue reminder link to the review post, where the first verdict lands."""
    solo = "U0SOLO,Sol Engineer,sol@example.com,engineer,,America/New_York\n"  # no mentor: leads remind
    load_roster(casebook.deps.sessions, clock.now(), ROSTER_CSV + solo)
    fake.add_user("U0SOLO", "Sol Engineer", "America/New_York")
    sessions, start = casebook.deps.sessions, clock.now() - timedelta(hours=30)
    blind_for: dict[str, int] = {}
    for i in range(20):
        decision_id = make_decision(sessions, now=start, user="U0SOLO", title=f"solo exception {i}")
        with transaction(sessions) as session:
            got = assign_blind_review(session=session, now=start, decision_id=decision_id, share=1.0)
        assert got is not None and got.reviewer_slack_id in ("U0MENTOR", "U0LEAD")
        blind_for.setdefault(got.reviewer_slack_id, decision_id)
        if len(blind_for) == 2:
            break
    lead_blind, mentor_blind = blind_for["U0LEAD"], blind_for["U0MENTOR"]
    with transaction(sessions) as session:
        plan = reminder_plan(
            session=session, now=clock.now(), sla=timedelta(hours=24), tz=casebook.deps.program.tz
        )
        [lead] = [r for r in plan if r.person.slack_user_id == "U0LEAD"]
        reminded = {item.decision_id for item in lead.items}
    assert mentor_blind in reminded and lead_blind not in reminded
    slack.open_home("U0LEAD")
    home = eventually(lambda: (h := fake.home.get("U0LEAD")) and texts(h["blocks"]))
    assert f"#{mentor_blind} " in home and f"#{lead_blind} " not in home
