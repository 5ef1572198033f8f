"""The scanner the injection tests rely on: what Slack parses, what it shows verbatim, what is data."""

from __future__ import annotations

import json

from bot.sandbox.fakeslack import Call, FakeSlack, Message
from tests.security.shown import collect


def test_strings_are_sorted_by_how_slack_reads_them(fake: FakeSlack) -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "header <!here>"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "section <!channel>"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "field <@U1>"}]},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Go"},
                    "value": '{"text": "a value <!channel>"}',
                    "url": "http://evil.example",
                }
            ],
        },
    ]
    fake.calls.append(
        Call("chat.postMessage", {"text": "fallback <#C1>", "blocks": json.dumps(blocks)}, {}, 0)
    )
    fake.responses.append({"text": "response <!here>", "blocks": []})
    fake.messages.append(Message("C1", "1.1", "U0BOT", "message text", []))
    fake.views["V1"] = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "title"},
        "private_metadata": "<!channel>",
        "blocks": [{"type": "input", "element": {"type": "plain_text_input", "initial_value": "typed <b>"}}],
    }
    ack = {"response_action": "errors", "errors": {"comment": "error <!here>"}}

    shown = collect(fake, acks=[("ack", ack)])

    assert shown.where("<!channel>") == ["chat.postMessage.blocks[1].text"]
    assert shown.where("<@U1>") == ["chat.postMessage.blocks[2].fields[0]"]
    assert shown.where("<#C1>") == ["chat.postMessage.text"]
    assert shown.where("<!here>") == ["response_url.text"]
    assert shown.where("message text") == ["message C1.text"]
    plain = shown.plain_text()
    assert "header <!here>" in plain and "typed <b>" in plain and "error <!here>" in plain
    assert "a value" not in shown.mrkdwn_text() + plain, "button values are data, never shown"
    assert shown.urls == [("chat.postMessage.blocks[3].elements[0].url", "http://evil.example")]
