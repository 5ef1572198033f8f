"""Issue 16: help lists only what works for the caller; `role`, `left` and `assess` ask first."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.engine import transaction
from bot.db.models import Assessment, Person
from bot.domain.people import find_by_slack_id
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action
from tests.helpers import command_reply, confirm_step, eventually, texts


def _roles(casebook, user: str) -> list[str]:
    with transaction(casebook.deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=user)
        return sorted(person.role_names) if person else []


def test_help_lists_only_what_works_for_each_role(
    casebook, slack: Simulator, fake: FakeSlack, roster
) -> None:
    pm = texts(command_reply(slack, fake, "U0PM", "help")["blocks"])
    assert "/casebook stats" not in pm and "Handle as exception" not in pm
    assert "/casebook metrics" in pm
    refused = texts(command_reply(slack, fake, "U0PM", "stats")["blocks"])
    assert "Your practice" not in refused and "Stats for" not in refused
    admin = texts(command_reply(slack, fake, "U0ADMIN", "help")["blocks"])
    assert "`/casebook stats @user`" in admin and "Handle as exception" not in admin
    engineer = texts(command_reply(slack, fake, "U0ENG1", "help")["blocks"])
    assert "`/casebook stats` —" in engineer and "Handle as exception" in engineer
    mentor = texts(command_reply(slack, fake, "U0MENTOR", "help")["blocks"])
    assert "`/casebook stats @user`" in mentor and "Handle as exception" in mentor
    own = texts(command_reply(slack, fake, "U0MENTOR", "stats")["blocks"])
    assert "Name the engineer" in own and "Your practice" not in own


def test_role_with_no_arguments_says_how_to_use_it(
    casebook, slack: Simulator, fake: FakeSlack, roster
) -> None:
    body = texts(command_reply(slack, fake, "U0ADMIN", "role")["blocks"])
    assert "Usage: `/casebook role @user" in body and "is not a person" not in body


def test_dropping_a_role_says_what_it_changes_and_asks(
    casebook, slack: Simulator, fake: FakeSlack, roster
) -> None:
    asked = texts(command_reply(slack, fake, "U0ADMIN", "role <@U0ENG2|bo> lead")["blocks"])
    assert "*Bo Engineer* (<@U0ENG2>): engineer → lead." in asked
    assert "Bo Engineer leaves the engineer metrics" in asked
    assert _roles(casebook, "U0ENG2") == ["engineer"], "nothing changes before Confirm"
    cancelled = texts(confirm_step(slack, fake, "U0ADMIN", cancel=True)["blocks"])
    assert "Cancelled; nothing changed." in cancelled and _roles(casebook, "U0ENG2") == ["engineer"]

    command_reply(slack, fake, "U0ADMIN", "role <@U0ENG2|bo> lead")
    done = confirm_step(slack, fake, "U0ADMIN")
    assert done["replace_original"] is True
    assert "now has the role(s) lead (was: engineer)" in texts(done["blocks"])
    assert _roles(casebook, "U0ENG2") == ["lead"]
    same = texts(command_reply(slack, fake, "U0ADMIN", "role <@U0ENG2> lead")["blocks"])
    assert "Nothing to change" in same


def test_a_replayed_confirm_button_is_checked_again(
    casebook, slack: Simulator, fake: FakeSlack, roster
) -> None:
    """The button's value is the person's to tamper with: the click re-checks who may do it."""
    value = '{"slack_user_id":"U0ENG1","roles":["admin"]}'
    slack.click("U0ENG1", action_id=Action.ROLE_CONFIRM, value=value, channel="C0CBGENERAL", ephemeral=True)
    assert "for admin only" in texts(eventually(lambda: fake.responses)[-1]["blocks"])
    slack.click(
        "U0ENG1",
        action_id=Action.LEFT_CONFIRM,
        value='{"slack_user_id":"U0ENG2","reason":"x"}',
        channel="C0CBGENERAL",
        ephemeral=True,
    )
    assert "for admin only" in texts(
        eventually(lambda: len(fake.responses) > 1 and fake.responses)[-1]["blocks"]
    )
    assert _roles(casebook, "U0ENG1") == ["engineer"]
    with transaction(casebook.deps.sessions) as session:
        assert session.execute(
            select(Person.status).where(Person.slack_user_id == "U0ENG2")
        ).scalar_one() == ("active")


def test_left_asks_with_a_confirm_dialog_first(casebook, slack: Simulator, fake: FakeSlack, roster) -> None:
    asked = command_reply(slack, fake, "U0ADMIN", "left <@U0ENG2|bo> moved to SRE")
    button = next(b for b in asked["blocks"] if b.get("block_id") == "confirm_step")["elements"][0]
    assert button["style"] == "danger" and button["confirm"]["title"]["text"] == "Record a leaver?"
    with transaction(casebook.deps.sessions) as session:
        assert session.execute(
            select(Person.status).where(Person.slack_user_id == "U0ENG2")
        ).scalar_one() == ("active")
    done = texts(confirm_step(slack, fake, "U0ADMIN")["blocks"])
    assert "Recorded that Bo Engineer (<@U0ENG2>) left the program today: moved to SRE." in done
    again = texts(confirm_step(slack, fake, "U0ADMIN")["blocks"])  # a double click changes nothing
    assert "Recorded that Bo Engineer" in again and "Something went wrong" not in again
    later = texts(command_reply(slack, fake, "U0ADMIN", "left <@U0ENG2> again")["blocks"])
    assert "already recorded as having left" in later and "confirm_step" not in str(fake.responses[-1])


def test_assess_asks_before_dealing_twenty_cards(casebook, slack: Simulator, fake: FakeSlack, roster) -> None:
    asked = texts(command_reply(slack, fake, "U0ENG1", "assess")["blocks"])
    assert "20 scenarios" in asked and "Start now?" in asked

    def assessments() -> int:
        with transaction(casebook.deps.sessions) as session:
            return int(session.execute(select(func.count(Assessment.id))).scalar_one())

    assert assessments() == 0
    assert "Cancelled" in texts(confirm_step(slack, fake, "U0ENG1", cancel=True)["blocks"])
    assert assessments() == 0
    command_reply(slack, fake, "U0ENG1", "assess")
    started = texts(confirm_step(slack, fake, "U0ENG1")["blocks"])
    assert "has started: 20 scenarios" in started and assessments() == 1
    resumed = texts(command_reply(slack, fake, "U0ENG1", "assess")["blocks"])
    assert "in progress: 0 of 20 answered" in resumed and "Start now?" not in resumed


def test_home_assessment_button_has_a_confirm_dialog(
    casebook, slack: Simulator, fake: FakeSlack, roster
) -> None:
    slack.open_home("U0ENG1")
    home = eventually(lambda: fake.home.get("U0ENG1"))
    buttons = [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]]
    take = next(e for e in buttons if e["action_id"] == Action.HOME_ASSESS)
    assert take["confirm"]["title"]["text"] == "Start the assessment?"
