"""End to end over HTTP: practice cards, the justification modal, feedback, review posts, retries."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import func, select

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import Assignment, AuditEvent, Decision, Delivery
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action
from bot.slack.metadata import NextValue
from tests.e2e.cards import (
    assignment_id,
    card_actions,
    cards,
    click_decision,
    decide,
    expected_of,
    good_values,
    justify_modal,
    modal_for,
    open_card,
)
from tests.helpers import button, eventually, load_roster, press, texts

ENG = "U0ENG1"
REVIEW = "C0CBREVIEW"


def _decisions(casebook: Casebook) -> list[Decision]:
    with transaction(casebook.deps.sessions) as session:
        return list(session.execute(select(Decision).order_by(Decision.id)).scalars())


def _feedback(fake: FakeSlack, user: str) -> list:
    return [m for m in fake.dms_to(user) if m.text.startswith(("Correct", "Acceptable", "Differs"))]


def test_practice_card_to_feedback_and_review_post(
    casebook, slack: Simulator, fake: FakeSlack, clock, roster
) -> None:
    assert slack.command(ENG, "practice rollback").status == 200
    assert "on its way" in eventually(lambda: fake.responses)[-1]["text"]
    card = open_card(fake, ENG)
    body = texts(card.blocks)
    assert "Rollback" in body and "complexity" in body
    assert "Policy that fired" in body and "```" in body
    assert {e["action_id"] for e in card_actions(card)["elements"]} >= {
        Action.DECIDE_APPROVE,
        Action.DECIDE_DENY,
        Action.DECIDE_ESCALATE,
    }
    expected, acceptable, version_id = expected_of(casebook.deps.sessions, card)
    wrong = next(v for v in ("approve", "deny", "escalate") if v != expected and v not in acceptable)

    clock.advance(timedelta(seconds=95))
    click_decision(slack, ENG, card, wrong)
    view_id = justify_modal(fake)
    assert fake.views[view_id]["title"]["text"] == f"Justify: {wrong.capitalize()}"
    short = dict(good_values(wrong), policy="too short", evidence="")
    reply = slack.submit(ENG, view_id, short)
    assert reply.status == 200
    assert reply.json["response_action"] == "errors"
    assert "at least 20 characters" in reply.json["errors"]["policy"]
    assert "required" in reply.json["errors"]["evidence"]
    assert _decisions(casebook) == []

    values = good_values(wrong, extra=" <!channel> & <@U0MENTOR>")
    reply = slack.submit(ENG, view_id, values)
    assert reply.status == 200 and reply.body in (b"", b"{}")

    decided = eventually(lambda: fake.dms_to(ENG)[0].edited and fake.dms_to(ENG)[0])
    assert card_actions(decided) is None, "a decided card keeps no buttons"
    assert f"You decided *{wrong.capitalize()}*" in texts(decided.blocks)
    feedback = eventually(lambda: _feedback(fake, ENG))[0]
    fb = texts(feedback.blocks)
    assert "Differs" in fb and f"expected call is *{expected.capitalize()}*" in fb
    assert "Key points" in fb and "not named" in fb
    assert "Approve when" in fb and "Escalate when" in fb
    assert any(
        e.get("action_id") == Action.NEXT_SCENARIO
        for b in feedback.blocks
        if b["type"] == "actions"
        for e in b["elements"]
    )
    post = eventually(lambda: fake.messages_in(REVIEW))[0]
    assert "Practice decision" in texts(post.blocks)

    [decision] = _decisions(casebook)
    assert decision.kind == "practice" and decision.verdict == wrong and decision.outcome == "differs"
    assert decision.scenario_version_id == version_id
    assert decision.seconds_to_decide == 95
    assert decision.review_status == "pending"
    everything = [m.text for m in fake.messages] + [texts(m.blocks) for m in fake.messages]
    assert not any("<!channel>" in t or "<@U0MENTOR>" in t for t in everything)
    assert "&lt;!channel&gt;" in texts(post.blocks)
    assert "&lt;!channel&gt;" in texts(decided.blocks)


def test_feedback_names_key_points_from_keywords(casebook, slack: Simulator, fake: FakeSlack, roster) -> None:
    slack.command(ENG, "practice rollback")
    card = open_card(fake, ENG)
    expected, _, _ = expected_of(casebook.deps.sessions, card)
    lib = casebook.deps.library
    assert lib is not None
    title = texts(card.blocks).splitlines()[0]
    spec = next(s for s in lib.scenarios if s.title == title)
    first = spec.key_points[0]
    click_decision(slack, ENG, card, expected)
    # issue 12: a keyword counts only inside a real sentence (case still ignored)
    values = good_values(
        expected, extra=f" It hinges on {first.keywords[0].upper()} which is what ops must check."
    )
    slack.submit(ENG, justify_modal(fake), values)
    feedback = texts(eventually(lambda: _feedback(fake, ENG))[0].blocks)
    assert feedback.startswith(":white_check_mark: Correct")
    assert f":white_check_mark: {first.point}" in feedback
    for missed in spec.key_points[1:]:
        if not any(
            k.casefold() in values["policy"].casefold() + values["evidence"].casefold()
            for k in missed.keywords
        ):
            assert f"{missed.point} — _not named_" in feedback


def test_retried_double_and_concurrent_submissions_leave_one_decision(
    casebook, slack: Simulator, fake: FakeSlack, roster
) -> None:
    slack.command(ENG, "practice")
    card = open_card(fake, ENG)
    expected, _, _ = expected_of(casebook.deps.sessions, card)
    click_decision(slack, ENG, card, expected)
    click_decision(slack, ENG, card, expected)  # a double click opens a second modal
    first, second = justify_modal(fake, count=1), justify_modal(fake, count=2)
    values = good_values(expected)

    replies = []
    threads = [
        threading.Thread(target=lambda v=v: replies.append(slack.submit(ENG, v, values)))
        for v in (first, first, second, first)  # a Slack retry, a double submit, concurrent
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status for r in replies] == [200] * 4
    slack.submit(ENG, first, values)  # and a late retry
    eventually(lambda: _feedback(fake, ENG))
    casebook.deps.dispatcher.wait_idle(5)
    time.sleep(0.3)
    assert len(_decisions(casebook)) == 1
    assert len(_feedback(fake, ENG)) == 1
    assert len(fake.messages_in(REVIEW)) == 1
    assert len(fake.calls_to("chat.update")) == 1
    with transaction(casebook.deps.sessions) as session:
        events = session.execute(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "decision.recorded")
        ).scalar_one()
    assert events == 1


def test_a_second_different_submission_gets_a_note(
    casebook, slack: Simulator, fake: FakeSlack, roster
) -> None:
    slack.command(ENG, "practice")
    card = open_card(fake, ENG)
    click_decision(slack, ENG, card, "deny")
    click_decision(slack, ENG, card, "approve")
    deny_view, approve_view = modal_for(fake, "deny"), modal_for(fake, "approve")
    slack.submit(ENG, deny_view, good_values("deny"))
    eventually(lambda: _decisions(casebook))  # the modal closes on ack; the record follows
    slack.submit(ENG, approve_view, good_values("approve"))
    note = eventually(lambda: fake.ephemerals)[-1]
    assert "already decided this card: Deny" in note["text"]
    assert [d.verdict for d in _decisions(casebook)] == ["deny"]


def test_click_on_a_decided_card_gets_an_ephemeral_note(
    casebook, slack: Simulator, fake: FakeSlack, roster
) -> None:
    slack.command(ENG, "practice")
    card = open_card(fake, ENG)
    value = card_actions(card)["elements"][0]["value"]
    decide(slack, fake, ENG, card, "escalate", modal=1)
    eventually(lambda: fake.dms_to(ENG)[0].edited)
    assert card_actions(fake.dms_to(ENG)[0]) is None
    views_before = len(fake.views)
    fake.responses.clear()
    click_decision(slack, ENG, card, "approve", value=value)  # a stale client still shows the buttons
    note = eventually(lambda: fake.responses)[-1]
    assert note["response_type"] == "ephemeral"
    assert "already decided this card: Escalate" in texts(note["blocks"])
    assert len(fake.views) == views_before


def test_someone_else_cannot_decide_my_card(casebook, slack: Simulator, fake: FakeSlack, roster) -> None:
    slack.command(ENG, "practice")
    card = open_card(fake, ENG)
    eventually(lambda: fake.responses)
    fake.responses.clear()
    click_decision(slack, "U0ENG2", card, "approve")
    assert "belongs to someone else" in texts(eventually(lambda: fake.responses)[-1]["blocks"])
    assert not any(v.get("callback_id") == "justify_modal" for v in fake.views.values())


def test_next_scenario_deals_a_new_card_once(casebook, slack: Simulator, fake: FakeSlack, roster) -> None:
    slack.command(ENG, "practice")
    card = open_card(fake, ENG)
    first_id = assignment_id(card)
    decide(slack, fake, ENG, card, "deny", modal=1)
    feedback = eventually(lambda: _feedback(fake, ENG))[0]
    value = button(feedback, Action.NEXT_SCENARIO)["value"]
    assert NextValue.load(value).after == first_id
    fake.responses.clear()
    for _ in range(2):  # a double click
        press(slack, ENG, feedback, Action.NEXT_SCENARIO, value=value)
    second = open_card(fake, ENG, count=2)
    assert assignment_id(second) != first_id
    assert "already in your DMs" in texts(eventually(lambda: fake.responses)[-1]["blocks"])
    time.sleep(0.3)
    assert len(cards(fake, ENG)) == 2
    with transaction(casebook.deps.sessions) as session:
        assert session.execute(select(func.count(Assignment.id))).scalar_one() == 2


def test_unknown_category_lists_the_categories_and_guide_shows_one(
    casebook, slack: Simulator, fake: FakeSlack, roster
) -> None:
    slack.command(ENG, "practice <!here>")
    reply = texts(eventually(lambda: fake.responses)[-1]["blocks"])
    assert "I don't know the category `&lt;!here&gt;`" in reply
    for category in ("policy_violation", "change_freeze", "automation_anomaly"):
        assert f"`{category}`" in reply
    assert cards(fake, ENG) == []
    fake.responses.clear()
    slack.command(ENG, "guide change-freeze")
    guide = texts(eventually(lambda: fake.responses)[-1]["blocks"])
    assert "Decision guide: Change freeze" in guide and "Escalate when" in guide


def test_guide_button_on_a_card(casebook, slack: Simulator, fake: FakeSlack, roster) -> None:
    slack.command(ENG, "practice security exception")
    card = open_card(fake, ENG)
    eventually(lambda: fake.responses)
    fake.responses.clear()
    press(slack, ENG, card, Action.SHOW_GUIDE)
    assert "Decision guide: Security exception" in texts(eventually(lambda: fake.responses)[-1]["blocks"])


def test_practice_without_review_posts_when_configured_off(
    settings, program, clock, engine, fake: FakeSlack
) -> None:
    from bot.app import create_app
    from bot.web.devserver import BackgroundServer
    from bot.web.wsgi import make_wsgi
    from tests.conftest import SIGNING_SECRET

    quiet = program.model_copy(
        update={"practice": program.practice.model_copy(update={"post_to_review": False})}
    )
    app = create_app(settings, program=quiet, clock=clock, engine=engine)
    app.start_background()
    server = BackgroundServer(make_wsgi(app)).start()
    try:
        sim = Simulator(events_url=server.url + "/slack/events", signing_secret=SIGNING_SECRET, fake=fake)
        load_roster(app.deps.sessions, clock.now())
        sim.command(ENG, "practice")
        card = open_card(fake, ENG)
        decide(sim, fake, ENG, card, "deny", modal=1)
        feedback = texts(eventually(lambda: _feedback(fake, ENG))[0].blocks)
        assert "review channel" not in feedback
        app.deps.dispatcher.wait_idle(5)
        assert fake.messages_in(REVIEW) == []
        assert [d.review_status for d in _decisions(app)] == ["not_required"]
    finally:
        server.stop()
        app.shutdown(timeout=5)
    assert fake.invalid == []


def test_home_shows_progress_and_practise_button_deals_once(
    casebook, slack: Simulator, fake: FakeSlack, roster
) -> None:
    slack.open_home(ENG)
    home = eventually(lambda: fake.home.get(ENG))
    body = texts(home["blocks"])
    assert "Your practice" in body and "0 scenarios answered" in body
    assert "Not taken yet" in body
    button = next(
        e
        for b in home["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "home_practice"
    )
    slack.click_home(ENG, action_id=Action.HOME_PRACTICE, value=button["value"])
    slack.click_home(ENG, action_id=Action.HOME_PRACTICE, value=button["value"])
    card = open_card(fake, ENG)
    time.sleep(0.3)
    assert len(cards(fake, ENG)) == 1
    decide(slack, fake, ENG, card, "approve", modal=1)
    eventually(lambda: _decisions(casebook))
    slack.open_home(ENG)  # App Home is rebuilt whenever it is opened
    eventually(lambda: "1 scenario answered" in texts(fake.home[ENG]["blocks"]))
    body = texts(fake.home[ENG]["blocks"])
    assert "Your last decisions" in body and "practice, awaiting review" in body


def test_card_sent_while_slack_is_down_arrives_later(
    casebook, slack: Simulator, fake: FakeSlack, clock, roster
) -> None:
    fake.down = True  # 503 on every call: inline retries fail, the ledger keeps the card
    slack.command(ENG, "practice")

    def failed_once() -> Delivery | None:
        with transaction(casebook.deps.sessions) as session:
            found = session.execute(
                select(Delivery).where(Delivery.job == "scenario-card")
            ).scalar_one_or_none()
        return found if found is not None and found.attempts == 1 else None

    delivery = eventually(failed_once)
    assert delivery.status == "pending" and cards(fake, ENG) == []
    fake.down = False
    clock.advance(timedelta(seconds=10))
    casebook.deps.dispatcher.kick()
    card = open_card(fake, ENG)

    def sent() -> Delivery | None:  # the ledger row is marked just after Slack answers
        with transaction(casebook.deps.sessions) as session:
            row = session.get(Delivery, delivery.id)
        return row if row is not None and row.status == "sent" else None

    row = eventually(sent)
    assert row.attempts == 2 and row.ts == card.ts
