"""End to end over HTTP: *Flag the policy* on a card and a review post, the leads' queue, the author told."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.db.engine import transaction
from bot.db.models import AuditEvent
from bot.db.models_policy import PolicyFeedback
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action, Callback
from bot.slack.metadata import FeedbackValue
from tests.e2e.cards import open_card
from tests.helpers import eventually, texts
from tests.live_support import GOOD, latest_view, max_view, open_log_modal, review_post_for

ENG, LEAD = "U0ENG1", "U0LEAD"
PROBLEM = "It says at most 72h but not from when the clock starts: creation or approval?"
PROPOSAL = "Say: at most 72h from the moment the exception is approved."


def _flag_button(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return next(
        b["accessory"] for b in blocks if (b.get("accessory") or {}).get("action_id") == Action.FLAG_POLICY
    )


def _open_flag(slack: Simulator, fake: FakeSlack, user: str, message: Message) -> tuple[str, dict[str, Any]]:
    before = max_view(fake)
    button = _flag_button(message.blocks)
    reply = slack.click(
        user,
        action_id=Action.FLAG_POLICY,
        value=button["value"],
        channel=message.channel,
        message_ts=message.ts,
    )
    assert reply.status == 200
    return latest_view(fake, Callback.FLAG_POLICY, after=before)


def _initial(view: dict[str, Any], block_id: str) -> str | None:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return block["element"].get("initial_value")


def _items(casebook) -> list[PolicyFeedback]:
    with transaction(casebook.deps.sessions) as session:
        items = list(session.execute(select(PolicyFeedback).order_by(PolicyFeedback.id)).scalars())
        session.expunge_all()
        return items


def _queue_button(fake: FakeSlack, slack: Simulator, action_id: str, feedback_id: int) -> dict[str, Any]:
    assert slack.open_home(LEAD).status == 200

    def find() -> dict[str, Any] | None:
        home = fake.home.get(LEAD) or {}
        for block in home.get("blocks", []):
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                value = element.get("value")
                if element["action_id"] == action_id and FeedbackValue.load(value).feedback_id == feedback_id:
                    return element  # type: ignore[no-any-return]
        return None

    return eventually(find)


def _dm_with(fake: FakeSlack, user: str, needle: str) -> Message:
    return eventually(lambda: next((m for m in fake.dms_to(user) if needle in m.text), None))


def test_card_flag_reaches_queue_is_accepted_then_done(
    casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    assert slack.command(ENG, "practice rollback").status == 200
    card = open_card(fake, ENG)
    view_id, view = _open_flag(slack, fake, ENG, card)
    rule = _initial(view, "flag_rule")
    assert rule and " · " in rule and " v" in rule  # policy vX · rule, from the card's excerpt

    # Bad input comes back inline, per field, and stores nothing.
    bad = slack.submit(
        ENG, view_id, {"flag_rule": rule, "flag_problem": "unclear", "flag_proposal": PROPOSAL}
    )
    assert bad.json["response_action"] == "errors" and "flag_problem" in bad.json["errors"]
    assert "at least 10 characters" in bad.json["errors"]["flag_problem"]
    assert _items(casebook) == []

    ok = slack.submit(ENG, view_id, {"flag_rule": rule, "flag_problem": PROBLEM, "flag_proposal": PROPOSAL})
    assert ok.status == 200 and ok.json.get("response_action") == "update"
    [item] = eventually(lambda: _items(casebook))
    assert item.source == "card" and item.assignment_id is not None and item.status == "open"
    assert item.policy and item.version and rule.endswith(item.rule)

    # The lead's queue groups it under its rule, with Accept / Reject.
    accept = _queue_button(fake, slack, Action.FEEDBACK_ACCEPT, item.id)
    home = texts(fake.home[LEAD]["blocks"])
    assert "Policy feedback" in home and f"{item.policy} · {item.rule}" in home and "1 flag" in home
    assert item.title and f"from the card *{item.title}*" in home  # the scenario that raised it
    assert slack.click_home(LEAD, action_id=Action.FEEDBACK_ACCEPT, value=accept["value"]).status == 200
    note = _dm_with(fake, ENG, "was accepted by Lee Lead")
    assert f"#{item.id}" in note.text
    assert eventually(lambda: _items(casebook)[0].status == "accepted")

    # A repeated click tells the author nothing new; Done is the next step and is told too.
    assert slack.click_home(LEAD, action_id=Action.FEEDBACK_ACCEPT, value=accept["value"]).status == 200
    done = _queue_button(fake, slack, Action.FEEDBACK_DONE, item.id)
    assert slack.click_home(LEAD, action_id=Action.FEEDBACK_DONE, value=done["value"]).status == 200
    _dm_with(fake, ENG, "was marked done by Lee Lead")
    assert len([m for m in fake.dms_to(ENG) if "was accepted by" in m.text]) == 1
    with transaction(casebook.deps.sessions) as session:
        actions = list(
            session.execute(
                select(AuditEvent.action)
                .where(AuditEvent.subject_type == "policy_feedback")
                .order_by(AuditEvent.id)
            ).scalars()
        )
    assert actions == ["policy_feedback.flagged", "policy_feedback.accepted", "policy_feedback.done"]


def test_review_post_flag_rejected_with_reason(casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    view_id = open_log_modal(slack, fake, ENG)
    assert slack.submit(ENG, view_id, GOOD).status == 200
    post = eventually(lambda: next(iter(fake.messages_in("C0CBREVIEW", top_level=True)), None))
    flag_id, flag_view = _open_flag(slack, fake, ENG, post)
    assert _initial(flag_view, "flag_rule") == GOOD["policy"]  # a live decision: the policy it applied
    values = {"flag_rule": GOOD["policy"], "flag_problem": PROBLEM, "flag_proposal": PROPOSAL}
    assert slack.submit(ENG, flag_id, values).status == 200
    [item] = eventually(lambda: _items(casebook))
    assert item.source == "decision" and item.decision_id is not None and item.policy is None
    assert review_post_for(fake, item.decision_id).ts == post.ts
    # The decision's reviewers may flag it too; someone else's engineer may not (and learns nothing).
    assert _open_flag(slack, fake, "U0MENTOR", post)[0] != flag_id
    button = _flag_button(post.blocks)
    slack.click(
        "U0ENG2",
        action_id=Action.FLAG_POLICY,
        value=button["value"],
        channel=post.channel,
        message_ts=post.ts,
    )
    eventually(lambda: any("your own cards and decisions" in str(r.get("text")) for r in fake.responses))

    reject = _queue_button(fake, slack, Action.FEEDBACK_REJECT, item.id)
    assert f"#{item.decision_id}" in texts(fake.home[LEAD]["blocks"])  # the decision that raised it
    before = max_view(fake)
    assert slack.click_home(LEAD, action_id=Action.FEEDBACK_REJECT, value=reject["value"]).status == 200
    reason_id, _ = latest_view(fake, Callback.FEEDBACK_REJECT, after=before)
    short = slack.submit(LEAD, reason_id, {"reject_reason": "no"})
    assert short.json["response_action"] == "errors" and "reject_reason" in short.json["errors"]
    reason = "The 48 h window is already defined in the runbook."
    assert slack.submit(LEAD, reason_id, {"reject_reason": reason}).status == 200
    note = _dm_with(fake, ENG, "was rejected by Lee Lead")
    assert reason in note.text
    assert eventually(lambda: _items(casebook)[0].reason == reason)


def test_engineer_cannot_work_the_queue_and_command_opens_the_form(
    casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    before = max_view(fake)
    assert slack.command(ENG, "flag-policy").status == 200
    view_id, view = latest_view(fake, Callback.FLAG_POLICY, after=before)
    assert _initial(view, "flag_rule") is None  # no card behind it: the author names the rule
    values = {
        "flag_rule": "change-freeze · emergency-window",
        "flag_problem": PROBLEM,
        "flag_proposal": PROPOSAL,
    }
    assert slack.submit(ENG, view_id, values).status == 200
    [item] = eventually(lambda: _items(casebook))
    assert item.source == "command" and item.rule == "change-freeze · emergency-window"

    # An engineer's forged Accept changes nothing and says why.
    value = FeedbackValue(feedback_id=item.id).dump()
    assert (
        slack.click(
            ENG, action_id=Action.FEEDBACK_ACCEPT, value=value, channel="D0ENG1", message_ts="1.1"
        ).status
        == 200
    )
    eventually(lambda: any("Only leads and admins" in str(r.get("text")) for r in fake.responses))
    assert _items(casebook)[0].status == "open"
    assert slack.open_home(ENG).status == 200
    assert "Policy feedback" not in texts(eventually(lambda: fake.home.get(ENG))["blocks"])
