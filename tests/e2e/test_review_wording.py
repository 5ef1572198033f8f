"""Issue 13: a late reviewer reads "Already upheld by @mo, today at 3:03 PM", never "on today at"."""

from __future__ import annotations

from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action
from tests.helpers import eventually, texts
from tests.live_support import click_review, log_decision, open_review


def test_already_reviewed_reads_without_on_today(casebook, roster, slack: Simulator, fake) -> None:
    decision_id = log_decision(slack, fake, casebook.deps.sessions)
    first, _ = open_review(slack, fake, user="U0MENTOR", decision_id=decision_id, action=Action.REVIEW_UPHOLD)
    assert slack.submit("U0MENTOR", first, {"comment": "Solid reasoning and a clean expiry."}).status == 200
    click_review(slack, fake, user="U0LEAD", decision_id=decision_id, action=Action.REVIEW_OVERTURN)
    [ephemeral] = eventually(lambda: [r for r in fake.responses if "Already" in texts(r.get("blocks"))])
    body = texts(ephemeral["blocks"])
    assert "*upheld* by <@U0MENTOR>, <!date^" in body and " on <!date^" not in body
