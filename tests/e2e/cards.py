"""Helpers for driving scenario cards over HTTP: find a card, click it, fill the modal."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.db.models import Assignment, ScenarioVersion
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action, Callback
from bot.slack.metadata import CardValue
from tests.helpers import eventually

ACTIONS = {"approve": Action.DECIDE_APPROVE, "deny": Action.DECIDE_DENY, "escalate": Action.DECIDE_ESCALATE}
OTHER = {"approve": "deny", "deny": "escalate", "escalate": "approve"}


def good_values(verdict: str, *, extra: str = "") -> dict[str, Any]:
    """A justification that passes validation for ``verdict``."""
    values: dict[str, Any] = {
        "policy": "The rule that fired and its exception clause decide this one." + extra,
        "evidence": "I checked the facts on the card: numbers, owners and the timeline.",
        "risk": "Customer impact and blast radius are bounded to this one service.",
        "confidence": "4",
    }
    if verdict == "approve":
        values["conditions"] = "Time-boxed to 7 days, rollback via the previous release, owner on call."
    if verdict == "escalate":
        values["escalation"] = "The service owner and security decide; this is beyond ops' delegation."
    return values


def sound_values(verdict: str, key_points: list[dict[str, Any]]) -> dict[str, Any]:
    """A justification naming every key point in real sentences (sound with the right call)."""
    said = " ".join(
        f"The decision turns on {kp['keywords'][0]} because it changes what ops may do here."
        for kp in key_points
    )
    values = good_values(verdict)
    values["evidence"] = said
    return values


def keyword_values(verdict: str, key_points: list[dict[str, Any]]) -> dict[str, Any]:
    """Every key point's keywords, as a comma-separated list in the evidence field (not sound)."""
    values = good_values(verdict)
    values["evidence"] = ", ".join(k for kp in key_points for k in kp["keywords"])
    return values


def key_points_of(sessions: sessionmaker[Session], card: Message) -> list[dict[str, Any]]:
    with transaction(sessions) as session:
        assignment = session.get(Assignment, assignment_id(card))
        assert assignment is not None
        version = session.get(ScenarioVersion, assignment.scenario_version_id)
        assert version is not None
        return list(version.content["key_points"])


def card_actions(message: Message) -> dict[str, Any] | None:
    return next((b for b in message.blocks if b.get("block_id") == "card_actions"), None)


def cards(fake: FakeSlack, user_id: str) -> list[Message]:
    """Every scenario card in the user's DM, oldest first (decided ones too)."""
    return [
        m for m in fake.dms_to(user_id) if m.text.startswith(("Practice scenario", "Assessment question"))
    ]


def open_card(fake: FakeSlack, user_id: str, *, count: int = 1) -> Message:
    """Wait for the user's ``count``-th card and return it (still undecided)."""
    found = eventually(lambda: len(cards(fake, user_id)) >= count and cards(fake, user_id))
    card = found[count - 1]
    assert card_actions(card) is not None, "the card has no decision buttons"
    return card


def assignment_id(card: Message) -> int:
    actions = card_actions(card)
    assert actions is not None
    return CardValue.load(actions["elements"][0]["value"]).assignment_id


def expected_of(sessions: sessionmaker[Session], card: Message) -> tuple[str, list[str], int]:
    """(expected verdict, acceptable alternatives, scenario version id) of a card."""
    with transaction(sessions) as session:
        assignment = session.get(Assignment, assignment_id(card))
        assert assignment is not None
        version = session.get(ScenarioVersion, assignment.scenario_version_id)
        assert version is not None
        return version.expected_verdict, list(version.content["expected"]["acceptable"]), version.id


def click_decision(
    slack: Simulator, user_id: str, card: Message, verdict: str, *, value: str | None = None
) -> None:
    """Click a decision button; ``value`` replays a click on a card whose buttons are gone."""
    if value is None:
        actions = card_actions(card)
        assert actions is not None
        value = actions["elements"][0]["value"]
    reply = slack.click(
        user_id,
        action_id=ACTIONS[verdict],
        value=value,
        block_id="card_actions",
        channel=card.channel,
        message_ts=card.ts,
    )
    assert reply.status == 200


def justify_modal(fake: FakeSlack, *, count: int = 1) -> str:
    """The id of the ``count``-th justification modal opened."""

    def modals() -> list[str]:
        with fake.lock:
            return [vid for vid, v in fake.views.items() if v.get("callback_id") == Callback.JUSTIFY]

    return eventually(lambda: len(modals()) >= count and modals())[count - 1]


def modal_for(fake: FakeSlack, verdict: str) -> str:
    """The id of the justification modal opened for ``verdict`` (clicks are handled concurrently)."""
    title = f"Justify: {verdict.capitalize()}"

    def find() -> str | None:
        with fake.lock:
            return next(
                (vid for vid, v in fake.views.items() if v.get("title", {}).get("text") == title), None
            )

    return eventually(find)


def decide(
    slack: Simulator,
    fake: FakeSlack,
    user_id: str,
    card: Message,
    verdict: str,
    *,
    modal: int,
    values: dict[str, Any] | None = None,
) -> None:
    """Click ``verdict`` on the card and submit a valid justification (``values``, else a generic one)."""
    click_decision(slack, user_id, card, verdict)
    view_id = justify_modal(fake, count=modal)
    reply = slack.submit(user_id, view_id, values or good_values(verdict))
    assert reply.status == 200
    assert reply.body in (b"", b"{}") or reply.json.get("response_action") != "errors", reply.body
