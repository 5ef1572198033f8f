"""Issue 13: a late reviewer reads "Already upheld by @mo, today at 3:03 PM", never "on today at"."""

from __future__ import annotations

from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action
from tests.e2e.test_reviews import _click, _log, _open_review, roster  # noqa: F401
from tests.helpers import eventually, texts


def test_already_reviewed_reads_without_on_today(casebook, roster, slack: Simulator, fake) -> None:  # noqa: F811
    decision_id = _log(slack, fake, casebook)
    first = _open_review(slack, fake, "U0MENTOR", decision_id, Action.REVIEW_UPHOLD)
    assert slack.submit("U0MENTOR", first, {"comment": "Solid reasoning and a clean expiry."}).status == 200
    _click(slack, fake, "U0LEAD", decision_id, Action.REVIEW_OVERTURN)
    [ephemeral] = eventually(lambda: [r for r in fake.responses if "Already" in texts(r.get("blocks"))])
    body = texts(ephemeral["blocks"])
    assert "*upheld* by <@U0MENTOR>, <!date^" in body and " on <!date^" not in body
