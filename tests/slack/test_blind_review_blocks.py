"""The blind second review card and the leads' consistency section (pure block builders)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.blind_reviews import BlindCardData
from bot.domain.consistency import build_report
from bot.slack.blocks.blind_review import blind_card_blocks, consistency_blocks
from bot.slack.blocks.common import to_dicts
from tests.helpers import texts


def _card(source_url: str | None, status: str = "open") -> BlindCardData:
    return BlindCardData(
        decision_id=12,
        engineer_slack_id="U0ENG1",
        category="policy_violation",
        title="payments-api: single replica",
        verdict="approve",
        justification={"policy": "r7 allows 48 h", "conditions": "Expires in 48 h", "confidence": 4},
        source_url=source_url,
        source_text="ggen held payments-api",
        decided_at=datetime(2026, 11, 17, 14, tzinfo=UTC),
        status=status,
        my_verdict="overturn" if status == "answered" else None,
        my_suggested="deny" if status == "answered" else None,
    )


def test_a_slack_message_link_is_left_off_a_ticket_link_is_shown() -> None:
    # The alert's thread holds Casebook's note linking to the review post (and the first verdict).
    slack = texts(
        to_dicts(blind_card_blocks(_card("https://acme.slack.com/archives/C0ALERTS/p1763388000000100")))
    )
    assert "slack.com" not in slack and "ggen held payments-api" in slack
    ticket = texts(to_dicts(blind_card_blocks(_card("https://tickets.example.com/OPS-1234"))))
    assert "Source: https://tickets.example.com/OPS-1234" in ticket


def test_answered_card_shows_only_their_own_answer_and_no_buttons() -> None:
    blocks = to_dicts(blind_card_blocks(_card(None, status="answered")))
    body = texts(blocks)
    assert "You said *Overturn* — should have been *deny*" in body and "measurement only" in body
    assert not [b for b in blocks if b["type"] == "actions"]


def test_consistency_says_not_enough_data_with_no_pairs() -> None:
    body = texts(to_dicts(consistency_blocks(report=build_report([], min_pairs=10), links={})))
    assert "not enough data yet — 0 of the 10" in body and "Disagreements" not in body
