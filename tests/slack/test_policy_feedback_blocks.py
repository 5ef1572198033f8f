"""Policy feedback blocks: the queue stays small on a shared App Home; user text is escaped; red flags."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.policy_feedback import FeedbackItem, RulePrefill, group_by_rule
from bot.domain.red_flags import FIRED, NOT_ENOUGH, FlagCheck, RedFlagsReport
from bot.sandbox.fakeslack import validate_blocks
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.policy_feedback import feedback_queue_blocks, flag_modal, red_flags_blocks, status_note
from bot.slack.metadata import FlagMeta
from tests.helpers import texts

NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def _item(i: int, rule: str, status: str = "open") -> FeedbackItem:
    return FeedbackItem(
        id=i,
        policy="p",
        version="1",
        rule=rule,
        problem="<b>&",
        proposal="fix it",
        status=status,
        reason=None,
        source="decision",
        author_slack_id="U0ENG1",
        author_name="Ada",
        created_at=NOW,
        assignment_id=None,
        decision_id=100 + i,
        title="t",
        status_by_name=None,
        status_at=None,
        accepted_at=None,
    )


def test_queue_is_bounded_escaped_and_valid() -> None:
    items = [_item(i, f"rule-{i % 9}") for i in range(1, 60)]
    groups = group_by_rule(items)
    blocks = to_dicts(
        feedback_queue_blocks(groups=groups[:5], links={101: "https://x/p1"}, total_groups=len(groups))
    )
    assert validate_blocks(blocks, limit=100) is None
    assert len(blocks) <= 30
    body = texts(blocks)
    assert "&lt;b&gt;&amp;" in body and "<b>" not in body
    assert "4 more rules have feedback" in body
    actions = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert actions.count("policy_feedback_accept") == 6  # the item budget over every group


def test_accepted_item_offers_done_and_reject_only() -> None:
    [group] = group_by_rule([_item(1, "r", status="accepted")])
    blocks = to_dicts(feedback_queue_blocks(groups=[group], links={}, total_groups=1))
    actions = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["policy_feedback_done", "policy_feedback_reject"]


def test_flag_modal_prefills_the_rule_and_limits_lengths() -> None:
    view = flag_modal(
        meta=FlagMeta(source="card", id=3), prefill=RulePrefill("tagging", "2.1", "cost", "T")
    ).to_dict()
    rule = next(b for b in view["blocks"] if b.get("block_id") == "flag_rule")
    assert rule["element"]["initial_value"] == "tagging v2.1 · cost" and rule["element"]["max_length"] == 200
    assert all(b["element"]["max_length"] for b in view["blocks"] if b["type"] == "input")


def test_status_note_carries_the_reason() -> None:
    item = _item(7, "cost")
    rejected = FeedbackItem(**{**item.__dict__, "status": "rejected", "reason": "Covered by the runbook."})
    assert status_note(item=rejected, status="rejected", by="Lee").endswith("Reason: Covered by the runbook.")


def test_red_flags_blocks_show_source_threshold_and_the_questions() -> None:
    report = RedFlagsReport(
        at=NOW,
        checks=(
            FlagCheck("turnover", "High turnover", FIRED, "2 of 20 left", "the roster", "2 engineers"),
            FlagCheck("satisfaction_gap", "Gap", NOT_ENOUGH, "Not enough data yet", "survey", "0.5"),
        ),
    )
    blocks = to_dicts(red_flags_blocks(report=report))
    assert validate_blocks(blocks, limit=50) is None
    body = texts(blocks)
    assert ":red_circle:" in body and "Source: the roster" in body and "Threshold: 2 engineers" in body
    assert "Not enough data yet" in body and "post-switchover survey" in body
