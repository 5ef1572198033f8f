"""`/casebook stats [@user]`: own numbers for anyone, someone else's for mentors, leads and admins."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.engine import transaction
from bot.db.models import Assessment
from bot.domain.assessment import complete
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.domain.scenario_fixtures import answer_all
from tests.helpers import confirm_step, eventually, load_roster, texts
from tests.live_support import make_decision


def _last_response(fake: FakeSlack, count: int) -> str:
    return texts(eventually(lambda: len(fake.responses) >= count and fake.responses)[count - 1]["blocks"])


def test_stats_show_this_weeks_live_numbers(casebook, slack: Simulator, fake: FakeSlack, clock) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    make_decision(casebook.deps.sessions, now=clock.now(), verdict="approve", title="a")
    make_decision(casebook.deps.sessions, now=clock.now(), verdict="escalate", title="b")
    slack.command("U0ENG1", "stats")
    body = _last_response(fake, 1)
    assert "Stats for Ada Engineer" in body
    assert "Logged*\n2" in body and "1 (50%)" in body and "Waiting for review*\n2" in body


def test_mentor_sees_a_mentee_and_an_engineer_may_not(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    slack.command("U0MENTOR", "stats <@U0ENG2|bo>")
    assert "Stats for Bo Engineer" in _last_response(fake, 1)
    slack.command("U0ENG1", "stats <@U0ENG2|bo>")
    refused = _last_response(fake, 2)
    assert "Only mentors, leads and admins" in refused and "Bo Engineer" not in refused
    slack.command("U0MENTOR", "stats <@U0NOBODY|x>")
    assert "not on the roster" in _last_response(fake, 3)


def _finish_assessment(casebook, clock, *, good: int) -> None:
    """Answer every question of the assessment in progress and score it (the domain, not Slack)."""
    with transaction(casebook.deps.sessions) as session:
        assessment = session.execute(select(Assessment)).scalar_one()
        answer_all(session, now=clock.now(), assessment=assessment, good=good)
        assert complete(session=session, now=clock.now(), assessment=assessment, threshold=0.8, actor="t")


def test_stats_with_an_assessment_in_progress_and_then_completed(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    """Readiness rows were read after their session closed (DetachedInstanceError); never again."""
    load_roster(casebook.deps.sessions, clock.now())
    assert slack.command("U0ENG1", "assess").status == 200
    assert "20 scenarios" in _last_response(fake, 1)
    confirm_step(slack, fake, "U0ENG1")  # issue 16: it asks before starting; the reply is response 2
    fake.responses.pop()

    slack.command("U0ENG1", "stats")
    own = _last_response(fake, 2)
    assert "Something went wrong" not in own
    assert "Stats for Ada Engineer" in own and "*In progress*: 0 of 20 answered" in own
    slack.command("U0MENTOR", "stats <@U0ENG1|ada>")
    assert "*In progress*: 0 of 20 answered" in _last_response(fake, 3)

    _finish_assessment(casebook, clock, good=17)
    slack.command("U0ENG1", "stats")
    done = _last_response(fake, 4)
    assert "Something went wrong" not in done
    assert "*Passed* with 85%; waiting for a mentor's sign-off" in done
    slack.command("U0MENTOR", "stats <@U0ENG1|ada>")
    assert "*Passed* with 85%" in _last_response(fake, 5)
