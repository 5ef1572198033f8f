"""A test-only Casebook extension that exercises every Block Kit surface the sandbox renders.

Registered through ``Sandbox(configure=[kitchen.register])``. It adds `/casebook kitchen`
(a message with every block type, a PNG upload, a thread reply), `/casebook form` (a modal
with every input type whose submission answers errors / update / push / clear), buttons that
respond ephemerally or replace the original, and a message shortcut ``kitchen_shortcut``.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.app import Casebook
from bot.slack.blocks.common import esc
from bot.slack.router import CommandContext, Subcommand

FORM = "kitchen_form"
PUSHED = "kitchen_pushed"
SHORTCUT = "kitchen_shortcut"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
MRKDWN = (
    "*bold* _italic_ ~strike~ `inline code` <https://example.com/docs|a link> "
    "<@U0ADA> <#C0ALERTS|alerts> <!here> 5 &lt; 6 &amp;&amp; 7 &gt; 6 :white_check_mark:\n"
    "> quoted line\n"
    "```policy:\n  max_burst: 500 # <script>x</script>\n```"
)

# Slack shows dates in the viewer's timezone: Sunday 22 Nov 2026 12:00 UTC is 7:00 AM for Ada.
DATE = "<!date^1795348800^{date_long} at {time}|2026-11-22 12:00 UTC>"


def png(width: int = 120, height: int = 60) -> bytes:
    """A small bar chart as a real PNG (no imaging library needed)."""
    bars = [0.3, 0.8, 0.55, 0.95]
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            bar = x * len(bars) // width
            filled = (x % (width // len(bars))) > 3 and y >= height * (1 - bars[bar])
            row += bytes((46, 182, 125) if filled else (255, 255, 255))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(value: str, label: str) -> dict[str, Any]:
    return {"text": plain(label), "value": value}


def kitchen_blocks(file_id: str | None) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain("Kitchen sink")},
        {
            "type": "section",
            "block_id": "intro",
            "text": {"type": "mrkdwn", "text": MRKDWN},
            "accessory": {
                "type": "button",
                "action_id": "kitchen_reply",
                "value": "eph",
                "text": plain("Reply privately"),
            },
        },
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Category*\nrollback"},
                {"type": "mrkdwn", "text": "*Complexity*\nhard"},
            ],
        },
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"context *note* · {DATE}"}]},
        {
            "type": "actions",
            "block_id": "kitchen_actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "kitchen_replace",
                    "style": "primary",
                    "value": "approve",
                    "text": plain("Approve"),
                },
                {
                    "type": "button",
                    "action_id": "kitchen_open",
                    "style": "danger",
                    "value": "open",
                    "text": plain("Open form"),
                },
                {
                    "type": "static_select",
                    "action_id": "kitchen_select",
                    "placeholder": plain("Pick one"),
                    "options": [option("a", "Alpha"), option("b", "Beta")],
                },
                {
                    "type": "overflow",
                    "action_id": "kitchen_overflow",
                    "options": [option("x", "Do X"), option("y", "Do Y")],
                },
            ],
        },
    ]
    if file_id:
        blocks.append(
            {"type": "image", "slack_file": {"id": file_id}, "alt_text": "chart", "title": plain("Chart")}
        )
    return blocks


def form_view(*, title: str = "Kitchen form") -> dict[str, Any]:
    def text_input(block: str, label: str, *, multiline: bool = False) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": block,
            "label": plain(label),
            "element": {"type": "plain_text_input", "action_id": block, "multiline": multiline},
        }

    options = [option("approve", "Approve"), option("deny", "Deny"), option("escalate", "Escalate")]
    return {
        "type": "modal",
        "callback_id": FORM,
        "title": plain(title),
        "submit": plain("Submit"),
        "close": plain("Cancel"),
        "notify_on_close": True,
        "private_metadata": "kitchen",
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "Fill *everything* in."},
                "accessory": {
                    "type": "button",
                    "action_id": "kitchen_push",
                    "value": "push",
                    "text": plain("Push another"),
                },
            },
            text_input("title", "Title"),
            text_input("evidence", "Evidence", multiline=True),
            {
                "type": "input",
                "block_id": "verdict",
                "label": plain("Verdict"),
                "element": {
                    "type": "static_select",
                    "action_id": "verdict",
                    "placeholder": plain("Choose"),
                    "options": options,
                },
            },
            {
                "type": "input",
                "block_id": "risk",
                "label": plain("Risk"),
                "element": {
                    "type": "radio_buttons",
                    "action_id": "risk",
                    "options": [option("low", "Low"), option("high", "High")],
                },
            },
            {
                "type": "input",
                "block_id": "checks",
                "label": plain("Checks"),
                "optional": True,
                "element": {
                    "type": "checkboxes",
                    "action_id": "checks",
                    "options": [option("rollback", "Rollback plan"), option("expiry", "Expiry set")],
                },
            },
            {
                "type": "input",
                "block_id": "confidence",
                "label": plain("Confidence (1-5)"),
                "element": {
                    "type": "number_input",
                    "action_id": "confidence",
                    "is_decimal_allowed": False,
                    "min_value": "1",
                    "max_value": "5",
                },
            },
        ],
    }


def _values(view: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for block_id, actions in view["state"]["values"].items():
        for entry in actions.values():
            if "selected_options" in entry:
                out[block_id] = [o["value"] for o in entry["selected_options"]]
            elif "selected_option" in entry:
                out[block_id] = (entry["selected_option"] or {}).get("value")
            else:
                out[block_id] = entry.get("value")
    return out


CONFIRM = {
    "title": plain("Wipe everything?"),
    "text": {"type": "mrkdwn", "text": "This *cannot* be undone."},
    "confirm": plain("Wipe"),
    "deny": plain("Keep it"),
    "style": "danger",
}


def confirm_blocks() -> list[dict[str, Any]]:
    """A button, an overflow menu and a select, each asking first (Block Kit ``confirm``)."""
    options = [{"text": plain(v), "value": v} for v in ("menu", "other")]
    return [
        {
            "type": "actions",
            "block_id": "kitchen_confirm",
            "elements": [
                {
                    "type": "button",
                    "action_id": "kitchen_wipe",
                    "text": plain("Wipe"),
                    "style": "danger",
                    "value": "button",
                    "confirm": CONFIRM,
                },
                {
                    "type": "overflow",
                    "action_id": "kitchen_wipe_menu",
                    "options": options,
                    "confirm": CONFIRM,
                },
            ],
        }
    ]


def register(casebook: Casebook) -> None:
    app: App = casebook.bolt
    deps = casebook.deps

    def kitchen(ctx: CommandContext) -> None:
        user = ctx.person.slack_user_id
        upload = ctx.client.files_upload_v2(
            content=png(),
            filename="chart.png",
            title="Chart",
            channel=ctx.channel_id,
            initial_comment="Weekly chart",
        )
        file_id = upload["file"]["id"]
        posted = ctx.client.chat_postMessage(
            channel=ctx.channel_id, text="Kitchen sink", blocks=kitchen_blocks(file_id)
        )
        ctx.client.chat_postMessage(
            channel=ctx.channel_id, thread_ts=posted["ts"], text=f"A reply in the thread for <@{user}>"
        )
        ctx.client.chat_postEphemeral(channel=ctx.channel_id, user=user, text="Kitchen is ready (ephemeral).")

    def form(ctx: CommandContext) -> None:
        ctx.client.views_open(trigger_id=ctx.trigger_id, view=form_view())

    def confirm(ctx: CommandContext) -> None:
        ctx.client.chat_postEphemeral(
            channel=ctx.channel_id, user=ctx.person.slack_user_id, text="Wipe it?", blocks=confirm_blocks()
        )

    deps.router.add(Subcommand("kitchen", "kitchen", "test: every block", handler=kitchen))
    deps.router.add(Subcommand("confirm", "confirm", "test: confirm dialogs", handler=confirm))

    def wiped(ack: Ack, respond: Respond, body: dict[str, Any]) -> None:
        ack()
        action = body["actions"][0]
        chosen = action.get("selected_option", {}).get("value") or action.get("value")
        respond(text=f"Wiped ({chosen}).", replace_original=True)

    app.action("kitchen_wipe")(wiped)
    app.action("kitchen_wipe_menu")(wiped)
    deps.router.add(Subcommand("form", "form", "test: every input", handler=form))

    @app.action("kitchen_reply")
    def reply(ack: Ack, respond: Respond) -> None:
        ack()
        respond(
            text="Only you see this.",
            response_type="ephemeral",
            replace_original=False,
            blocks=[
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": "Only *you*."},
                    "accessory": {
                        "type": "button",
                        "action_id": "kitchen_eph_done",
                        "value": "done",
                        "text": plain("Done"),
                    },
                }
            ],
        )

    @app.action("kitchen_eph_done")
    def eph_done(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="Ephemeral replaced.", replace_original=True)

    @app.action("kitchen_replace")
    def replace(ack: Ack, respond: Respond, body: dict[str, Any]) -> None:
        ack()
        who = body["user"]["id"]
        approved = f":white_check_mark: Approved by <@{who}>"
        respond(
            replace_original=True,
            text="Approved",
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": approved}}],
        )

    def chosen(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        action = body["actions"][0]
        client.chat_postMessage(
            channel=body["channel"]["id"],
            thread_ts=body["message"]["ts"],
            text=f"chose {action['selected_option']['value']}",
        )

    app.action("kitchen_select")(chosen)
    app.action("kitchen_overflow")(chosen)

    @app.action("kitchen_open")
    def open_form(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=form_view())

    @app.action("kitchen_push")
    def push(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        seen = esc(json.dumps(_values(body["view"])))
        client.views_push(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": PUSHED,
                "title": plain("Pushed"),
                "close": plain("Back"),
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": f"state seen: {seen}"}}],
            },
        )

    @app.view(FORM)
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        values = _values(view)
        title = str(values.get("title") or "")
        if "bad" in title:
            ack(
                response_action="errors",
                errors={"title": "Titles may not say bad.", "confidence": "Be more sure."},
            )
            return
        if title == "update":
            ack(response_action="update", view=form_view(title="Updated form"))
            return
        if title == "push":
            ack(
                response_action="push",
                view=dict(form_view(title="Second form"), callback_id=PUSHED, notify_on_close=False),
            )
            return
        if title == "clear":
            ack(response_action="clear")
            return
        ack()
        user = body["user"]["id"]
        client.chat_postMessage(
            channel=user,
            text="Form received",
            blocks=[
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": (
                            f"*Title:* {esc(title)}\n*Evidence:* {esc(values.get('evidence'))}\n"
                            f"*Verdict:* {values.get('verdict')} *Risk:* {values.get('risk')} "
                            f"*Checks:* {', '.join(values.get('checks') or [])} "
                            f"*Confidence:* {values.get('confidence')}"
                        ),
                    },
                }
            ],
        )

    @app.view(PUSHED)
    def pushed_submitted(ack: Ack) -> None:
        ack()

    @app.view_closed(FORM)
    def closed(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.chat_postMessage(channel=body["user"]["id"], text="You closed the form.")

    @app.shortcut(SHORTCUT)
    def shortcut(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        text = body["message"]["text"]
        client.views_open(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": PUSHED,
                "title": plain("From a message"),
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": f"> {text}"}}],
            },
        )
