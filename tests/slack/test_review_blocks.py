"""Block builders for live decisions and reviews: valid Block Kit at the limits, user text escaped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.assessment import AssessmentResult
from bot.domain.categories import categories_path, load_categories
from bot.domain.live import Prefill
from bot.domain.mentees import MenteeSummary
from bot.domain.reviews import PendingItem, ReviewPostData
from bot.sandbox.fakeslack import MAX_MESSAGE_BLOCKS, validate_blocks, validate_view
from bot.slack.blocks.assessment import ResultView, result_text
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.log_modal import log_modal, notice_view
from bot.slack.blocks.mentor_home import (
    live_summary_blocks,
    mentee_blocks,
    reminder_blocks,
    review_queue_blocks,
)
from bot.slack.blocks.review import (
    duration,
    feedback_blocks,
    feedback_text,
    mentor_notice_blocks,
    mentor_notice_text,
    review_post_blocks,
    review_post_text,
    verdict_reply_blocks,
    verdict_reply_text,
)
from bot.slack.blocks.review_modal import review_modal
from bot.slack.metadata import LogMeta, ReviewMeta

REPO = Path(__file__).resolve().parents[2]
NASTY = "<!channel> <@U0EVIL> & <https://evil.example|click>"
AT = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)


def _data(**overrides) -> ReviewPostData:
    base = dict(
        decision_id=42,
        kind="live",
        engineer_slack_id="U0ENG1",
        engineer_name="Ada",
        category="policy_violation",
        title=NASTY + " t" * 200,
        verdict="approve",
        justification={k: NASTY + "x" * 2990 for k in ("policy", "evidence", "risk", "conditions")}
        | {"escalation": None, "confidence": 4},
        source_url="https://ggen.example.com/h/1?a=1&b=<2>",
        seconds_to_decide=3 * 3600 + 125,
        decided_at=AT,
        status="pending",
        source_text=NASTY + "\nline two" * 400,
    )
    base.update(overrides)
    return ReviewPostData(**base)


def _ok(blocks) -> str:
    dicts = to_dicts(blocks)
    assert validate_blocks(dicts, limit=MAX_MESSAGE_BLOCKS) is None
    return mrkdwn(dicts)


def mrkdwn(node) -> str:
    """Only the mrkdwn text (plain_text is shown literally by Slack, so it is not escaped)."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            return str(node.get("text", "")) + "\n"
        return "".join(mrkdwn(v) for v in node.values())
    if isinstance(node, list):
        return "".join(mrkdwn(v) for v in node)
    return ""


def _escaped(body: str) -> None:
    assert "<!channel>" not in body and "<@U0EVIL>" not in body and "<https://evil" not in body
    assert "&lt;!channel&gt;" in body


def test_review_post_at_the_limits_is_valid_and_escaped() -> None:
    body = _ok(review_post_blocks(_data()))
    _escaped(body)
    assert "3 h 2 min" in body and "&amp;b=&lt;2&gt;" in body
    for status, extra in (("upheld", {}), ("overturned", {"suggested_verdict": "deny"})):
        data = _data(
            status=status,
            reviewer_slack_id="U0LEAD",
            reviewer_name="Lee",
            review_comment=NASTY * 100,
            reviewed_at=AT + timedelta(hours=2),
            **extra,
        )
        for builder in (review_post_blocks, verdict_reply_blocks, feedback_blocks, mentor_notice_blocks):
            _escaped(_ok(builder(data)))


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "—"),
        (9.6, "9 s"),
        (125, "2 min 5 s"),
        (3 * 3600 + 61, "3 h 1 min"),
        (2 * 86400 + 7200, "2 d 2 h"),
    ],
)
def test_duration(seconds, text) -> None:
    assert duration(seconds) == text


def test_log_modal_is_valid_with_long_prefill() -> None:
    categories = load_categories(categories_path(REPO / "scenarios"))
    prefill = Prefill(
        title="t" * 150, source_url="https://x.example/" + "p" * 1900, source_text="s" * 3000, note=NASTY
    )
    meta = LogMeta(source="shortcut", channel="C0ALERTS", message_ts="1763388000.000100", opened_at=1.5)
    view = log_modal(categories=categories, prefill=prefill, meta=meta).to_dict()
    assert validate_view(view) is None
    optional = {b["block_id"]: b.get("optional", False) for b in view["blocks"] if b["type"] == "input"}
    assert optional["conditions"] and optional["escalation"] and optional["source_text"]
    assert not optional["policy"] and not optional["source_url"] and not optional["verdict"]
    assert "&lt;!channel&gt;" in mrkdwn(view["blocks"])


def test_review_modals_and_notice_are_valid() -> None:
    for verdict in ("uphold", "overturn"):
        meta = ReviewMeta(decision_id=42, verdict=verdict, channel="C0CBREVIEW", message_ts="1.2")
        view = review_modal(data=_data(), meta=meta).to_dict()
        assert validate_view(view) is None
        assert ("suggested_verdict" in [b.get("block_id") for b in view["blocks"]]) == (verdict == "overturn")
    assert validate_view(notice_view(title="Already reviewed by a long title", text=NASTY).to_dict()) is None


def _item(i: int) -> PendingItem:
    return PendingItem(
        decision_id=i,
        kind="live",
        title=NASTY + "y" * 300,
        category="rollback",
        verdict="deny",
        engineer_slack_id="U0ENG1",
        engineer_name="Ada",
        decided_at=AT,
        age=timedelta(hours=i),
    )


def test_home_sections_and_reminder_stay_within_limits() -> None:
    items = [_item(i) for i in range(20, 139)]  # the ten shown have waited 20..29 h
    queue = review_queue_blocks(items=items, total=119, channel="C0CBREVIEW", everyone=True, sla_hours=24)
    body = _ok(queue)
    _escaped(body)
    assert "…and 109 more" in body
    assert body.count(":hourglass:") == 5 + 1  # 25..29 h are past the 24 h SLA, plus the legend

    mentees = [
        MenteeSummary(f"U{i}", NASTY, i % 2 == 0, "awaiting_sign_off", 0.85, 3, 1, 0, 9) for i in range(40)
    ]
    _escaped(_ok(mentee_blocks(mentees=mentees, week="2026-W47")))
    assert mentee_blocks(mentees=[], week="2026-W47") == []
    _ok(live_summary_blocks(week="2026-W47", logged=3, pending=1, overturned=0))
    reminder = _ok(reminder_blocks(items=items, channel="C0CBREVIEW", sla_hours=24))
    assert "119 decisions waiting longer than 24 h" in reminder and "…and 99 more" in reminder


def test_fallback_texts_escape_names_people_choose_themselves() -> None:
    """Names can come from a Slack profile; a message's `text` is parsed for mentions like mrkdwn."""
    data = _data(engineer_name=NASTY, reviewer_name=NASTY, status="overturned", reviewer_slack_id="U0LEAD")
    result = AssessmentResult(
        assessment_id=1, person_id=1, size=20, good=16, score=0.8, passed=True, threshold=0.8
    )
    view = ResultView(
        result=result,
        engineer_name=NASTY,
        engineer_slack_id="U0ENG1",
        category_names={},
        mentor_slack_id=None,
    )
    texts = [
        review_post_text(data),
        verdict_reply_text(data),
        feedback_text(data),
        mentor_notice_text(data),
        result_text(view, for_mentor=True),
    ]
    for text in texts:
        _escaped(text)
