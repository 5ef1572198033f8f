"""FakeSlack's client-side state: modal stacks, where response_url posts show, typed text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.sandbox.fakeslack import FakeSlack

TOKEN = "xoxb-test"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    fake.add_user("U1", "One")
    fake.add_user("U2", "Two")
    fake.add_channel("C1", name="general")
    yield fake
    fake.stop()


def modal(title: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": title}}],
    }


def call(fake: FakeSlack, method: str, **args: Any) -> dict[str, Any]:
    status, body, _ = fake.handle(method, args, TOKEN)
    assert status == 200
    return body


def test_modal_stacks_are_per_user(slack: FakeSlack) -> None:
    slack.register_trigger("t1", "U1")
    slack.register_trigger("t2", "U1")
    first = call(slack, "views.open", trigger_id="t1", view=modal("A"))["view"]
    second = call(slack, "views.push", trigger_id="t2", view=modal("B"))["view"]
    assert second["previous_view_id"] == first["id"] and second["root_view_id"] == first["id"]
    assert slack.top_view("U1")["id"] == second["id"] and slack.stack_depth("U1") == 2
    assert slack.top_view("U2") is None
    call(slack, "views.update", view_id=first["id"], view=modal("A2"))
    assert slack.stack_depth("U1") == 2
    slack.close_view("U1", second["id"])
    assert slack.top_view("U1")["title"]["text"] == "A2"
    for n in range(3):
        slack.register_trigger(f"p{n}", "U1")
    call(slack, "views.push", trigger_id="p0", view=modal("B"))
    call(slack, "views.push", trigger_id="p1", view=modal("C"))
    assert call(slack, "views.push", trigger_id="p2", view=modal("D")) == {
        "ok": False,
        "error": "push_limit_reached",
    }
    slack.close_view("U1", first["id"], everything=True)
    assert slack.stack_depth("U1") == 0


def test_view_submission_answers(slack: FakeSlack) -> None:
    slack.register_trigger("t", "U1")
    view_id = call(slack, "views.open", trigger_id="t", view=modal("A"))["view"]["id"]
    errors = slack.apply_view_response("U1", view_id, {"response_action": "errors", "errors": {"b": "bad"}})
    assert errors == {"b": "bad"} and slack.stack_depth("U1") == 1
    slack.apply_view_response("U1", view_id, {"response_action": "update", "view": modal("U")})
    assert slack.top_view("U1")["title"]["text"] == "U"
    slack.apply_view_response("U1", view_id, {"response_action": "push", "view": modal("P")})
    assert slack.stack_depth("U1") == 2
    slack.apply_view_response("U1", view_id, {"response_action": "update", "view": {"bad": 1}})
    assert slack.invalid and "response_action update" in slack.invalid[0]
    slack.apply_view_response("U1", view_id, {"response_action": "clear"})
    assert slack.stack_depth("U1") == 0


def test_views_without_a_known_trigger_behave_as_before(slack: FakeSlack) -> None:
    view = call(slack, "views.open", trigger_id="anon", view=modal("A"))["view"]
    assert view["id"] in slack.views and view["_stack"] == "open"
    assert slack.view_stacks == {}


def test_response_url_posts_show_where_slack_shows_them(slack: FakeSlack) -> None:
    msg = call(slack, "chat.postMessage", channel="C1", text="card")
    slack.apply_responses = True
    origin = {"user": "U1", "channel": "C1", "message_ts": msg["ts"]}
    slack._respond("k1", {"text": "private", "response_type": "ephemeral"})  # no origin: log only
    assert slack.visible_ephemerals == []
    slack.response_url("k2", origin=origin)
    slack._respond("k2", {"text": "private"})
    shown = [(e.user, e.channel, e.text) for e in slack.visible_ephemerals]
    assert shown == [("U1", "C1", "private")]
    slack.response_url("k3", origin=origin)
    slack._respond("k3", {"text": "replaced", "replace_original": True})
    assert slack.messages[0].text == "replaced" and slack.messages[0].edited == 1
    slack.response_url("k4", origin=origin)
    slack._respond("k4", {"text": "for all", "response_type": "in_channel"})
    assert [m.text for m in slack.messages_in("C1")] == ["replaced", "for all"]
    slack.response_url("k5", origin=origin)
    slack._respond("k5", {"delete_original": True})
    assert [m.text for m in slack.messages_in("C1")] == ["for all"]
    eph = slack.visible_ephemerals[0]
    slack.response_url("k6", origin={"user": "U1", "channel": "C1", "ephemeral_id": eph.id})
    slack._respond("k6", {"text": "new", "replace_original": True})
    assert slack.visible_ephemerals[0].text == "new"
    assert len(slack.responses) == 6


def test_replace_original_leaves_messages_alone_unless_asked(slack: FakeSlack) -> None:
    msg = call(slack, "chat.postMessage", channel="C1", text="card")
    slack.response_url("k", origin={"user": "U1", "channel": "C1", "message_ts": msg["ts"]})
    slack._respond("k", {"text": "replaced", "replace_original": True})
    assert slack.messages[0].text == "card" and slack.responses[0]["text"] == "replaced"


def test_typed_text_is_escaped_and_ts_follow_the_clock(slack: FakeSlack) -> None:
    slack.clock = lambda: 1_800_000_000.5
    typed = slack.post_as_user("C1", "U2", "a < b & <script>")
    assert typed.text == "a &lt; b &amp; &lt;script&gt;" and typed.user == "U2"
    assert typed.ts.startswith("1800000000.")
    eph = call(slack, "chat.postEphemeral", channel="C1", user="U1", text="psst")
    assert slack.visible_ephemerals[-1].id == eph["message_ts"]


def test_team_id_is_accepted_everywhere(slack: FakeSlack) -> None:
    assert call(slack, "chat.postMessage", channel="C1", text="x", team_id="T1")["ok"]
    assert slack.invalid == []


def test_reset_state_forgets_the_workspace(slack: FakeSlack) -> None:
    seen: list[str] = []
    slack.listeners.append(lambda kind, body: seen.append(kind))
    slack.post_as_user("C1", "U1", "hi")
    slack.reset_state()
    assert slack.messages == [] and slack.users == {} and slack.channels == set()
    assert seen == ["message.user", "sandbox.reset"]
