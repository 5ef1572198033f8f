"""End to end: the post-switchover survey reaches engineers, mentors and leads; it feeds confidence."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.app import Casebook
from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import Person, SurveyAnswer, SurveyResponse
from bot.domain.metrics import compute_scorecard
from bot.domain.post_survey import survey_by_group
from bot.domain.surveys import SurveyAnswers, submit_survey
from bot.domain.weeks import parse_week
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import survey_block
from tests.helpers import ROSTER_CSV, eventually, load_roster, settle, texts
from tests.jobs.conftest import BERLIN, NY, ledger, local, runner

FRIDAY = date(2026, 11, 27)  # Friday of program week 12 (2026-W48)
WEEK = "2026-W48"
ROSTER = ROSTER_CSV + "U0ENG3,Di Engineer,di@example.com,engineer,U0MENTOR,America/New_York\n"
QUESTIONS = ("confidence", "ready", "prepared", "support", "design_time", "skills", "valued")


def _send(casebook: Casebook, fake: FakeSlack, clock: FixedClock) -> None:
    fake.add_user("U0ENG3", "Di Engineer", "America/New_York")
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC), ROSTER)
    run = runner(casebook, clock)
    run("post-survey", local(FRIDAY, "14:01", BERLIN))
    run("post-survey", local(FRIDAY, "14:01", NY))
    run("post-survey", local(FRIDAY, "16:00", NY))


def _answer(slack: Simulator, fake: FakeSlack, uid: str, confidence: int, rest: int) -> None:
    (dm,) = fake.dms_to(uid)
    button = next(e for b in dm.blocks if b["type"] == "actions" for e in b["elements"])
    before = set(fake.views)
    slack.click(
        uid, action_id=button["action_id"], value=button["value"], channel=dm.channel, message_ts=dm.ts
    )
    view_id = eventually(lambda: [v for v in fake.views if v not in before])[-1]
    assert fake.views[view_id]["callback_id"] == "post_survey_modal"
    values: dict[str, str | None] = {survey_block(q): str(rest) for q in QUESTIONS}
    values[survey_block("confidence")] = str(confidence)
    values["survey_comment"] = None
    reply = slack.submit(uid, view_id, values)
    assert reply.json["response_action"] == "update"


def test_it_goes_to_engineers_mentors_and_leads_on_friday_of_week_12(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    _send(casebook, fake, clock)
    got = {
        uid
        for uid in ("U0ENG1", "U0ENG2", "U0ENG3", "U0PILOT", "U0MENTOR", "U0LEAD", "U0PM", "U0ADMIN")
        if fake.dms_to(uid)
    }
    assert got == {"U0ENG1", "U0ENG2", "U0ENG3", "U0PILOT", "U0MENTOR", "U0LEAD"}
    (dm,) = fake.dms_to("U0LEAD")
    assert f"Post-switchover survey — {WEEK}" in texts(dm.blocks)
    assert {d.period for d in ledger(casebook, "post-survey")} == {WEEK}
    # Not on the Friday before (week 11), nor a second time.
    runner(casebook, clock)("post-survey", local(date(2026, 11, 20), "15:00", NY))
    assert len(fake.dms_to("U0ENG1")) == 1


def test_its_confidence_answers_feed_week_12_confidence_by_group_only_when_safe(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    _send(casebook, fake, clock)
    program = casebook.deps.program
    with transaction(casebook.deps.sessions) as session:
        # A weekly-survey confidence answer the same week: the post-switchover survey takes precedence.
        for uid in ("U0ENG1", "U0ENG2", "U0PILOT"):
            person = session.execute(select(Person).where(Person.slack_user_id == uid)).scalar_one()
            submit_survey(
                session=session,
                now=clock.now(),
                person=person,
                week=WEEK,
                questions=program.survey.questions,
                submitted=SurveyAnswers({q.id: 1 for q in program.survey.questions}, None),
                minimum=3,
            )
    week = parse_week(WEEK, program.tz)
    for uid, level in (("U0PILOT", 3), ("U0MENTOR", 4), ("U0LEAD", 2)):  # pilots, mentors and leads
        _answer(slack, fake, uid, level, 4)
    _answer(slack, fake, "U0ENG1", 5, 5)
    settle(casebook)
    with transaction(casebook.deps.sessions) as session:
        metric = compute_scorecard(session=session, program=program, week=week).metric("confidence")
        groups = survey_by_group(session=session, program=program, week=WEEK)
    # Only the leads' group of 3 is published; the one engineer's answer waits for two more engineers.
    assert metric.value == pytest.approx(3.0)
    assert metric.detail.startswith(
        "post-switchover survey: mean of 3 confidence answers; 1 later response waits"
    )
    assert groups.groups["leads"].respondents == 3 and groups.groups["engineers"].respondents == 1
    assert groups.groups["leads"].confidence_mean is None and not groups.shown  # not every group has 3
    for uid, level in (("U0ENG2", 5), ("U0ENG3", 2)):
        _answer(slack, fake, uid, level, 3)
    settle(casebook)
    with transaction(casebook.deps.sessions) as session:
        metric = compute_scorecard(session=session, program=program, week=week).metric("confidence")
        groups = survey_by_group(session=session, program=program, week=WEEK)
        responses = session.execute(select(SurveyResponse.survey)).scalars().all()
        filed = sorted(session.execute(select(SurveyAnswer.survey)).scalars())
    assert metric.value == pytest.approx((3 + 4 + 2 + 5 + 5 + 2) / 6) and metric.sample == 6
    assert metric.detail == "post-switchover survey: mean of 6 confidence answers"
    assert groups.shown and groups.groups["engineers"].confidence_mean == pytest.approx(4.0)
    assert groups.groups["leads"].confidence_mean == pytest.approx(3.0)
    assert groups.groups["engineers"].satisfaction_mean == round((5 * 6 + 3 * 6 + 3 * 6) / 18, 2)
    assert responses.count("switchover") == 6 and responses.count("weekly") == 3
    assert filed == ["switchover:engineers"] * 3 + ["switchover:leads"] * 3 + ["weekly"] * 3


def test_without_the_post_switchover_survey_the_weekly_confidence_counts(
    casebook: Casebook, clock: FixedClock
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    program = casebook.deps.program
    with transaction(casebook.deps.sessions) as session:
        for uid, level in (("U0ENG1", 4), ("U0ENG2", 4), ("U0PILOT", 1)):
            person = session.execute(select(Person).where(Person.slack_user_id == uid)).scalar_one()
            answers = {q.id: 3 for q in program.survey.questions} | {"confidence": level}
            submit_survey(
                session=session,
                now=clock.now(),
                person=person,
                week=WEEK,
                questions=program.survey.questions,
                submitted=SurveyAnswers(answers, None),
                minimum=3,
            )
        metric = compute_scorecard(
            session=session, program=program, week=parse_week(WEEK, program.tz)
        ).metric("confidence")
    assert metric.value == pytest.approx(3.0)
    assert metric.detail == "weekly survey: mean of 3 confidence answers"
