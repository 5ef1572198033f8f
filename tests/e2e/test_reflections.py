"""End to end: the reflection-day DM, the form, the mentor's copy, and what the PM may see."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.app import Casebook
from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models_voices import Reflection
from bot.domain.reflections import reflections_report
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import reflection_block
from tests.helpers import eventually, initial_values, load_roster, settle, texts
from tests.jobs.conftest import NY, ledger, local, runner

FRIDAY = date(2026, 11, 6)  # Friday of program week 9: the example program's reflection day
LEARNED = "Escalating early on config conflicts saved a rollback on Wednesday."
UNSURE = "Customer exemptions that overlap a freeze window still confuse me."


def _values(learned: str | None, unsure: str | None, *, share: bool = False) -> dict[str, object]:
    return {
        reflection_block("learned"): learned,
        reflection_block("unsure"): unsure,
        reflection_block("next"): None,
        "reflection_share": ["share"] if share else [],
    }


def _open(casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock) -> str:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    run = runner(casebook, clock)
    assert run("reflections", local(FRIDAY, "13:59", NY)) == 1  # Bo, in Berlin, got it at 14:00 there
    assert fake.dms_to("U0ENG1") == []
    run("reflections", local(FRIDAY, "14:05", NY))
    (dm,) = fake.dms_to("U0ENG1")
    assert "Your reflection — Fri 6 Nov" in texts(dm.blocks)
    assert fake.dms_to("U0MENTOR") == [] and fake.dms_to("U0PM") == []
    button = next(e for b in dm.blocks if b["type"] == "actions" for e in b["elements"])
    assert button["action_id"] == "reflection_open"
    slack.click(
        "U0ENG1", action_id="reflection_open", value=button["value"], channel=dm.channel, message_ts=dm.ts
    )
    return eventually(lambda: list(fake.views))[-1]


def _pm_home(slack: Simulator, fake: FakeSlack) -> str:
    fake.home.pop("U0PM", None)
    slack.open_home("U0PM")
    return texts(eventually(lambda: fake.home.get("U0PM"))["blocks"])


def test_a_reflection_reaches_the_mentor_and_not_the_pm(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    view_id = _open(casebook, slack, fake, clock)
    assert fake.views[view_id]["callback_id"] == "reflection_modal"
    reply = slack.submit("U0ENG1", view_id, _values(LEARNED, UNSURE))
    assert reply.json["response_action"] == "update"
    assert "the PM sees only that you wrote it" in texts(reply.json["view"]["blocks"])
    settle(casebook)
    assert casebook.deps.dispatcher.wait_idle(10)
    (copy,) = eventually(lambda: fake.dms_to("U0MENTOR"))
    assert "Ada Engineer's reflection for Fri 6 Nov" in texts(copy.blocks)
    assert LEARNED in texts(copy.blocks) and UNSURE in texts(copy.blocks)
    # The mentor's Home too: who has written, and the start of it.
    slack.open_home("U0MENTOR")
    mentor_home = texts(eventually(lambda: fake.home.get("U0MENTOR"))["blocks"])
    assert "Your mentees' reflections Fri 6 Nov" in mentor_home and "Escalating early" in mentor_home
    assert "Bo Engineer: not written yet" in mentor_home
    # The PM: who wrote it, never what.
    home = _pm_home(slack, fake)
    assert "Reflections Fri 6 Nov*: 1 of 3 written — Ada Engineer" in home
    assert "Not yet: Bo Engineer, Cy Pilot" in home
    assert LEARNED not in home and "Escalating early" not in "".join(m.text for m in fake.dms_to("U0PM"))
    with transaction(casebook.deps.sessions) as session:
        (report,) = reflections_report(session=session, program=casebook.deps.program)
    assert report.submitted == ("Ada Engineer",) and report.shared == () and report.asked == 3


def test_saving_again_is_idempotent_and_sharing_lets_the_pm_read_it(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    view_id = _open(casebook, slack, fake, clock)
    slack.submit("U0ENG1", view_id, _values(LEARNED, UNSURE))
    settle(casebook)
    eventually(lambda: fake.dms_to("U0MENTOR"))
    # The same answers again (from App Home: the form comes pre-filled): nothing new for the mentor.
    slack.click_home("U0ENG1", action_id="reflection_open", value='{"day":"2026-11-06"}')
    again = eventually(lambda: [v for v in fake.views if v != view_id])[-1]
    prefilled = initial_values(fake.views[again])
    assert prefilled[reflection_block("learned")] == LEARNED
    slack.submit("U0ENG1", again, _values(LEARNED, UNSURE))
    settle(casebook)
    assert casebook.deps.dispatcher.wait_idle(10)
    assert len(fake.dms_to("U0MENTOR")) == 1
    # A change with "share with the PM" ticked: the mentor gets the new revision, the PM may read it.
    slack.click_home("U0ENG1", action_id="reflection_open", value='{"day":"2026-11-06"}')
    third = eventually(lambda: [v for v in fake.views if v not in (view_id, again)])[-1]
    slack.submit("U0ENG1", third, _values(LEARNED, UNSURE + " More practice, please.", share=True))
    settle(casebook)
    copies = eventually(lambda: fake.dms_to("U0MENTOR")[1:])
    assert "(changed)" in texts(copies[0].blocks)
    home = _pm_home(slack, fake)
    assert "Ada Engineer shared theirs with you" in home and "More practice, please." in home
    with transaction(casebook.deps.sessions) as session:
        (row,) = session.execute(select(Reflection)).scalars()
        assert (row.revision, row.shared_with_pm) == (2, True)
    assert [d.period for d in ledger(casebook, "reflection-mentor")] == [
        "2026-11-06:U0ENG1:r1",
        "2026-11-06:U0ENG1:r2",
    ]


def test_the_form_says_what_is_wrong_field_by_field(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    view_id = _open(casebook, slack, fake, clock)
    reply = slack.submit("U0ENG1", view_id, _values("ok", None))
    assert reply.json["response_action"] == "errors"
    errors = reply.json["errors"]
    assert set(errors) == {reflection_block("learned"), reflection_block("unsure")}
    assert "at least 10 characters" in errors[reflection_block("learned")]
    assert "not optional" in errors[reflection_block("unsure")]
    with transaction(casebook.deps.sessions) as session:
        assert session.execute(select(Reflection)).first() is None


def test_only_engineers_write_one_and_only_while_it_is_open(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    load_roster(casebook.deps.sessions, datetime(2026, 11, 1, tzinfo=UTC))
    clock.set(local(date(2026, 11, 9), "10:00", NY))  # the Monday after: closed
    slack.click(
        "U0ENG1",
        action_id="reflection_open",
        value='{"day":"2026-11-06"}',
        channel="D0ENG1",
        message_ts="1.1",
    )
    assert "closed on Sun 08 Nov" in texts(eventually(lambda: fake.responses)[-1]["blocks"])
    clock.set(local(FRIDAY, "15:00", NY))
    slack.click(
        "U0PM", action_id="reflection_open", value='{"day":"2026-11-06"}', channel="D0PM", message_ts="1.2"
    )
    assert "for engineers" in texts(eventually(lambda: fake.responses[1:])[-1]["blocks"])
    assert fake.views == {}
