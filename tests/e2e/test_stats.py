"""`/casebook stats [@user]`: own numbers for anyone, someone else's for mentors, leads and admins."""

from __future__ import annotations

from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.helpers import eventually, load_roster, texts
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
