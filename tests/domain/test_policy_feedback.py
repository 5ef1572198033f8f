"""Policy feedback: validation, one item per form, status transitions and audit, grouping by rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.errors import Conflict, DomainError
from bot.domain.policy_feedback import (
    FlagInput,
    RulePrefill,
    feedback_items,
    group_by_rule,
    policy_feedback_report,
    record_flag,
    set_status,
    validate_flag,
)
from tests.helpers import load_roster
from tests.metrics_data import person

NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
TAGGING = RulePrefill(policy="resource-tagging", version="2.1", rule="require-cost-center", title="A card")


def test_validate_flag_names_each_field() -> None:
    flag, errors = validate_flag(rule="", problem="short", proposal="x" * 2001)
    assert flag is None and set(errors) == {"rule", "problem", "proposal"}
    assert "at least 10" in errors["problem"] and "under 2000" in errors["proposal"]
    flag, errors = validate_flag(rule=" r ", problem="A real question here", proposal="A real answer here")
    assert errors == {} and flag == FlagInput("r", "A real question here", "A real answer here")


def _flag(session: Session, key: str, prefill: RulePrefill, rule: str, at: datetime = NOW) -> int:
    item, _ = record_flag(
        session=session,
        now=at,
        author=person(session, "U0ENG1"),
        key=key,
        source="card",
        flag=FlagInput(rule, "What does it mean exactly?", "Say it plainly, like this."),
        prefill=prefill,
    )
    return item.id


def test_one_item_per_form_and_the_card_names_kept(sessions: sessionmaker[Session]) -> None:
    load_roster(sessions, NOW)
    with transaction(sessions) as session:
        first = _flag(session, "v1", TAGGING, TAGGING.label)
        again, created = record_flag(
            session=session,
            now=NOW,
            author=person(session, "U0ENG1"),
            key="v1",
            source="card",
            flag=FlagInput("x", "y" * 10, "z" * 10),
            prefill=TAGGING,
        )
        assert again.id == first and created is False
        edited = _flag(session, "v2", TAGGING, "my own words for the rule")  # the author changed the rule
        items = {i.id: i for i in feedback_items(session=session)}
    assert (items[first].policy, items[first].version, items[first].rule) == (
        "resource-tagging",
        "2.1",
        "require-cost-center",
    )
    assert items[edited].policy is None and items[edited].rule == "my own words for the rule"


def test_transitions_reasons_and_grouping(sessions: sessionmaker[Session]) -> None:
    load_roster(sessions, NOW)
    with transaction(sessions) as session:
        lead = person(session, "U0LEAD")
        a = _flag(session, "a", TAGGING, TAGGING.label)
        b = _flag(session, "b", TAGGING, TAGGING.label, NOW + timedelta(hours=1))
        c = _flag(session, "c", RulePrefill(), "Change Freeze")
        _flag(session, "d", RulePrefill(), "change freeze")  # free text groups case-insensitively
        with pytest.raises(Conflict):
            set_status(session=session, now=NOW, actor=lead, feedback_id=a, status="done")  # not accepted yet
        with pytest.raises(DomainError, match="at least 10"):
            set_status(session=session, now=NOW, actor=lead, feedback_id=c, status="rejected", reason="no")
        assert set_status(session=session, now=NOW, actor=lead, feedback_id=a, status="accepted")[1] is True
        assert set_status(session=session, now=NOW, actor=lead, feedback_id=a, status="accepted")[1] is False
        set_status(
            session=session,
            now=NOW,
            actor=lead,
            feedback_id=c,
            status="rejected",
            reason="Covered in runbook.",
        )
        groups = group_by_rule(feedback_items(session=session))
        report = policy_feedback_report(session=session)
    assert [(g.label, g.count) for g in groups] == [
        ("resource-tagging · require-cost-center", 2),
        ("Change Freeze", 2),
    ]
    assert groups[0].items[0].id == b  # newest first inside a group
    assert report.by_status == {"open": 2, "accepted": 1, "rejected": 1, "done": 0}
