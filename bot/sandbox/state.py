"""What one person's Slack client shows, read from the fake workspace as plain JSON.

Messages, ephemeral messages meant for this person, threads, App Home and the
top modal of their view stack: the browser renders all of it generically from the
Block Kit the bot sent, so new flows need no sandbox changes.
"""

from __future__ import annotations

import re
from typing import Any

from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.records import Ephemeral
from bot.sandbox.webapi import PERMALINK_BASE
from bot.slack.ids import Shortcut

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
SLACKBOT = "USLACKBOT"
PERMALINK = re.compile(re.escape(PERMALINK_BASE) + r"/([A-Z0-9]+)/p(\d+)(?:[?#].*)?$")


def seq(ts: str) -> int:
    """Order of creation: the fake's ts end in a counter shared by every message."""
    try:
        return int(ts.rsplit(".", 1)[1])
    except (IndexError, ValueError):
        return 0


def epoch(ts: str) -> int:
    try:
        return int(float(ts.split(".", 1)[0]))
    except ValueError:
        return 0


def public_view(view: dict[str, Any] | None) -> dict[str, Any] | None:
    """A view without the fake's private bookkeeping keys."""
    if view is None:
        return None
    return {k: v for k, v in view.items() if not k.startswith("_")}


def shortcuts() -> list[dict[str, str]]:
    """Message shortcuts, named from their callback ids (handle_as_exception → Handle as …)."""
    return [{"callback_id": s.value, "name": s.value.replace("_", " ").capitalize()} for s in Shortcut]


def _file(meta: dict[str, Any], fake: FakeSlack) -> dict[str, Any]:
    stored = fake.files.get(str(meta.get("id")), {})
    name = str(meta.get("name") or stored.get("name") or "file")
    content = stored.get("content") or b""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    is_image = suffix in IMAGE_TYPES or bytes(content[:8]) == b"\x89PNG\r\n\x1a\n"
    return {
        "id": meta.get("id"),
        "name": name,
        "title": meta.get("title") or name,
        "url": f"/files/{meta.get('id')}",
        "is_image": is_image,
        "size": len(content),
        "uploaded": bool(content),
    }


def message_item(msg: Message, fake: FakeSlack, replies: list[Message]) -> dict[str, Any]:
    return {
        "kind": "message",
        "id": msg.ts,
        "ts": msg.ts,
        "time": epoch(msg.ts),
        "channel": msg.channel,
        "user": msg.user,
        "is_bot": msg.user == fake.bot_user_id or bool(getattr(fake.users.get(msg.user), "is_bot", False)),
        "text": msg.text,
        "blocks": msg.blocks,
        "thread_ts": msg.thread_ts,
        "files": [_file(f, fake) for f in msg.files],
        "edited": msg.edited > 0,
        "reply_count": len(replies),
        "reply_users": sorted({r.user for r in replies}),
        "latest_reply": epoch(replies[-1].ts) if replies else None,
    }


def ephemeral_item(eph: Ephemeral, fake: FakeSlack) -> dict[str, Any]:
    return {
        "kind": "ephemeral",
        "id": eph.id,
        "ts": eph.id,
        "time": epoch(eph.id),
        "channel": eph.channel,
        "user": SLACKBOT if eph.source == "slackbot" else fake.bot_user_id,
        "is_bot": True,
        "text": eph.text,
        "blocks": eph.blocks,
        "thread_ts": eph.thread_ts,
        "files": [],
        "edited": False,
        "reply_count": 0,
    }


def _sorted(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: seq(item["ts"]))


def _seqs(fake: FakeSlack, user_id: str, conv_id: str) -> list[int]:
    """Creation order of what the person sees in a conversation, except their own messages."""
    out = [
        seq(m.ts) for m in fake.messages if m.channel == conv_id and m.thread_ts is None and m.user != user_id
    ]
    out += [
        seq(e.id)
        for e in fake.visible_ephemerals
        if e.channel == conv_id and e.user == user_id and e.thread_ts is None
    ]
    return out


