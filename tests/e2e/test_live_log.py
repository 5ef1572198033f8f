"""End to end: logging a live decision by command, shortcut and App Home, over signed HTTP."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.db.engine import transaction
from bot.db.models import AuditEvent, Decision, Delivery
from bot.flows import live_log
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action, Callback, Shortcut
from bot.slack.metadata import LogMeta
from tests.helpers import eventually, initial_values, settle, texts
from tests.live_support import (
    GOOD,
    REVIEW_CHANNEL,
    latest_view,
    max_view,
    open_alert_form,
    open_log_modal,
    review_post_for,
)


def _decisions(casebook) -> list[Decision]:
    with transaction(casebook.deps.sessions) as session:
        return list(session.execute(select(Decision).order_by(Decision.id)).scalars())


def _count(casebook, model) -> int:
    with transaction(casebook.deps.sessions) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_log_by_command_records_posts_for_review_and_confirms(
    casebook, roster, slack: Simulator, fake: FakeSlack, clock
) -> None:
    view_id = open_log_modal(slack, fake)
    view = fake.views[view_id]
    assert view["title"]["text"] == "Log a live decision"
    block_ids = [b.get("block_id") for b in view["blocks"]]
    for wanted in ("title", "category", "source_url", "verdict", "policy", "conditions", "escalation"):
        assert wanted in block_ids
    category = next(b for b in view["blocks"] if b.get("block_id") == "category")
    assert len(category["element"]["options"]) == 7
    clock.advance(timedelta(minutes=4, seconds=10))

    reply = slack.submit("U0ENG1", view_id, GOOD)

    assert reply.status == 200
    assert "response_action" not in reply.json  # an empty ack closes the modal
    [decision] = _decisions(casebook)
    assert (decision.kind, decision.verdict, decision.category) == ("live", "approve", "policy_violation")
    assert decision.review_status == "pending"
    assert decision.source_url == GOOD["source_url"]
    assert decision.seconds_to_decide == 250.0
    assert decision.idempotency_key == f"live:U0ENG1:{view_id}"  # issue 15: tied to the person
    post = review_post_for(fake, decision.id)
    body = texts(post.blocks)
    assert "<@U0ENG1>" in body and "policy violation" in body and "4 min 10 s" in body
    assert GOOD["source_url"] in body and "Expires in 48 h" in body
    actions = [e["action_id"] for b in post.blocks if b["type"] == "actions" for e in b["elements"]]
    assert actions == [Action.REVIEW_UPHOLD, Action.REVIEW_OVERTURN]
    receipt = eventually(lambda: fake.dms_to("U0ENG1"))[-1]
    assert f"#{decision.id}" in texts(receipt.blocks) and REVIEW_CHANNEL in texts(receipt.blocks)
    with transaction(casebook.deps.sessions) as session:
        event = session.execute(
            select(AuditEvent).where(AuditEvent.action == "decision.recorded")
        ).scalar_one()
    assert event.subject_id == str(decision.id) and event.actor == "U0ENG1"


def test_shortcut_prefills_permalink_and_text(casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    alert = {
        "type": "message",
        "ts": "1763388000.000100",
        "text": (
            "*ggen hold* on <https://ggen.example.com/h/9|orders-db>: forced replacement\nplan shows destroy"
        ),
        "user": "U0GGEN",
    }
    view_id, view = open_alert_form(slack, fake, alert, user="U0PILOT")
    values = initial_values(view)
    assert values["source_url"] == "https://casebook-sandbox.slack.com/archives/C0ALERTS/p1763388000000100"
    assert values["title"] == "ggen hold on orders-db (https://ggen.example.com/h/9): forced replacement"
    assert "plan shows destroy" in values["source_text"]
    meta = LogMeta.load(view["private_metadata"])
    assert (meta.source, meta.channel, meta.message_ts) == ("shortcut", "C0ALERTS", "1763388000.000100")
    submitted = {**GOOD, "title": values["title"], "source_url": values["source_url"]}
    submitted["source_text"] = values["source_text"]

    assert slack.submit("U0PILOT", view_id, submitted).status == 200

    [decision] = _decisions(casebook)
    assert decision.source_url == values["source_url"]
    assert decision.source_text is not None and "forced replacement" in decision.source_text
    # Time to decide runs from when the alert was posted, not from when the form opened.
    assert decision.seconds_to_decide == pytest.approx(
        casebook.deps.clock.now().timestamp() - 1763388000.0001
    )
    assert "plan shows destroy" in texts(review_post_for(fake, decision.id).blocks)


def test_shortcut_on_unreadable_message_still_opens_the_form(
    casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    fake.fail("chat.getPermalink", error="channel_not_found")
    message = {"type": "message", "ts": "1763388000.000200", "text": "", "user": "U0X"}
    _, view = open_alert_form(slack, fake, message, channel="C0PRIV")
    inputs = initial_values(view)
    assert inputs["source_url"] is None and inputs["title"] is None
    notes = texts([b for b in view["blocks"] if b["type"] == "context"])
    assert "no text I can read" in notes and "couldn't get a link" in notes


def test_shortcut_takes_attachment_text_when_message_text_is_empty(
    casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    message = {
        "type": "message",
        "ts": "1763388000.000300",
        "text": "",
        "attachments": [{"fallback": "ggen: iam passrole added by plugin bump"}],
    }
    _, view = open_alert_form(slack, fake, message)
    title = next(b for b in view["blocks"] if b.get("block_id") == "title")
    assert title["element"]["initial_value"] == "ggen: iam passrole added by plugin bump"


def test_home_button_opens_the_form(casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    slack.open_home("U0ENG1")
    home = eventually(lambda: fake.home.get("U0ENG1"))
    assert "Live decisions" in texts(home["blocks"])
    before = max_view(fake)
    slack.click_home("U0ENG1", action_id=Action.HOME_LOG, value="home")
    _, view = latest_view(fake, Callback.LOG_DECISION, after=before)
    assert LogMeta.load(view["private_metadata"]).source == "home"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("source_url", "ftp://files.example.com/x", "http:// or https://"),
        ("source_url", "javascript:alert(1)", "http:// or https://"),
        ("source_url", "see the ticket", "spaces"),
        ("source_url", "", "Paste a link"),
        ("title", "", "short title"),
        ("title", "x" * 151, "under 150"),
        ("policy", "", "required"),
        ("evidence", "e" * 3001, "under 3000"),
        ("source_text", "s" * 3001, "under 3000"),
        ("conditions", "", "required"),
        ("category", None, "category"),
        ("verdict", None, "approve, deny or escalate"),
        ("confidence", None, "confidence"),
    ],
)
def test_bad_input_gets_inline_errors_and_nothing_is_written(
    casebook, roster, slack: Simulator, fake: FakeSlack, field, value, message
) -> None:
    view_id = open_log_modal(slack, fake)
    reply = slack.submit("U0ENG1", view_id, {**GOOD, field: value})
    assert reply.json["response_action"] == "errors"
    assert message in reply.json["errors"][field]
    assert _decisions(casebook) == []
    assert _count(casebook, Delivery) == 0


def test_escalation_needs_its_target_but_not_conditions(casebook, roster, slack: Simulator, fake) -> None:
    view_id = open_log_modal(slack, fake)
    escalate = {**GOOD, "verdict": "escalate", "conditions": None}
    reply = slack.submit("U0ENG1", view_id, escalate)
    assert set(reply.json["errors"]) == {"escalation"}
    escalate["escalation"] = "Security on-call owns exceptions for restricted data"
    assert slack.submit("U0ENG1", view_id, escalate).status == 200
    [decision] = _decisions(casebook)
    assert decision.verdict == "escalate" and decision.justification["conditions"] is None


def test_double_submit_records_one_decision(casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    view_id = open_log_modal(slack, fake)
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def submit() -> None:
        barrier.wait()
        statuses.append(slack.submit("U0ENG1", view_id, GOOD).status)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 4
    [decision] = _decisions(casebook)
    review_post_for(fake, decision.id)
    casebook.deps.dispatcher.wait_idle()
    assert len([m for m in fake.messages_in(REVIEW_CHANNEL) if f"#{decision.id}" in m.text]) == 1
    with transaction(casebook.deps.sessions) as session:
        events = session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "decision.recorded")
        ).scalar_one()
    assert events == 1


def test_database_failure_midway_writes_nothing_and_retry_works(
    casebook, roster, slack: Simulator, fake: FakeSlack, monkeypatch, clock
) -> None:
    view_id = open_log_modal(slack, fake)
    events_before = _count(casebook, AuditEvent)
    real = live_log.enqueue_logged_confirmation

    def broken(**kwargs):
        raise OperationalError("INSERT", {}, Exception("connection reset by peer"))

    monkeypatch.setattr(live_log, "enqueue_logged_confirmation", broken)
    reply = slack.submit("U0ENG1", view_id, GOOD)
    assert reply.status == 200 and "response_action" not in (reply.json if reply.body else {})
    assert _decisions(casebook) == []
    assert _count(casebook, AuditEvent) == events_before  # decision.recorded was rolled back too
    assert _count(casebook, Delivery) == 0
    assert fake.dms_to("U0ENG1") == [], "an outage is retried, not reported"

    # The acked form waits in the inbox and is retried after its backoff: recorded once.
    monkeypatch.setattr(live_log, "enqueue_logged_confirmation", real)
    clock.advance(timedelta(seconds=2))
    assert settle(casebook)
    [decision] = _decisions(casebook)
    review_post_for(fake, decision.id)


def test_slack_outage_delays_the_review_post_but_loses_nothing(
    casebook, roster, slack: Simulator, fake: FakeSlack, clock
) -> None:
    view_id = open_log_modal(slack, fake)
    fake.down = True  # every call answers 503 until Slack is back
    assert slack.submit("U0ENG1", view_id, GOOD).status == 200
    [decision] = _decisions(casebook)

    def failed_review_post() -> Delivery | None:
        with transaction(casebook.deps.sessions) as session:
            row = session.execute(select(Delivery).where(Delivery.job == "review-post")).scalar_one_or_none()
        return row if row is not None and row.attempts > 0 and row.status == "pending" else None

    eventually(failed_review_post)  # retried inline, then handed back to the ledger's backoff
    assert fake.messages_in(REVIEW_CHANNEL) == []
    fake.down = False
    for _ in range(6):
        clock.advance(timedelta(seconds=30))
        casebook.deps.dispatcher.kick()
        casebook.deps.dispatcher.wait_idle()
    review_post_for(fake, decision.id)
    assert len([m for m in fake.messages_in(REVIEW_CHANNEL) if f"#{decision.id}" in m.text]) == 1


def test_form_that_cannot_open_tells_the_engineer(
    casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    fake.fail("views.open", error="expired_trigger_id")
    slack.command("U0ENG1", "log")
    response = eventually(lambda: fake.responses)[-1]
    assert "try again" in texts(response["blocks"])


def test_pm_may_not_log_and_is_told_why(casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    slack.command("U0PM", "log")
    response = eventually(lambda: fake.responses)[-1]
    assert "/casebook log is for" in texts(response["blocks"])
    slack.message_shortcut(
        "U0PM",
        callback_id=Shortcut.HANDLE_AS_EXCEPTION,
        channel="C0ALERTS",
        message={"ts": "1.2", "text": "x"},
    )
    eventually(lambda: len(fake.responses) >= 2)
    assert "engineers, pilots, mentors and leads" in texts(fake.responses[-1]["blocks"])
    assert fake.calls_to("views.open") == []
