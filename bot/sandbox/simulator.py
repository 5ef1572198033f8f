"""Play Slack's side of the conversation: build payloads like Slack's, sign them, POST them.

Shapes follow the real payloads in shared/slack-reference/payloads (slash commands as
form fields; interactions as a form field ``payload`` holding JSON; events as JSON), and
every request is signed with Slack's v0 scheme. Used by the tests, the sandbox and the
benchmarks, so all three exercise the same path Slack does.
"""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.payloads import block_id_of, find_option, sign, view_state

__all__ = ["Reply", "Simulator", "block_id_of", "find_option", "sign"]

_counter = itertools.count(1)


@dataclass
class Reply:
    status: int
    body: bytes
    elapsed: float

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}


class Simulator:
    """Sends signed Slack requests to the bot at ``events_url``."""

    def __init__(
        self,
        *,
        events_url: str,
        signing_secret: str,
        fake: FakeSlack,
        team_id: str = "T0CASEBOOK",
        api_app_id: str = "A0CASEBOOK",
    ) -> None:
        self.events_url = events_url
        self.secret = signing_secret
        self.fake = fake
        self.team_id = team_id
        self.api_app_id = api_app_id

    # -- transport -----------------------------------------------------------------
    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> Reply:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sig = signature if signature is not None else sign(self.secret, ts, body)
        request = urllib.request.Request(self.events_url, data=body, method="POST")
        request.add_header("Content-Type", content_type)
        request.add_header("X-Slack-Request-Timestamp", ts)
        if sig:
            request.add_header("X-Slack-Signature", sig)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                data = resp.read()
                status = resp.status
        except urllib.error.HTTPError as exc:
            data, status = exc.read(), exc.code
        return Reply(status, data, time.perf_counter() - start)

    def _form(self, fields: dict[str, str], **kw: Any) -> Reply:
        return self.post(urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded", **kw)

    def _interaction(self, payload: dict[str, Any], **kw: Any) -> Reply:
        return self._form({"payload": json.dumps(payload)}, **kw)

    def _user(self, user_id: str) -> dict[str, Any]:
        user = self.fake.users.get(user_id)
        name = user.name if user else user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _team(self) -> dict[str, Any]:
        return {"id": self.team_id, "domain": "casebook-sandbox"}

    def trigger_id(self, user_id: str | None = None) -> str:
        """A fresh trigger_id; with ``user_id`` the fake knows whose modal stack it opens."""
        trigger = f"{int(time.time())}.{next(_counter)}.valid"
        if user_id is not None:
            self.fake.register_trigger(trigger, user_id)
        return trigger

    def _response_url(self, prefix: str, origin: dict[str, Any]) -> str:
        return self.fake.response_url(f"{prefix}-{next(_counter)}", origin=origin)

    # -- slash commands --------------------------------------------------------------
    def command_fields(
        self,
        user_id: str,
        text: str,
        *,
        channel_id: str = "C0CBGENERAL",
        command: str = "/casebook",
        thread_ts: str | None = None,
    ) -> dict[str, str]:
        origin = {"user": user_id, "channel": channel_id, "thread_ts": thread_ts}
        channel_name = self.fake.channel_names.get(channel_id)
        if channel_name is None:
            channel_name = "directmessage" if channel_id.startswith("D") else "general"
        return {
            "token": "verification_token",
            "team_id": self.team_id,
            "team_domain": "casebook-sandbox",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": self._user(user_id)["name"],
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self._response_url("cmd", origin),
            "trigger_id": self.trigger_id(user_id),
        }

    def command(self, user_id: str, text: str, **kw: Any) -> Reply:
        channel_id = kw.pop("channel_id", "C0CBGENERAL")
        command = kw.pop("command", "/casebook")
        thread_ts = kw.pop("thread_ts", None)
        fields = self.command_fields(
            user_id, text, channel_id=channel_id, command=command, thread_ts=thread_ts
        )
        return self._form(fields, **kw)

    # -- block actions -----------------------------------------------------------------
    def click(
        self,
        user_id: str,
        *,
        action_id: str,
        value: str | None = None,
        block_id: str = "b",
        channel: str | None = None,
        message_ts: str | None = None,
        view_id: str | None = None,
        selected: str | None = None,
        **kw: Any,
    ) -> Reply:
        """A button click (or select) in a message, a modal or App Home."""
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "button",
            "action_ts": f"{time.time():.6f}",
        }
        if value is not None:
            action["value"] = value
        if selected is not None:
            action.update(type="static_select", selected_option={"value": selected})
        if view_id is not None:
            view = self.fake.views.get(view_id) or self.fake.home.get(user_id) or {}
            return self.block_action(user_id, action, view=view, **kw)
        return self.block_action(user_id, action, channel=channel, message_ts=message_ts, **kw)

    def block_action(
        self,
        user_id: str,
        action: dict[str, Any],
        *,
        channel: str | None = None,
        message_ts: str | None = None,
        ephemeral: bool = False,
        view: dict[str, Any] | None = None,
        **kw: Any,
    ) -> Reply:
        """A block_actions payload for one fully described action, from a message (or an
        ephemeral message) in ``channel``, or from ``view`` (a modal or App Home)."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": "verification_token",
            "trigger_id": self.trigger_id(user_id),
            "team": self._team(),
            "actions": [action],
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id")}
            payload["view"] = {k: v for k, v in view.items() if not k.startswith("_")}
            return self._interaction(payload, **kw)
        payload.update(self._from_message(user_id, channel, message_ts, ephemeral=ephemeral))
        return self._interaction(payload, **kw)

    def _from_message(
        self, user_id: str, channel: str | None, message_ts: str | None, *, ephemeral: bool
    ) -> dict[str, Any]:
        """The parts of a block_actions payload that say which message the click was in."""
        with self.fake.lock:
            msg = next(
                (
                    m
                    for m in self.fake.messages
                    if m.ts == message_ts and (channel is None or m.channel == channel)
                ),
                None,
            )
        default_name = "directmessage" if str(channel).startswith("D") else "casebook"
        parts: dict[str, Any] = {
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "channel": {"id": channel, "name": self.fake.channel_names.get(str(channel), default_name)},
        }
        if msg is not None and not ephemeral:
            parts["message"] = {
                "type": "message",
                "ts": msg.ts,
                "text": msg.text,
                "blocks": msg.blocks,
                "thread_ts": msg.thread_ts,
                "user": msg.user,
            }
            parts["state"] = {"values": {}}
        origin: dict[str, Any] = {
            "user": user_id,
            "channel": channel,
            "thread_ts": msg.thread_ts if msg else None,
        }
        origin["ephemeral_id" if ephemeral else "message_ts"] = message_ts
        parts["response_url"] = self._response_url("act", origin)
        return parts

    def click_home(self, user_id: str, *, action_id: str, value: str | None = None, **kw: Any) -> Reply:
        view = self.fake.home.get(user_id) or {}
        return self.click(user_id, action_id=action_id, value=value, view_id=str(view.get("id", "")), **kw)

    # -- shortcuts -------------------------------------------------------------------
    def message_shortcut(
        self, user_id: str, *, callback_id: str, channel: str, message: dict[str, Any], **kw: Any
    ) -> Reply:
        origin = {"user": user_id, "channel": channel, "thread_ts": message.get("thread_ts")}
        payload = {
            "type": "message_action",
            "token": "verification_token",
            "action_ts": f"{time.time():.6f}",
            "team": self._team(),
            "user": {"id": user_id, "name": self._user(user_id)["name"]},
            "channel": {"id": channel, "name": self.fake.channel_names.get(channel, "alerts")},
            "callback_id": callback_id,
            "trigger_id": self.trigger_id(user_id),
            "message_ts": message.get("ts"),
            "message": message,
            "response_url": self._response_url("sc", origin),
        }
        return self._interaction(payload, **kw)

    # -- views -------------------------------------------------------------------------
    def state_for(self, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Build view.state.values from {block_id: value} using each input's element type."""
        return view_state(view, values)

    def submit(self, user_id: str, view_id: str, values: dict[str, Any], **kw: Any) -> Reply:
        """Submit an open modal with the given input values."""
        view = {k: v for k, v in self.fake.views[view_id].items() if not k.startswith("_")}
        view["state"] = self.state_for(view, values)
        reply = self._interaction(self._submission(user_id, view), **kw)
        if reply.status == 200:
            try:
                body = reply.json
            except ValueError:
                body = {}
            self.fake.apply_view_response(user_id, view_id, body if isinstance(body, dict) else {})
        return reply

    def submit_view(self, user_id: str, view: dict[str, Any], values: dict[str, Any], **kw: Any) -> Reply:
        """Submit a view the fake never opened for this user: a hand-built or forged form.

        Security tests use it to send crafted ``private_metadata`` (someone else's card or
        decision) the way only a holder of the signing secret could; the reply is returned
        as is and nothing is applied to the fake's views."""
        view = dict(view, id=view.get("id") or "VFORGED", state=self.state_for(view, values))
        return self._interaction(self._submission(user_id, view), **kw)

    def _submission(self, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """A view_submission payload for ``view`` (its state already filled in)."""
        return {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": "verification_token",
            "trigger_id": self.trigger_id(user_id),
            "view": view,
            "response_urls": [],
        }

    def close(self, user_id: str, view_id: str, *, is_cleared: bool = False, **kw: Any) -> Reply:
        view = {k: v for k, v in self.fake.views[view_id].items() if not k.startswith("_")}
        payload = {
            "type": "view_closed",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": "verification_token",
            "view": view,
            "is_cleared": is_cleared,
        }
        return self._interaction(payload, **kw)

    # -- events --------------------------------------------------------------------------
    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None, **kw: Any
    ) -> Reply:
        body = {
            "token": "verification_token",
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_counter):08d}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "team_id": self.team_id,
                    "user_id": "U0CBBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
        }
        headers = dict(kw.pop("headers", {}) or {})
        if retry_num is not None:
            headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"})
        return self.post(json.dumps(body).encode(), "application/json", headers=headers, **kw)

    def open_home(self, user_id: str, **kw: Any) -> Reply:
        return self.event(
            {
                "type": "app_home_opened",
                "user": user_id,
                "channel": "D" + user_id[1:],
                "tab": "home",
                "event_ts": f"{time.time():.6f}",
            },
            **kw,
        )
