"""Out-of-office and incident reports through their flows, without a Slack request."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.app import Casebook
from bot.db.engine import transaction
from bot.deps import Deps
from bot.domain.errors import DomainError, NotFound
from bot.domain.incidents import parse_command
from bot.domain.people import get_view
from bot.flows.incidents import record_incident_report
from bot.flows.ooo import ooo_until, set_out_of_office
from tests.helpers import load_roster


@pytest.fixture
def deps(casebook: Casebook) -> Deps:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    return casebook.deps


def test_ooo_is_set_shown_and_cleared(deps: Deps) -> None:
    assert ooo_until(deps=deps, slack_user_id="U0ENG1") is None
    assert set_out_of_office(deps=deps, slack_user_id="U0ENG1", args="until 2026-11-20") == date(2026, 11, 20)
    assert ooo_until(deps=deps, slack_user_id="U0ENG1") == date(2026, 11, 20)
    assert set_out_of_office(deps=deps, slack_user_id="U0ENG1", args="off") is None
    assert ooo_until(deps=deps, slack_user_id="U0ENG1") is None
    with pytest.raises(DomainError, match="in the past"):
        set_out_of_office(deps=deps, slack_user_id="U0ENG1", args="until 2026-11-01")
    with pytest.raises(NotFound):
        ooo_until(deps=deps, slack_user_id="U0NOBODY")


def test_an_incident_report_compares_with_baseline_and_limit_and_repeats_change_nothing(deps: Deps) -> None:
    with transaction(deps.sessions) as session:
        pm = get_view(session=session, slack_user_id="U0PM")
    assert pm is not None
    row = parse_command("P1 12 INC-1", now=deps.clock.now())
    first = record_incident_report(deps=deps, recorder=pm, row=row)
    assert not first.unchanged
    assert first.limit_minutes == deps.program.thresholds.p1_minutes
    assert first.baseline_minutes > 0
    assert record_incident_report(deps=deps, recorder=pm, row=row).unchanged
