"""FakeSlack's Web API methods: one handler per method, answering like Slack and recording state.

:meth:`WebApi.dispatch` checks the arguments (:mod:`bot.sandbox.validation`) and
calls the method's handler; the caller (``FakeSlack.handle``) holds the lock and has
already applied faults, rate limits and authentication.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.sandbox.records import Ephemeral, FakeUser, Message
from bot.sandbox.validation import MAX_MESSAGE_BLOCKS, argument_error, validate_blocks, validate_view

Answer = dict[str, Any]
PERMALINK_BASE = "https://casebook-sandbox.slack.com/archives"


def _parse_json_arg(args: dict[str, Any], name: str) -> Any:
    """A form-encoded call sends JSON arguments as strings: decode in place (None if invalid)."""
    value = args.get(name)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
        args[name] = value
    return value


def _truthy(value: Any) -> bool:
    """A boolean argument as slack_sdk sends it (True, "1", "true")."""
    return str(value).lower() in ("1", "true")


def _message_json(msg: Message, with_metadata: bool) -> dict[str, Any]:
    """A message as the Web API returns it; ``metadata`` only when asked for, as Slack does."""
    out: dict[str, Any] = {"type": "message", "text": msg.text, "ts": msg.ts, "blocks": msg.blocks}
    if msg.thread_ts:
        out["thread_ts"] = msg.thread_ts
    if with_metadata and msg.metadata is not None:
        out["metadata"] = msg.metadata
    return out


class WebApi:
    """Mixin for FakeSlack (which provides the attributes declared here)."""

    lock: threading.RLock
    team_id: str
    bot_user_id: str
    messages: list[Message]
    ephemerals: list[dict[str, Any]]
    visible_ephemerals: list[Ephemeral]
    views: dict[str, dict[str, Any]]
    home: dict[str, dict[str, Any]]
    files: dict[str, dict[str, Any]]
    users: dict[str, FakeUser]
    channels: set[str]
    bot_channels: set[str]
    archived: set[str]
    invalid: list[str]
    _ids: itertools.count[int]

    @property
    def url(self) -> str:
        raise NotImplementedError

    def _next_ts(self) -> str:
        raise NotImplementedError

    def dm_channel(self, user_id: str) -> str:
        raise NotImplementedError

    def _stack_full(self, trigger: str, method: str) -> bool:
        raise NotImplementedError

    def _stack_view(self, trigger: str, method: str, view: dict[str, Any]) -> None:
        raise NotImplementedError

    def _handlers(self) -> dict[str, Callable[[str, dict[str, Any]], Answer]]:
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat,
            "chat.update": self._chat,
            "chat.postEphemeral": self._chat,
            "chat.getPermalink": self._permalink,
            "views.open": self._views,
            "views.push": self._views,
            "views.update": self._views,
            "views.publish": self._views,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.replies": self._conversations_replies,
            "conversations.history": self._conversations_history,
            "files.getUploadURLExternal": self._files_upload_url,
            "files.completeUploadExternal": self._files_complete,
        }

    def dispatch(self, method: str, args: dict[str, Any]) -> Answer:
        """Answer one authenticated call (lock held)."""
        problem = argument_error(method, args)
        if problem:
            error, why = problem
            if why:
                self.invalid.append(why)
            return {"ok": False, "error": error}
        handler = self._handlers().get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        return handler(method, args)

    # -- checks ---------------------------------------------------------------------
    def _resolve_channel(self, channel: str) -> tuple[str | None, str | None]:
        """Slack posts to a user id as a DM with the app; unknown ids are channel_not_found."""
        if channel.startswith(("U", "W")):
            user = self.users.get(channel)
            if user is None:
                return None, "channel_not_found"
            if user.deleted:
                return None, "account_inactive"
            return self.dm_channel(channel), None
        if channel.startswith("D"):
            return channel, None
        if channel not in self.channels:
            return None, "channel_not_found"
        if channel in self.archived:
            return None, "is_archived"
        if channel not in self.bot_channels:
            return None, "not_in_channel"
        return channel, None

    def _blocks_error(self, method: str, args: dict[str, Any]) -> str | None:
        blocks = _parse_json_arg(args, "blocks")
        if blocks is None:
            if method.startswith("chat.") and not args.get("text"):
                return "no_text"
            return None
        problem = validate_blocks(blocks, limit=MAX_MESSAGE_BLOCKS)
        if problem:
            self.invalid.append(f"{method}: {problem}")
            return "invalid_blocks"
        if method.startswith("chat.") and not args.get("text"):
            # Slack accepts this but warns; we hold ourselves to sending a fallback text.
            self.invalid.append(f"{method}: blocks without a fallback `text`")
        return None

    def _view_error(self, method: str, args: dict[str, Any]) -> str | None:
        problem = validate_view(_parse_json_arg(args, "view"))
        if problem:
            self.invalid.append(f"{method}: {problem}")
            return "invalid_arguments"
        return None

    # -- methods --------------------------------------------------------------------
    def _auth_test(self, _method: str, _args: dict[str, Any]) -> Answer:
        return {
            "ok": True,
            "url": "https://casebook-sandbox.slack.com/",
            "team": "Casebook",
            "user": "casebook",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": "B0CBBOT",
            "is_enterprise_install": False,
        }

    def _chat(self, method: str, args: dict[str, Any]) -> Answer:
        error = self._blocks_error(method, args)
        if error:
            return {"ok": False, "error": error}
        channel, error = self._resolve_channel(str(args["channel"]))
        if error or channel is None:
            return {"ok": False, "error": error}
        if method == "chat.postMessage":
            return self._post_message(channel, args)
        if method == "chat.update":
            return self._update_message(channel, args)
        return self._post_ephemeral(channel, args)

    def _post_message(self, channel: str, args: dict[str, Any]) -> Answer:
        thread_ts = args.get("thread_ts")
        if thread_ts and not any(m.ts == thread_ts and m.channel == channel for m in self.messages):
            return {"ok": False, "error": "thread_not_found"}
        text, blocks = str(args.get("text", "")), list(args.get("blocks") or [])
        msg = Message(channel, self._next_ts(), self.bot_user_id, text, blocks, thread_ts)
        metadata = _parse_json_arg(args, "metadata")
        msg.metadata = metadata if isinstance(metadata, dict) else None
        self.messages.append(msg)
        return {"ok": True, "channel": channel, "ts": msg.ts, "message": _message_json(msg, True)}

    def _update_message(self, channel: str, args: dict[str, Any]) -> Answer:
        target = next((m for m in self.messages if m.channel == channel and m.ts == args["ts"]), None)
        if target is None:
            return {"ok": False, "error": "message_not_found"}
        if "text" in args:
            target.text = str(args["text"])
        if "blocks" in args:
            target.blocks = list(args.get("blocks") or [])
        target.edited += 1
        return {"ok": True, "channel": channel, "ts": target.ts, "text": target.text}

    def _post_ephemeral(self, channel: str, args: dict[str, Any]) -> Answer:
        message_ts = self._next_ts()
        user, text, blocks = args.get("user"), args.get("text"), args.get("blocks")
        self.ephemerals.append({"channel": channel, "user": user, "text": text, "blocks": blocks})
        self.visible_ephemerals.append(
            Ephemeral(
                message_ts, channel, str(user), str(text or ""), list(blocks or []), args.get("thread_ts")
            )
        )
        return {"ok": True, "message_ts": message_ts}

    def _permalink(self, _method: str, args: dict[str, Any]) -> Answer:
        ts = str(args["message_ts"]).replace(".", "")
        channel = args["channel"]
        return {"ok": True, "channel": channel, "permalink": f"{PERMALINK_BASE}/{channel}/p{ts}"}

    def _views(self, method: str, args: dict[str, Any]) -> Answer:
        error = self._view_error(method, args)
        if error:
            return {"ok": False, "error": error}
        view = dict(args["view"])
        if method == "views.publish":
            return self._publish(view, str(args["user_id"]))
        if method in ("views.open", "views.push"):
            return self._open_view(method, view, str(args["trigger_id"]))
        view_id = str(args.get("view_id") or "")
        if view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        view.update(id=view_id, team_id=self.team_id, state={"values": {}})
        self.views[view_id] = view
        return {"ok": True, "view": view}

    def _publish(self, view: dict[str, Any], user: str) -> Answer:
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        view_id = self.home.get(user, {}).get("id") or f"V{next(self._ids):08d}"
        view.update(id=view_id, team_id=self.team_id)
        self.home[user] = view
        return {"ok": True, "view": view}

    def _open_view(self, method: str, view: dict[str, Any], trigger: str) -> Answer:
        if not trigger or trigger.startswith("expired"):
            return {"ok": False, "error": "expired_trigger_id"}
        if self._stack_full(trigger, method):
            return {"ok": False, "error": "push_limit_reached"}
        view_id = f"V{next(self._ids):08d}"
        view.update(
            id=view_id, team_id=self.team_id, state={"values": {}}, hash=f"{int(time.time())}.{view_id}"
        )
        view["_stack"] = "push" if method == "views.push" else "open"
        self._stack_view(trigger, method, view)
        self.views[view_id] = view
        return {"ok": True, "view": view}

    def _users_info(self, _method: str, args: dict[str, Any]) -> Answer:
        found = self.users.get(str(args["user"]))
        if found is None:
            return {"ok": False, "error": "user_not_found"}
        return {
            "ok": True,
            "user": {
                "id": found.id,
                "team_id": self.team_id,
                "name": found.name,
                "real_name": found.name,
                "deleted": found.deleted,
                "tz": found.tz,
                "is_bot": found.is_bot,
                "profile": {"real_name": found.name, "display_name": found.name},
            },
        }

    def _conversations_open(self, _method: str, args: dict[str, Any]) -> Answer:
        users = str(args.get("users", "")).split(",")
        return {"ok": True, "channel": {"id": self.dm_channel(users[0])}}

    def _conversations_replies(self, _method: str, args: dict[str, Any]) -> Answer:
        ts = str(args.get("ts"))
        replies = [
            m for m in self.messages if m.channel == args.get("channel") and (m.ts == ts or m.thread_ts == ts)
        ]
        meta = _truthy(args.get("include_all_metadata"))
        return {"ok": True, "messages": [_message_json(m, meta) for m in replies]}

    def _conversations_history(self, _method: str, args: dict[str, Any]) -> Answer:
        """A conversation's top-level messages, newest first (metadata only when asked for)."""
        channel = str(args["channel"])
        if channel.startswith(("U", "W")):
            return {"ok": False, "error": "channel_not_found"}  # as Slack: open the DM first
        if channel.startswith("C") and channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        if channel.startswith("C") and channel not in self.bot_channels:
            return {"ok": False, "error": "not_in_channel"}
        limit = int(args.get("limit") or 100)
        oldest = float(args.get("oldest") or 0)
        found = [
            m
            for m in self.messages
            if m.channel == channel and m.thread_ts in (None, m.ts) and float(m.ts) >= oldest
        ]
        meta = _truthy(args.get("include_all_metadata"))
        return {"ok": True, "messages": [_message_json(m, meta) for m in reversed(found)][:limit]}

    def _files_upload_url(self, _method: str, args: dict[str, Any]) -> Answer:
        file_id = f"F{next(self._ids):08d}"
        self.files[file_id] = {
            "id": file_id,
            "name": args["filename"],
            "length": int(args["length"]),
            "content": b"",
        }
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _files_complete(self, _method: str, args: dict[str, Any]) -> Answer:
        files = args["files"]
        if isinstance(files, str):
            files = json.loads(files)
        shared = []
        for item in files:
            meta = self.files.get(item.get("id"))
            if meta is None:
                return {"ok": False, "error": "file_not_found"}
            meta["title"] = item.get("title")
            shared.append({"id": meta["id"], "name": meta["name"], "title": meta.get("title")})
        channel = args.get("channel_id")
        if channel:
            resolved, error = self._resolve_channel(str(channel))
            if error or resolved is None:
                return {"ok": False, "error": error}
            comment = str(args.get("initial_comment", ""))
            thread_ts = args.get("thread_ts")
            msg = Message(resolved, self._next_ts(), self.bot_user_id, comment, [], thread_ts, files=shared)
            self.messages.append(msg)
        return {"ok": True, "files": shared}
