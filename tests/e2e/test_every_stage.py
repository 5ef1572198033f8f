"""Every subcommand and every App Home, for a person at each stage and in each role: nothing crashes.

Issue 16: `/casebook stats` crashed for anyone with an assessment in progress and no test
walked the surfaces at that stage. This one does, over signed HTTP against the fake Slack,
and fails on any "Something went wrong" anywhere Slack was sent something, or any ERROR log.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from sqlalchemy import select

from bot.db.engine import transaction
from bot.db.models import Assessment, Person
from bot.domain import assessment as a
from bot.flows.roster import record_leaver
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from tests.domain.scenario_fixtures import answer, answer_all
from tests.helpers import confirm_step, eventually, load_roster, texts

STAGES = {
    "U0NEW": "new",
    "U0PRAC": "practising",
    "U0ASSING": "assessing",
    "U0ASSED": "assessed",
    "U0READY": "ready",
    "U0LEFT": "left",
}
ROSTER = (
    "slack_user_id,name,email,roles,mentor,timezone\n"
    + "".join(
        f"{uid},{stage.title()} Eng,{stage}@example.com,engineer,U0MENTOR,America/New_York\n"
        for uid, stage in STAGES.items()
    )
    + (
        "U0PILOT,Cy Pilot,cy@example.com,engineer;pilot,U0MENTOR,America/New_York\n"
        "U0MENTOR,Mo Mentor,mo@example.com,mentor,,America/New_York\n"
        "U0LEAD,Lee Lead,lee@example.com,lead,,Europe/Berlin\n"
        "U0PM,Pat PM,pat@example.com,pm,,America/New_York\n"
        "U0ADMIN,Ari Admin,ari@example.com,admin,,America/New_York\n"
    )
)
CALLERS = [*STAGES, "U0PILOT", "U0MENTOR", "U0LEAD", "U0PM", "U0ADMIN", "U0STRANGER"]
# Read-only subcommands, with the argument shapes people type (none, bad, a person at each stage).
COMMANDS = [
    "",
    "help",
    "nonsense",
    "stats",
    "stats nobody",
    *[f"stats <@{uid}|x>" for uid in STAGES],
    "guide",
    "guide nonsense",
    "metrics",
    "metrics 1999-W01",
    "role",
    "role nobody",
    "role <@U0NEW|x>",
    "mentor",
    "left",
    "left <@U0NEW|x>",
    "incident",
    "incident P9 x",
    "ooo",
    "ooo nonsense",
    "survey",
    "sync",
    "log",
    "practice",
    "practice nonsense",
]


def _person_id(session: Any, uid: str) -> int:
    return int(session.execute(select(Person.id).where(Person.slack_user_id == uid)).scalar_one())


def _stage_everyone(casebook: Any, clock: Any) -> None:
    """Put each engineer at their stage through the domain (the flows under test come after)."""
    deps = casebook.deps
    now = clock.now()
    load_roster(deps.sessions, now, ROSTER)
    assert deps.library is not None
    cats = deps.library.category_ids
    size = deps.program.practice.assessment_size
    with transaction(deps.sessions) as session:
        answer(
            session,
            now=now,
            who=_person_id(session, "U0PRAC"),
            slug=next(s.id for s in deps.library.scenarios if s.pool == "practice"),
        )
        ids = {}
        for uid in ("U0ASSING", "U0ASSED", "U0READY"):
            who = _person_id(session, uid)
            started = a.start_assessment(
                session=session, now=now, person_id=who, actor="t", categories=cats, size=size
            )
            ids[uid] = started.assessment
        for uid in ("U0ASSED", "U0READY"):
            answer_all(session, now=now, assessment=ids[uid], good=size)
            assert a.complete(session=session, now=now, assessment=ids[uid], threshold=0.8, actor="t")
        mentor = session.execute(select(Person).where(Person.slack_user_id == "U0MENTOR")).scalar_one()
        a.sign_off(session=session, now=now, assessment_id=ids["U0READY"].id, signer=mentor)
        assert session.execute(select(Assessment)).scalars().all()
    record_leaver(deps=deps, actor="U0ADMIN", slack_user_id="U0LEFT", reason="moved team")


def _everything_sent(fake: FakeSlack) -> list[tuple[str, str]]:
    """(where, text) for every message, response, ephemeral, modal and Home the fake Slack received."""
    with fake.lock:
        out = [("response", texts([r])) for r in fake.responses]
        out += [("ephemeral", texts([e])) for e in fake.ephemerals]
        out += [(f"message {m.channel}", m.text + "\n" + texts(m.blocks)) for m in fake.messages]
        out += [(f"view {k}", texts([v])) for k, v in fake.views.items()]
        out += [(f"home {k}", texts([v])) for k, v in fake.home.items()]
    return out


@pytest.mark.timeout(300)
def test_every_command_and_home_at_every_stage_and_role(
    casebook, slack: Simulator, fake: FakeSlack, clock, caplog: pytest.LogCaptureFixture
) -> None:
    for uid, stage in STAGES.items():
        fake.add_user(uid, f"{stage.title()} Eng", "America/New_York")
    _stage_everyone(casebook, clock)
    caplog.set_level(logging.WARNING)
    for caller in CALLERS:
        for text in COMMANDS:
            assert slack.command(caller, text).status == 200, (caller, text)
        assert slack.open_home(caller).status == 200
    for caller in CALLERS:  # last: the one subcommand that changes state (it asks first)
        assert slack.command(caller, "assess").status == 200
    for caller in CALLERS[:-1]:  # every button on every Home, as its owner would press it
        home = eventually(lambda c=caller: fake.home.get(c))  # type: ignore[misc]
        for element in [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]]:
            reply = slack.click_home(caller, action_id=element["action_id"], value=element.get("value"))
            assert reply.status == 200, (caller, element["action_id"])
    for caller in ("U0NEW", "U0ASSED"):  # and starting one, before any and after a passed one
        slack.command(caller, "assess")
        confirm_step(slack, fake, caller)
        assert slack.open_home(caller).status == 200
    casebook.deps.dispatcher.wait_idle(10)
    time.sleep(0.5)
    for caller in CALLERS[:-1]:
        assert caller in fake.home, f"no App Home published for {caller}"
    answered = [w for w, _ in _everything_sent(fake) if w == "response"]
    assert len(answered) >= len(CALLERS) * (len(COMMANDS) - 3), "most commands answered by response_url"
    crashed = [
        (where, text[:300]) for where, text in _everything_sent(fake) if "Something went wrong" in text
    ]
    assert crashed == []
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