def conversations(fake: FakeSlack, user_id: str, *, reading: str | None) -> list[dict[str, Any]]:
    """The person's DM with Casebook, then every channel, with unread counts.

    Read marks live here, like Slack's, so a badge clears when the conversation is opened
    and stays cleared across reloads and person switches. A person's first look marks
    everything read (the sandbox starts with nothing "new"); ``reading`` is the
    conversation on screen.
    """
    dm = fake.dm_channel(user_id)
    convs: list[tuple[str, str, str]] = [(dm, "Casebook", "app")]
    convs += sorted(((c, fake.channel_names.get(c, c), "channel") for c in fake.channels), key=lambda c: c[1])
    first_look = not any(user == user_id for user, _ in fake.last_read)
    out = []
    for conv_id, name, kind in convs:
        seqs = _seqs(fake, user_id, conv_id)
        key = (user_id, conv_id)
        if first_look or conv_id == reading:
            fake.last_read[key] = max(seqs, default=0)
        unread = sum(1 for s in seqs if s > fake.last_read.get(key, 0))
        out.append({"id": conv_id, "name": name, "kind": kind, "count": len(seqs), "unread": unread})
    return out


def timeline(fake: FakeSlack, user_id: str, channel: str) -> list[dict[str, Any]]:
    """Top-level messages and this person's ephemerals in a conversation, oldest first."""
    replies: dict[str, list[Message]] = {}
    for msg in fake.messages:
        if msg.channel == channel and msg.thread_ts:
            replies.setdefault(msg.thread_ts, []).append(msg)
    items = [
        message_item(m, fake, replies.get(m.ts, []))
        for m in fake.messages
        if m.channel == channel and m.thread_ts is None
    ]
    items += [
        ephemeral_item(e, fake)
        for e in fake.visible_ephemerals
        if e.channel == channel and e.user == user_id and e.thread_ts is None
    ]
    return _sorted(items)


def thread(fake: FakeSlack, user_id: str, channel: str, ts: str) -> dict[str, Any] | None:
    parent = next((m for m in fake.messages if m.channel == channel and m.ts == ts), None)
    if parent is None:
        return None
    replies = [m for m in fake.messages if m.channel == channel and m.thread_ts == ts]
    items = [message_item(m, fake, []) for m in replies]
    items += [
        ephemeral_item(e, fake)
        for e in fake.visible_ephemerals
        if e.channel == channel and e.user == user_id and e.thread_ts == ts
    ]
    return {"parent": message_item(parent, fake, replies), "replies": _sorted(items)}


def resolve_permalink(fake: FakeSlack, url: str) -> dict[str, Any] | None:
    """Where a permalink (``chat.getPermalink``'s) points: its conversation, message and thread."""
    found = PERMALINK.match(url)
    if found is None:
        return None
    channel, digits = found.group(1), found.group(2)
    with fake.lock:
        msg = next(
            (m for m in fake.messages if m.channel == channel and m.ts.replace(".", "") == digits), None
        )
        if msg is None:
            return None
        return {"channel": msg.channel, "ts": msg.ts, "thread_ts": msg.thread_ts}


def users(fake: FakeSlack, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Everyone a message can mention: the roster, other workspace members and the bot."""
    known = {p["id"]: dict(p) for p in people}
    for user in fake.users.values():
        known.setdefault(
            user.id, {"id": user.id, "name": user.name, "roles": [], "tz": user.tz, "is_bot": user.is_bot}
        )
    known[fake.bot_user_id] = {
        "id": fake.bot_user_id,
        "name": "Casebook",
        "roles": [],
        "tz": "UTC",
        "is_bot": True,
    }
    known[SLACKBOT] = {"id": SLACKBOT, "name": "Slackbot", "roles": [], "tz": "UTC", "is_bot": True}
    return list(known.values())


def snapshot(
    fake: FakeSlack,
    *,
    people: list[dict[str, Any]],
    user_id: str,
    channel: str | None,
    thread_ts: str | None,
    reading: bool = True,
) -> dict[str, Any]:
    """Everything the page needs for one person looking at one conversation (``reading`` it)."""
    with fake.lock:
        channel = channel or fake.dm_channel(user_id)
        stack = fake.view_stacks.get(user_id) or []
        top = fake.views.get(stack[-1]) if stack else None
        return {
            "me": user_id,
            "users": users(fake, people),
            "conversations": conversations(fake, user_id, reading=channel if reading else None),
            "channel": channel,
            "timeline": timeline(fake, user_id, channel),
            "thread": thread(fake, user_id, channel, thread_ts) if thread_ts else None,
            "home": public_view(fake.home.get(user_id)),
            "modal": {"view": public_view(top), "depth": len(stack)} if top else None,
            "shortcuts": shortcuts(),
        }
