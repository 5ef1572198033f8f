"""`casebook exceptions list [--expiring DAYS]` through the real CLI entry point."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.config import EXAMPLE_PROGRAM
from bot.db.engine import transaction
from bot.db.models import Decision
from bot.domain.exception_register import record_answer, register_approval
from bot.program import load_program
from tests.live_support import make_decision


def _approval(sessions: sessionmaker[Session], *, title: str, conditions: str, user: str = "U0ENG1") -> int:
    """An approval decided now (the CLI reads the real clock), registered like the live form does."""
    now = datetime.now(UTC)
    decision_id = make_decision(sessions, now=now, title=title, user=user)
    tz = load_program(EXAMPLE_PROGRAM).tz
    with transaction(sessions) as session:
        decision = session.get(Decision, decision_id)
        assert decision is not None
        decision.justification = {**decision.justification, "conditions": conditions}
        session.flush()
        entry = register_approval(session=session, now=now, decision=decision, tz=tz)
        assert entry is not None
        return entry.id


def test_list_and_expiring(
    cli_env: None, sessions: sessionmaker[Session], capsys: pytest.CaptureFixture[str]
) -> None:
    soon = _approval(
        sessions, title="payments-api single replica", conditions="Expires in 48 h; scale back to 3"
    )
    far = _approval(
        sessions, title="partner TLS exception", conditions="Until 2099-01-01; re-enable the floor"
    )
    none = _approval(
        sessions, title="canary skipped for billing", conditions="Rollback by reverting the overlay"
    )
    done = _approval(
        sessions, title="orders queue overflow", conditions="Expires tomorrow; drain it", user="U0ENG2"
    )
    with transaction(sessions) as session:
        record_answer(
            session=session,
            now=datetime.now(UTC),
            entry_id=done,
            slack_user_id="U0ENG2",
            conditions_met="no",
            outcome="not_rolled_back",
            note=None,
        )

    assert main(["exceptions", "list", "--expiring", "7"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["id", "engineer", "title", "expiry", "conditions", "status"]
    assert len(lines) == 2  # only the open one expiring within 7 days
    expected = (datetime.now(UTC) + timedelta(hours=48)).astimezone(load_program(EXAMPLE_PROGRAM).tz).date()
    assert lines[1].startswith(f"{soon} ") and "Ada Engineer (U0ENG1)" in lines[1]
    assert expected.isoformat() in lines[1] and "Expires in 48 h" in lines[1] and "open" in lines[1]

    assert main(["exceptions", "list"]) == 0
    out = capsys.readouterr().out
    assert "2099-01-01" in out and "no expiry given" in out
    assert "conditions NOT met, still in place, not rolled back (delayed rework)" in out
    ids = [line.split()[0] for line in out.splitlines()[1:]]
    assert set(ids) == {str(soon), str(far), str(none), str(done)} and ids[-1] == str(none)  # no expiry last

    assert main(["exceptions", "list", "--expiring", "-1"]) == 2
