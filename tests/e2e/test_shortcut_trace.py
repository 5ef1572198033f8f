"""Issue 16: *Handle as exception* leaves a trace on the alert and prefills a short title and a category."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.engine import transaction
from bot.db.models import Decision
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.simulator import Simulator
from tests.helpers import eventually, load_roster, texts
from tests.live_support import GOOD, open_alert_form, review_post_for

ALERT = {
    "type": "message",
    "ts": "1763388000.000300",
    "text": (
        ":rotating_light: [FIRING:1] Deploy of checkout-web blocked by the change freeze. The team asks to "
        "ship a hotfix during the freeze window; revenue impact is projected at 2% per hour"
    ),
    "user": "U0ALERTBOT",
}


def _post_alert(fake: FakeSlack, channel: str = "C0ALERTS") -> None:
    """The alert as someone else's message in the channel (a thread reply needs its parent)."""
    with fake.lock:
        fake.messages.append(Message(channel, ALERT["ts"], ALERT["user"], ALERT["text"], []))


def test_shortcut_replies_in_the_alert_thread_and_warns_the_next_person(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    _post_alert(fake)
    view_id, view = open_alert_form(slack, fake, ALERT)
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["title"]["initial_value"] == "Deploy of checkout-web blocked by the change freeze"
    assert inputs["category"]["initial_option"]["value"] == "change_freeze"
    assert "already handling" not in texts(view["blocks"])

    assert slack.submit("U0ENG1", view_id, {**GOOD, "category": "change_freeze"}).status == 200
    with transaction(casebook.deps.sessions) as session:
        decision_id = session.execute(select(Decision.id)).scalar_one()
    post = review_post_for(fake, decision_id)
    link = f"https://casebook-sandbox.slack.com/archives/{post.channel}/p{post.ts.replace('.', '')}"
    [note] = eventually(lambda: fake.messages_in("C0ALERTS", thread_ts=ALERT["ts"]))
    assert note.text == (
        ":raising_hand: Ada Engineer is handling this as an exception: "
        f"<{link}|review post for decision #{decision_id}>"
    )

    _, second = open_alert_form(slack, fake, ALERT, user="U0ENG2")
    warning = texts(second["blocks"])
    assert "Ada Engineer is already handling this alert as an exception" in warning
    assert f"<{link}|decision #{decision_id}>" in warning


def test_no_thread_reply_when_the_bot_is_not_in_the_alert_channel(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    """The reply fails on its own (not_in_channel); the decision and its review post are unaffected."""
    load_roster(casebook.deps.sessions, clock.now())
    fake.add_channel("C0OTHER", bot_member=False)
    _post_alert(fake, "C0OTHER")
    view_id, _ = open_alert_form(slack, fake, ALERT, channel="C0OTHER")
    assert slack.submit("U0ENG1", view_id, GOOD).status == 200
    with transaction(casebook.deps.sessions) as session:
        decision_id = session.execute(select(Decision.id)).scalar_one()
    assert review_post_for(fake, decision_id)
    assert casebook.deps.dispatcher.wait_idle(10)
    assert [m.user for m in fake.messages_in("C0OTHER")] == [ALERT["user"]], "no reply in its thread"
