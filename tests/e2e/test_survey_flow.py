"""End to end: open the survey from the DM, App Home and `/casebook survey`; submit, resubmit, audit."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.app import Casebook
from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import AuditEvent, InboxItem, SurveyAnswer, SurveyResponse
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import survey_block
from tests.helpers import eventually, load_roster, texts
from tests.jobs.conftest import NY, local, runner

FRIDAY = date(2026, 11, 20)
ANSWERS = {"clarity": "4", "support": "5", "tools": "3", "workload": "2", "confidence": "4"}


def _values(answers: dict[str, str], comment: str | None = None) -> dict[str, str | None]:
    values: dict[str, str | None] = {survey_block(k): v for k, v in answers.items()}
    values["survey_comment"] = comment
    return values


def _open_from_dm(casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock) -> str:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    runner(casebook, clock)("survey", local(FRIDAY, "15:05", NY))
    (dm,) = fake.dms_to("U0ENG1")
    button = next(e for b in dm.blocks if b["type"] == "actions" for e in b["elements"])
    assert button["action_id"] == "survey_open"
    slack.click(
        "U0ENG1", action_id="survey_open", value=button["value"], channel=dm.channel, message_ts=dm.ts
    )
    return eventually(lambda: list(fake.views))[-1]


def _responses(casebook: Casebook) -> list[SurveyAnswer]:
    """The stored answers (issue 13: kept apart from who gave them)."""
    with transaction(casebook.deps.sessions) as session:
        return list(session.execute(select(SurveyAnswer)).scalars())


def test_survey_modal_stores_answers_and_sql_columns(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    view_id = _open_from_dm(casebook, slack, fake, clock)
    view = fake.views[view_id]
    assert view["callback_id"] == "survey_modal"
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == [survey_block(k) for k in ANSWERS] + ["survey_comment"]
    assert [o["value"] for o in inputs[0]["element"]["options"]] == ["1", "2", "3", "4", "5"]

    reply = slack.submit("U0ENG1", view_id, _values(ANSWERS, "Mentor hours were <b>great</b>"))
    assert reply.json["response_action"] == "update"
    assert "answers for 2026-W47 are saved" in texts(reply.json["view"]["blocks"])
    (stored,) = _responses(casebook)
    assert stored.week == "2026-W47" and stored.answers == {k: int(v) for k, v in ANSWERS.items()}
    assert (stored.answer_sum, stored.answer_count, stored.confidence) == (14, 4, 4)
    assert stored.comment == "Mentor hours were <b>great</b>"
    # Logs never carry survey answers or comments.
    logged = "\n".join(r.getMessage() + json.dumps(r.__dict__, default=str) for r in caplog.records)
    assert "Mentor hours were" not in logged and '"clarity": 4' not in logged


def test_incomplete_answers_are_refused_field_by_field(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    view_id = _open_from_dm(casebook, slack, fake, clock)
    partial = dict(ANSWERS, tools=None)
    reply = slack.submit("U0ENG1", view_id, _values(partial, "x" * 10))  # type: ignore[arg-type]
    assert reply.json["response_action"] == "errors"
    assert list(reply.json["errors"]) == [survey_block("tools")]
    assert _responses(casebook) == []


def test_a_second_answer_is_refused_and_the_audit_keeps_no_answers(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    # Issue 13: answers are stored apart from who gave them, so they can be neither found nor changed.
    view_id = _open_from_dm(casebook, slack, fake, clock)
    slack.submit("U0ENG1", view_id, _values(ANSWERS, "first thoughts"))
    before = set(fake.views)
    reply = slack.command("U0ENG1", "survey")
    assert reply.status == 200
    assert not [v for v in fake.views if v not in before]  # no pre-filled modal: nothing links back
    (stored,) = _responses(casebook)
    assert stored.answers["clarity"] == 4 and stored.comment == "first thoughts"
    with transaction(casebook.deps.sessions) as session:
        (who,) = session.execute(select(SurveyResponse)).scalars()
        assert not hasattr(who, "answers") and not hasattr(who, "comment")
        events = session.execute(
            select(AuditEvent).where(AuditEvent.action == "survey.submitted").order_by(AuditEvent.seq)
        ).scalars()
        payloads = [json.loads(e.payload) for e in events]
    assert payloads == [{"survey": "weekly", "week": "2026-W47"}]
    # Nor does the durable receipt: the stored request (the person's id beside the comment) is
    # forgotten once its work has run; only its digest stays, to recognise a replay.
    with transaction(casebook.inbox.sessions) as session:
        rows = session.execute(select(InboxItem.body, InboxItem.status, InboxItem.key)).all()
    assert rows and all(status == "done" and len(key) == 64 for _, status, key in rows)
    assert not [body for body, _, _ in rows if "first thoughts" in body or "U0ENG1" in body]


def test_survey_from_app_home_and_who_may_answer(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    slack.open_home("U0ENG1")
    home = eventually(lambda: fake.home.get("U0ENG1"))
    assert "Weekly survey 2026-W47*: not answered yet" in texts(home["blocks"])
    slack.click_home("U0ENG1", action_id="home_survey", value='{"week": "2026-W47"}')
    view_id = eventually(lambda: list(fake.views))[-1]
    assert fake.views[view_id]["private_metadata"] == '{"week":"2026-W47"}'
    slack.command("U0PM", "survey")
    refused = eventually(lambda: fake.responses)[-1]
    assert "engineer" in texts(refused["blocks"])


def test_a_closed_week_cannot_be_answered(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    slack.click(
        "U0ENG1", action_id="survey_open", value='{"week": "2026-W40"}', channel="D0ENG1", message_ts="1.1"
    )
    reply = eventually(lambda: fake.responses)[-1]
    assert "The survey for 2026-W40 is closed" in texts(reply["blocks"])
    assert fake.views == {}
