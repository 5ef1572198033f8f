"""Listener plumbing: listeners are plain functions that can be called alone with Bolt's arguments."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond

from bot.domain.errors import Conflict
from bot.slack.listeners import practice
from bot.slack.metadata import CategoryValue
from bot.slack.middleware import Caller, ack_now, caller_of, deps_of, form_errors, replies_on_error
from bot.slack.util import SERVER_ERROR


class Recorder(Respond):
    """Stands in for Bolt's ack and respond: remembers what it was called with."""

    def __init__(self) -> None:  # no response_url: nothing is sent anywhere
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> Any:  # type: ignore[override]
        self.calls.append(kwargs)


def _context(casebook, user: str = "U0ENG1") -> BoltContext:
    return BoltContext({"deps": casebook.deps, "caller": Caller(casebook.deps, user)})


def _action(value: str) -> dict[str, Any]:
    return {
        "user": {"id": "U0ENG1"},
        "response_url": "https://example.invalid/r",
        "actions": [{"value": value}],
    }


def test_a_listener_runs_alone_with_the_container_in_its_context(casebook) -> None:
    ack, respond = Recorder(), Recorder()
    context = _context(casebook)
    assert deps_of(context) is casebook.deps and caller_of(context).slack_user_id == "U0ENG1"

    ack_now(ack)  # the click's ack: the guide itself is lazy work, run from the inbox
    body = _action(CategoryValue(category="rollback").dump())
    practice.on_guide(body=body, context=context, respond=respond)

    assert ack.calls == [{}]
    [answer] = respond.calls
    assert answer["response_type"] == "ephemeral" and answer["text"].startswith("Decision guide: ")


def test_bad_metadata_is_answered_as_written_and_a_crash_as_the_server_error(casebook) -> None:
    respond = Recorder()
    practice.on_guide(body=_action("{not json"), context=_context(casebook), respond=respond)
    assert "Something went wrong" not in respond.calls[0]["text"]

    @replies_on_error("exploding")
    def explode(*, body: dict[str, Any], context: BoltContext, respond: Recorder) -> None:
        raise RuntimeError("boom")

    explode(body=_action("{}"), context=_context(casebook), respond=respond)
    assert respond.calls[-1]["text"] == SERVER_ERROR.replace("&", "&amp;")


def test_form_errors_keep_the_form_open_with_the_message_on_the_named_field() -> None:
    @form_errors("saving", block_id="title", failed="Nothing was saved.")
    def submit(*, ack: Recorder, kind: str) -> str:
        if kind == "refused":
            raise Conflict("Already recorded.")
        if kind == "crash":
            raise RuntimeError("database went away")
        ack()
        return "ok"

    ack = Recorder()
    assert submit(ack=ack, kind="fine") == "ok"
    assert submit(ack=ack, kind="refused") is None
    assert submit(ack=ack, kind="crash") is None
    assert ack.calls == [
        {},
        {"response_action": "errors", "errors": {"title": "Already recorded."}},
        {"response_action": "errors", "errors": {"title": "Nothing was saved."}},
    ]
