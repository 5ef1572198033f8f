"""FakeSlack's client side: what a person's Slack client shows, beyond the Web API records.

Per-person modal stacks (views.open / push / update and the answers to view_submission),
ephemeral messages as their one reader sees them, where a response_url post appears
(ephemeral, replacing or deleting the original, or in channel), and messages people type.
Everything here is inert for callers that never register a trigger or a response origin,
so the test suite's use of FakeSlack is unchanged.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.sandbox.records import Ephemeral, Message
from bot.sandbox.validation import validate_view

if TYPE_CHECKING:
    import itertools

__all__ = ["MAX_VIEW_STACK", "ClientSide", "Ephemeral", "mrkdwn_escape"]
MAX_VIEW_STACK = 3


# A mention the page's composer wrote (<@U123> or <@U123|handle>): Slack's client inserts
# these after escaping what was typed, so they survive as mentions.
_MENTION = re.compile(r"(<@[UW][A-Z0-9]+(?:\|[a-z0-9._-]*)?>)")


def mrkdwn_escape(text: str) -> str:
    """What Slack's client does to typed text before it becomes a message's ``text``."""
    parts = _MENTION.split(text)
    return "".join(
        part if i % 2 else part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for i, part in enumerate(parts)
    )


class ClientSide:
    """Mixin for FakeSlack (which provides the attributes declared here)."""

    lock: threading.RLock
    team_id: str
    bot_user_id: str
    messages: list[Message]
    views: dict[str, dict[str, Any]]
    files: dict[str, dict[str, Any]]
    invalid: list[str]
    listeners: list[Callable[[str, dict[str, Any]], None]]
    _ids: itertools.count[int]

    def _next_ts(self) -> str:
        raise NotImplementedError

    def init_client_side(self) -> None:
        self.response_origins: dict[str, dict[str, Any]] = {}  # response_url key -> origin
        self.visible_ephemerals: list[Ephemeral] = []
        self.apply_responses = False  # response_url may replace/delete/post real messages
        self.triggers: dict[str, str] = {}  # trigger_id -> user id
        self.view_stacks: dict[str, list[str]] = {}  # user id -> open modal ids, top last
        self.last_read: dict[tuple[str, str], int] = {}  # (user, conversation) -> seq read up to

    def client_restarted(self) -> None:
        """The page was (re)loaded: like a Slack client's, its modals and ephemerals are gone."""
        with self.lock:
            self.view_stacks.clear()
            self.visible_ephemerals.clear()
        self.notify("client.restarted", {})

    def _stack_full(self, trigger: str, method: str) -> bool:
        owner = self.triggers.get(trigger)
        stack = self.view_stacks.get(owner, []) if owner else []
        return method == "views.push" and len(stack) >= MAX_VIEW_STACK

    def _stack_view(self, trigger: str, method: str, view: dict[str, Any]) -> None:
        """Put a view opened or pushed with ``trigger`` on its person's stack (lock held)."""
        owner = self.triggers.get(trigger)
        if owner is None:
            return
        stack = self.view_stacks.setdefault(owner, [])
        if method == "views.open":
            stack.clear()
        view["previous_view_id"] = stack[-1] if stack else None
        view["root_view_id"] = stack[0] if stack else view["id"]
        stack.append(view["id"])

    def register_trigger(self, trigger_id: str, user_id: str) -> None:
        """Remember whose click a trigger_id came from, so opened modals stack per user."""
        with self.lock:
            self.triggers[trigger_id] = user_id

    def notify(self, kind: str, body: dict[str, Any]) -> None:
        """Tell every listener that something changed (Web API calls do this themselves)."""
        for listener in list(self.listeners):
            listener(kind, body)

    # -- what people do in the client (the sandbox UI) -------------------------------
    def post_as_user(self, channel: str, user_id: str, text: str, *, thread_ts: str | None = None) -> Message:
        """A person types a message; Slack escapes &, < and > in its ``text``."""
        with self.lock:
            msg = Message(channel, self._next_ts(), user_id, mrkdwn_escape(text), [], thread_ts)
            self.messages.append(msg)
        self.notify("message.user", {"channel": channel, "ts": msg.ts})
        return msg

    def show_response(self, origin: dict[str, Any], payload: dict[str, Any]) -> None:
        """Show a message the way a response_url post from ``origin`` would be shown (used
        for a slash command's synchronous answer, which Slack shows as ephemeral)."""
        with self.lock:
            self._apply_response(origin, payload)
        self.notify("response", {"origin": origin})

    def add_ephemeral(
        self, user_id: str, channel: str, text: str, *, thread_ts: str | None = None, source: str = "slackbot"
    ) -> Ephemeral:
        """A client-side notice only one person sees (e.g. Slackbot's "failed with …")."""
        with self.lock:
            eph = Ephemeral(self._next_ts(), channel, user_id, text, [], thread_ts, source)
            self.visible_ephemerals.append(eph)
        self.notify("ephemeral.client", {"id": eph.id})
        return eph

    def dismiss_ephemeral(self, user_id: str, ephemeral_id: str) -> None:
        with self.lock:
            self.visible_ephemerals = [
                e for e in self.visible_ephemerals if not (e.id == ephemeral_id and e.user == user_id)
            ]
        self.notify("ephemeral.dismissed", {"id": ephemeral_id})

    def top_view(self, user_id: str) -> dict[str, Any] | None:
        """The modal the user currently sees, if any."""
        with self.lock:
            stack = self.view_stacks.get(user_id) or []
            return self.views.get(stack[-1]) if stack else None

    def stack_depth(self, user_id: str) -> int:
        with self.lock:
            return len(self.view_stacks.get(user_id) or [])

    def close_view(self, user_id: str, view_id: str, *, everything: bool = False) -> None:
        """The user closes a modal: back to the previous one, or the whole stack."""
        with self.lock:
            stack = self.view_stacks.get(user_id) or []
            if view_id in stack:
                del stack[0 if everything else stack.index(view_id) :]
        self.notify("views.closed", {"view_id": view_id})

    def apply_view_response(self, user_id: str, view_id: str, body: dict[str, Any]) -> dict[str, str] | None:
        """Apply the bot's answer to a view_submission like Slack; returns inline errors."""
        action = body.get("response_action")
        if action == "errors":
            errors = body.get("errors")
            return {str(k): str(v) for k, v in errors.items()} if isinstance(errors, dict) else {}
        with self.lock:
            stack = self.view_stacks.setdefault(user_id, [])
            if action in ("update", "push"):
                problem = validate_view(body.get("view"))
                if problem:
                    self.invalid.append(f"response_action {action}: {problem}")
                    return None
            if action == "update" and body.get("view"):
                self.views[view_id] = dict(
                    body["view"], id=view_id, team_id=self.team_id, state={"values": {}}
                )
            elif action == "push" and body.get("view"):
                new_id = f"V{next(self._ids):08d}"
                self.views[new_id] = dict(
                    body["view"],
                    id=new_id,
                    team_id=self.team_id,
                    state={"values": {}},
                    previous_view_id=view_id,
                    _stack="push",
                )
                stack.append(new_id)
            elif action == "clear":
                stack.clear()
            elif view_id in stack:
                del stack[stack.index(view_id) :]
        self.notify("views.submitted", {"view_id": view_id, "response_action": action})
        return None

    def file_content(self, file_id: str) -> tuple[str, bytes] | None:
        """(name, bytes) of an uploaded file, for the sandbox to serve."""
        with self.lock:
            meta = self.files.get(file_id)
            if meta is None:
                return None
            return str(meta.get("name", file_id)), bytes(meta.get("content") or b"")

    # -- Web API -------------------------------------------------------------------
    def _apply_response(self, origin: dict[str, Any], payload: dict[str, Any]) -> None:
        """Show a response_url post where Slack would (caller holds the lock)."""
        text = str(payload.get("text") or "")
        blocks = list(payload.get("blocks") or [])
        channel = str(origin.get("channel") or "")
        eph_id = origin.get("ephemeral_id")
        msg_ts = origin.get("message_ts")
        if payload.get("delete_original") or payload.get("replace_original"):
            if eph_id:
                for eph in self.visible_ephemerals:
                    if eph.id == eph_id:
                        eph.text, eph.blocks = text, blocks
                if payload.get("delete_original"):
                    self.visible_ephemerals = [e for e in self.visible_ephemerals if e.id != eph_id]
                return
            target = next((m for m in self.messages if m.channel == channel and m.ts == msg_ts), None)
            if target is not None:
                if self.apply_responses:
                    if payload.get("delete_original"):
                        self.messages.remove(target)
                    else:
                        target.text, target.blocks = text, blocks
                        target.edited += 1
                return
        thread_ts = payload.get("thread_ts") or origin.get("thread_ts")
        if payload.get("response_type") == "in_channel":
            if self.apply_responses:
                self.messages.append(
                    Message(channel, self._next_ts(), self.bot_user_id, text, blocks, thread_ts)
                )
            return
        self.visible_ephemerals.append(
            Ephemeral(
                self._next_ts(),
                channel,
                str(origin.get("user")),
                text,
                blocks,
                thread_ts,
                source="response_url",
            )
        )
