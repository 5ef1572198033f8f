"""Issue 16: each item in a reviewer's App Home queue has *Open* (the review post), Uphold and Overturn."""

from __future__ import annotations

from bot.db.engine import transaction
from bot.db.models import Decision
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action, Callback
from tests.helpers import eventually, load_roster, texts
from tests.live_support import (
    REVIEW_CHANNEL,
    latest_view,
    log_decision,
    max_view,
    review_post_for,
)


def _queue_buttons(fake: FakeSlack, user: str, decision_id: int) -> dict[str, dict]:
    home = fake.home.get(user) or {"blocks": []}
    block = next((b for b in home["blocks"] if b.get("block_id") == f"queue_{decision_id}"), None)
    return {e["action_id"]: e for e in block["elements"]} if block else {}


def test_queue_items_open_the_post_and_can_be_upheld_from_home(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    decision_id = log_decision(slack, fake, casebook.deps.sessions)
    post = eventually(lambda: review_post_for(fake, decision_id))

    slack.open_home("U0MENTOR")
    buttons = eventually(lambda: _queue_buttons(fake, "U0MENTOR", decision_id))
    assert buttons[Action.OPEN_LINK]["url"].endswith(f"/{REVIEW_CHANNEL}/p{post.ts.replace('.', '')}")
    assert {Action.REVIEW_UPHOLD, Action.REVIEW_OVERTURN} <= set(buttons)
    assert slack.click_home("U0MENTOR", action_id=Action.OPEN_LINK).status == 200  # acked, not a 404

    before = max_view(fake)
    uphold = buttons[Action.REVIEW_UPHOLD]
    assert slack.click_home("U0MENTOR", action_id=Action.REVIEW_UPHOLD, value=uphold["value"]).status == 200
    form = latest_view(fake, Callback.REVIEW, after=before)[0]
    assert "response_action" not in (slack.submit("U0MENTOR", form, {}).json or {})
    with transaction(casebook.deps.sessions) as session:
        assert session.get(Decision, decision_id).review_status == "upheld"
    # the queue is republished without it, and the post in the channel shows the verdict
    eventually(lambda: "Waiting for your review (0)" in texts(fake.home["U0MENTOR"]["blocks"]))
    eventually(lambda: (p := review_post_for(fake, decision_id)).edited and p)


def test_an_engineer_sees_no_queue_and_a_lead_sees_everyones(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    decision_id = log_decision(slack, fake, casebook.deps.sessions)
    eventually(lambda: review_post_for(fake, decision_id))
    for user in ("U0ENG1", "U0LEAD"):
        slack.open_home(user)
    eventually(lambda: _queue_buttons(fake, "U0LEAD", decision_id))
    eventually(lambda: fake.home.get("U0ENG1"))
    assert _queue_buttons(fake, "U0ENG1", decision_id) == {}
