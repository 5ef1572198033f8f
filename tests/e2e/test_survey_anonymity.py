"""Issue 13: survey results stay anonymous everywhere; the audit never pairs answers with a person."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import AuditEvent, SurveyAnswer, SurveyResponse
from bot.domain.digest import build_digest
from bot.domain.weeks import parse_week
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.blocks.digest import digest_blocks, digest_details_blocks
from bot.slack.ids import survey_block
from tests.helpers import PILOTS_ROSTER_CSV, eventually, load_roster, reply_to, texts

ROSTER = PILOTS_ROSTER_CSV + "U0ENG3,Di Engineer,di@example.com,engineer;pilot,U0MENTOR,America/New_York\n"
ENGINEERS = ("U0ENG1", "U0ENG2", "U0PILOT", "U0ENG3")
SATISFACTION = {"U0ENG1": "4", "U0ENG2": "2", "U0PILOT": "3", "U0ENG3": "1"}
COMMENTS = {
    "U0ENG1": "Night pages hurt",
    "U0ENG2": None,
    "U0PILOT": "Mentor hours help",
    "U0ENG3": "Too slow",
}


def answer(slack: Simulator, fake: FakeSlack, user: str) -> None:
    before = set(fake.views)
    slack.command(user, "survey")
    view_id = eventually(lambda: [v for v in fake.views if v not in before])[-1]
    level = SATISFACTION[user]
    values: dict[str, str | None] = {
        survey_block(k): level for k in ("clarity", "support", "tools", "workload", "confidence")
    }
    values["survey_comment"] = COMMENTS[user]
    reply = slack.submit(user, view_id, values)
    assert reply.json["response_action"] == "update", reply.json


def surfaces(casebook: Casebook, slack: Simulator, fake: FakeSlack) -> str:
    """What a PM can see: /casebook metrics (week 11 and 12 cohorts) and the digest with its thread."""
    shown = texts(reply_to(slack, fake, "U0PM", "metrics")["blocks"])
    with transaction(casebook.deps.sessions) as session:
        week = parse_week("2026-W47", casebook.deps.program.tz)
        data = build_digest(
            session=session, program=casebook.deps.program, week=week, at=casebook.deps.clock.now()
        )
    return shown + "\n" + str(digest_blocks(data, chart=False) + digest_details_blocks(data))


def people_events(casebook: Casebook) -> list[dict]:
    with transaction(casebook.deps.sessions) as session:
        events = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
        return [{"actor": e.actor, "action": e.action, "payload": e.payload} for e in events]


def test_results_appear_only_in_groups_of_the_minimum(
    casebook: Casebook, slack: Simulator, fake: FakeSlack
) -> None:
    fake.add_user("U0ENG3", "Di Engineer", "America/New_York")
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC), ROSTER)
    for n, user in enumerate(ENGINEERS[:2], start=1):
        answer(slack, fake, user)
        body = surfaces(casebook, slack, fake)
        assert "*Satisfaction* — " in body, body
        assert f"{n} of the 3 responses needed before any result is shown" in body
        assert "Survey comments" not in body and "Night pages hurt" not in body
    for event in people_events(casebook):
        if event["actor"] in ENGINEERS:  # that they answered, never what
            assert "answers" not in event["payload"] and "Night pages" not in event["payload"]

    answer(slack, fake, "U0PILOT")
    third = surfaces(casebook, slack, fake)
    assert "*Satisfaction* 3.00" in third and "mean of 12 answers from 3 responses" in third
    assert "Night pages hurt" in third and "Mentor hours help" in third
    assert "Ada" not in third.split("Survey comments")[1].split("Red flags")[0]
    published = [e for e in people_events(casebook) if e["action"] == "survey.published"]
    assert len(published) == 1 and published[0]["actor"] == "casebook"
    assert len(json.loads(published[0]["payload"])["group"]) == 3

    answer(slack, fake, "U0ENG3")  # a late fourth answer waits for two more
    fourth = surfaces(casebook, slack, fake)
    assert "*Satisfaction* 3.00" in fourth
    assert "1 later response waits for a group of 3" in fourth
    assert "Too slow" not in fourth
    assert len([e for e in people_events(casebook) if e["action"] == "survey.published"]) == 1


def test_an_answer_can_be_neither_reopened_nor_changed(
    casebook: Casebook, slack: Simulator, fake: FakeSlack
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC), PILOTS_ROSTER_CSV)
    answer(slack, fake, "U0ENG1")
    again = texts(reply_to(slack, fake, "U0ENG1", "survey")["blocks"])
    assert "You have already answered the survey for 2026-W47" in again
    assert "kept apart from who gave them" in again
    with transaction(casebook.deps.sessions) as session:
        (who,) = session.execute(select(SurveyResponse)).scalars()
        (what,) = session.execute(select(SurveyAnswer)).scalars()
    assert who.person_id and not hasattr(what, "person_id") and not hasattr(what, "submitted_at")
    assert what.batch is None  # waiting for two more before anything is published
