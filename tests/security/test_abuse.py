"""Issue 15 item 3, the odd requests: empty actions, leavers, the last admin, shared view ids, NULs."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from sqlalchemy import select

from bot.db.engine import transaction
from bot.db.models import Decision, Person
from bot.domain.attrition import mark_left
from bot.domain.people import find_by_slack_id
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.e2e.cards import card_actions, good_values, justify_modal, open_card
from tests.helpers import confirm_step, eventually, texts
from tests.live_support import GOOD, open_log_modal
from tests.security.test_permissions import changed_tables, snapshot

FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "block_actions", "user": {"id": "U0ENG1"}, "actions": []},
        {"type": "block_actions", "user": {"id": "U0ENG1"}, "actions": [{}]},
        {"type": "block_actions", "user": {"id": "U0ENG1"}, "actions": "card_approve"},
        {"type": "block_actions", "actions": [{"action_id": "card_approve", "value": "{}"}]},
        {"type": "view_submission", "user": {"id": "U0ENG1"}, "view": "justify_modal"},
    ],
)
def test_malformed_interactions_get_400(roster, slack: Simulator, fake: FakeSlack, payload: dict) -> None:
    reply = slack.post(urllib.parse.urlencode({"payload": json.dumps(payload)}).encode(), FORM)
    assert reply.status == 400, (reply.status, reply.body)
    assert b"Traceback" not in reply.body
    assert fake.calls == [] and fake.responses == []


def test_a_leavers_genuine_click_on_their_own_card_is_refused(
    casebook, roster, slack: Simulator, fake: FakeSlack, clock
) -> None:
    slack.command("U0ENG1", "practice")
    card = open_card(fake, "U0ENG1")
    button = card_actions(card)["elements"][0]
    click = {
        "action_id": button["action_id"],
        "value": button["value"],
        "block_id": "card_actions",
        "channel": card.channel,
        "message_ts": card.ts,
    }
    slack.click("U0ENG1", **click)
    view_id = justify_modal(fake)  # opened while still in the program
    with transaction(casebook.deps.sessions) as session:
        ada = find_by_slack_id(session=session, slack_user_id="U0ENG1")
        assert ada is not None
        mark_left(
            session=session, now=clock.now(), actor="test", person=ada, left_at=clock.now(), reason="moved"
        )
    before, calls = snapshot(casebook), len(fake.calls)

    # Whether the person is still in the program is the database's to say: checked from the
    # inbox after the form's ack (issue 14), and told by DM, the one thing sent.
    reply = slack.submit("U0ENG1", view_id, good_values(button["action_id"].removeprefix("card_")))
    assert reply.status == 200 and "response_action" not in (reply.json if reply.body else {})
    eventually(
        lambda: fake.dms_to("U0ENG1")[-1:] if "left the program" in fake.dms_to("U0ENG1")[-1].text else []
    )
    slack.click("U0ENG1", **click)
    eventually(lambda: [r for r in fake.responses if "left the program" in texts(r.get("blocks") or [])])
    assert changed_tables(before, snapshot(casebook)) == ["deliveries"]
    assert [c.method for c in fake.calls[calls:]] == ["chat.postMessage"]


@pytest.mark.parametrize("text", ["left <@U0ADMIN> handing over", "role <@U0ADMIN> lead"])
def test_the_last_admin_cannot_leave_or_drop_the_role(
    casebook, roster, slack: Simulator, fake: FakeSlack, text: str
) -> None:
    before = snapshot(casebook)
    slack.command("U0ADMIN", text)
    if text.startswith("left"):  # `left` asks first (issue 16); the refusal comes on Confirm
        told = confirm_step(slack, fake, "U0ADMIN")
    else:
        [told] = eventually(lambda: list(fake.responses))
    said = texts(told.get("blocks") or [])
    assert "last admin" in said or "can't remove your own admin role" in said, said
    assert changed_tables(before, snapshot(casebook)) == []


def test_another_admin_can_leave_when_one_remains(
    casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    slack.command("U0ADMIN", "role <@U0LEAD> lead admin")
    eventually(lambda: len(fake.responses) == 1)
    slack.command("U0LEAD", "left <@U0ADMIN> handing over")
    confirm_step(slack, fake, "U0LEAD")  # `left` asks first (issue 16)
    with transaction(casebook.deps.sessions) as session:
        admin = find_by_slack_id(session=session, slack_user_id="U0ADMIN")
        assert admin is not None and admin.status == "left"


def _decisions(casebook) -> list[tuple[str, str]]:
    with transaction(casebook.deps.sessions) as session:
        rows = session.execute(
            select(Person.slack_user_id, Decision.title).join(Person, Person.id == Decision.person_id)
        ).all()
        return sorted((r[0], r[1]) for r in rows)


def test_live_log_dedupe_key_is_tied_to_the_person(
    casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    view_id = open_log_modal(slack, fake)
    view = {k: v for k, v in fake.views[view_id].items() if not k.startswith("_")}
    assert slack.submit("U0ENG1", view_id, GOOD).status == 200
    # the same view id from someone else, and two submissions without a view id
    assert (
        slack.submit_view("U0ENG2", dict(view), dict(GOOD, title="second person, same view id")).status == 200
    )
    for n in (1, 2):  # an odd client: a submission whose view carries no id at all
        state = slack.state_for(view, dict(GOOD, title=f"no view id {n}"))
        no_id = {k: v for k, v in view.items() if k != "id"} | {"state": state}
        payload = slack._submission("U0PILOT", no_id)
        assert slack._interaction(payload).status == 200
    eventually(lambda: len(_decisions(casebook)) == 4)
    assert [who for who, _ in _decisions(casebook)] == ["U0ENG1", "U0ENG2", "U0PILOT", "U0PILOT"]
    # a genuine retry of the same submission is still one decision
    assert (
        slack.submit_view("U0ENG2", dict(view), dict(GOOD, title="second person, same view id")).status == 200
    )
    assert len(_decisions(casebook)) == 4


def test_control_characters_in_a_justification_are_cleaned_not_lost(
    casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    slack.command("U0ENG1", "practice")
    card = open_card(fake, "U0ENG1")
    button = card_actions(card)["elements"][0]
    slack.click(
        "U0ENG1",
        action_id=button["action_id"],
        value=button["value"],
        block_id="card_actions",
        channel=card.channel,
        message_ts=card.ts,
    )
    view_id = justify_modal(fake)
    values = good_values(button["action_id"].removeprefix("card_"))
    values["policy"] = "Rule r7\x00 of the availability\x1b[31m policy applies\r\nhere"
    reply = slack.submit("U0ENG1", view_id, values)
    assert reply.status == 200 and "response_action" not in (reply.json if reply.body.strip() else {})

    def stored() -> str | None:
        with transaction(casebook.deps.sessions) as session:
            decision = session.execute(select(Decision)).scalar_one_or_none()
            return None if decision is None else str(decision.justification["policy"])

    assert eventually(stored) == "Rule r7 of the availability[31m policy applies\nhere"
