"""Issue 16: the log form says when its optional fields are required; live decisions have their own count."""

from __future__ import annotations

from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Block as B
from tests.helpers import eventually, load_roster, texts
from tests.live_support import GOOD, open_log_modal


def _inputs(fake: FakeSlack, view_id: str) -> dict[str, dict]:
    return {b["block_id"]: b for b in fake.views[view_id]["blocks"] if b["type"] == "input"}


def test_picking_a_verdict_marks_the_field_it_requires(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    view_id = open_log_modal(slack, fake)
    before = _inputs(fake, view_id)
    assert before[B.VERDICT]["dispatch_action"] is True
    assert (
        before[B.CONDITIONS]["optional"]
        and "Required when you approve." in before[B.CONDITIONS]["hint"]["text"]
    )

    assert (
        slack.click(
            "U0ENG1", action_id=B.VERDICT, block_id=B.VERDICT, view_id=view_id, selected="approve"
        ).status
        == 200
    )
    approve = eventually(lambda: (i := _inputs(fake, view_id)) and not i[B.CONDITIONS].get("optional") and i)
    assert "Required for this decision." in approve[B.CONDITIONS]["hint"]["text"]
    assert approve[B.ESCALATION]["optional"] is True

    slack.click("U0ENG1", action_id=B.VERDICT, block_id=B.VERDICT, view_id=view_id, selected="escalate")
    escalate = eventually(lambda: (i := _inputs(fake, view_id)) and not i[B.ESCALATION].get("optional") and i)
    assert escalate[B.CONDITIONS]["optional"] is True
    assert "response_action" not in (slack.submit("U0ENG1", view_id, GOOD).json or {})


def test_a_first_live_decision_is_number_one(casebook, slack: Simulator, fake: FakeSlack, clock) -> None:
    from tests.live_support import make_decision

    load_roster(casebook.deps.sessions, clock.now())
    for title in ("practice one", "practice two"):
        make_decision(
            casebook.deps.sessions, now=clock.now(), kind="practice", title=title, review_required=False
        )
    view_id = open_log_modal(slack, fake)
    assert slack.submit("U0ENG1", view_id, GOOD).status == 200
    receipt = eventually(
        lambda: [m for m in fake.dms_to("U0ENG1") if "Recorded your live decision" in m.text]
    )
    assert "Recorded your live decision *#1* (ref #3)" in texts(receipt[-1].blocks)
