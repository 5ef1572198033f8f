"""End to end: precedents on the live-decision form (shortcut on an alert), the policy rule field,
and `/casebook precedents` — SQLite and PostgreSQL full-text search, over signed HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.engine import transaction
from bot.db.models import Decision
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action
from tests.helpers import eventually, load_roster, texts
from tests.live_support import GOOD, open_alert_form, open_log_modal, open_review
from tests.pattern_support import OTHER_RULE, RULE, live

ALERT = {
    "type": "message",
    "ts": "1763388000.000300",
    "text": (
        "*ggen hold*: checkout-web rollback canary skipped\n"
        "policy: resource-tagging\nrule: require-cost-center\nnamespace checkout-web has no cost-center label"
    ),
    "user": "U0GGEN",
}


# Past decisions, an hour apart: one under the alert's rule, one with similar words, one unrelated,
# one practice.
PAST = {
    "same": dict(
        title="orders namespace cost label",
        rule=RULE,
        review="uphold",
        comment="Right call: the TTL bounds it",
    ),
    "similar": dict(
        title="checkout-web rollback, canary skipped",
        rule=OTHER_RULE,
        verdict="deny",
        text="rollback of checkout-web to 100% at once",
    ),
    "unrelated": dict(
        title="bastion firewall port", rule=None, verdict="deny", text="open port 22 on the bastion host"
    ),
    "practice": dict(
        title="checkout rollback canary namespace drill",
        rule=RULE,
        kind="practice",
        text="checkout-web rollback canary namespace",
    ),
}


@pytest.fixture
def history(casebook, clock) -> dict[str, int]:
    """The ``PAST`` decisions, recorded from five days ago: their ids by name."""
    db = casebook.deps.sessions
    load_roster(db, clock.now())
    t0 = clock.now() - timedelta(days=5)
    return {
        name: live(db, now=t0 + timedelta(hours=i), **fields) for i, (name, fields) in enumerate(PAST.items())
    }


def _precedent_sections(view: dict) -> list[str]:
    marks = ("_(same policy rule)_", "_(similar words)_")
    sections = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    return [t for t in sections if any(m in t for m in marks)]


def test_alert_form_shows_same_rule_first_then_text_similar(
    casebook, history, slack: Simulator, fake: FakeSlack
) -> None:
    _, view = open_alert_form(slack, fake, ALERT)

    shown = _precedent_sections(view)
    assert len(shown) == 2  # the unrelated one shares no word; practice is never a precedent
    assert f"#{history['same']} orders namespace cost label" in shown[0] and "same policy rule" in shown[0]
    assert (
        "upheld" in shown[0] and "Right call: the TTL bounds it" in shown[0] and "Expires in 48 h" in shown[0]
    )
    assert f"#{history['similar']} checkout-web rollback" in shown[1] and "similar words" in shown[1]
    assert "denied" in shown[1]
    assert all("Ada Engineer" not in s for s in shown)  # anonymised by default
    everything = texts(view["blocks"])
    assert f"#{history['practice']} " not in everything and f"#{history['unrelated']} " not in everything
    rule = next(b for b in view["blocks"] if b.get("block_id") == "policy_rule")
    assert rule["element"]["initial_option"]["value"] == RULE  # read from the alert's policy lines


def test_names_shown_when_the_program_does_not_anonymise(
    casebook, history, slack: Simulator, fake: FakeSlack
) -> None:
    settings = casebook.deps.program.patterns.model_copy(
        update={
            "precedents": casebook.deps.program.patterns.precedents.model_copy(update={"anonymise": False})
        }
    )
    casebook.deps.program = casebook.deps.program.model_copy(update={"patterns": settings})
    _, view = open_alert_form(slack, fake, ALERT)
    assert "by Ada Engineer" in _precedent_sections(view)[0]


def test_policy_rule_is_stored_and_a_bad_one_is_explained(
    casebook, history, slack: Simulator, fake: FakeSlack
) -> None:
    view_id = open_log_modal(slack, fake)
    assert "pick the policy rule below" in texts(fake.views[view_id]["blocks"])
    # Picking a rule in a form opened by command shows that rule's precedents.
    slack.click("U0ENG1", action_id="policy_rule", block_id="policy_rule", selected=RULE, view_id=view_id)
    shown = eventually(lambda: _precedent_sections(fake.views[view_id]))
    assert f"#{history['same']} orders namespace cost label" in shown[0] and "same policy rule" in shown[0]
    bad = slack.submit("U0ENG1", view_id, {**GOOD, "policy_rule": "other", "policy_rule_other": "Not A Rule"})
    assert bad.json["response_action"] == "errors"
    assert "policy/rule in kebab-case" in bad.json["errors"]["policy_rule_other"]

    assert slack.submit("U0ENG1", view_id, {**GOOD, "policy_rule": OTHER_RULE}).status == 200

    def stored() -> str | None:
        with transaction(casebook.deps.sessions) as session:
            return session.execute(
                select(Decision.policy_rule).where(Decision.title == GOOD["title"])
            ).scalar_one_or_none()

    assert eventually(stored) == OTHER_RULE


def test_precedents_command_searches_live_decisions(
    casebook, history, slack: Simulator, fake: FakeSlack
) -> None:
    assert slack.command("U0ENG2", "precedents canary rollback").status == 200
    reply = eventually(lambda: fake.responses)[-1]
    body = texts(reply["blocks"])
    # both words (title and text) rank above one word (the other's rollback condition)
    assert body.index(f"#{history['similar']} checkout-web rollback") < body.index(
        f"#{history['same']} orders"
    )
    assert f"#{history['practice']} " not in body

    slack.command("U0ENG2", f"precedents {RULE}")
    by_rule = eventually(
        lambda: texts(fake.responses[-1]["blocks"]) if RULE in texts(fake.responses[-1]["blocks"]) else ""
    )
    assert f"#{history['same']} orders namespace cost label> _(same policy rule)_" in by_rule

    slack.command("U0ENG2", "precedents zebra")
    assert eventually(lambda: "No past live decisions" in texts(fake.responses[-1]["blocks"]))


def test_mentor_reviewing_sees_precedents_not_the_decision_itself(
    casebook, history, slack: Simulator, fake: FakeSlack
) -> None:
    view_id, view = open_alert_form(slack, fake, ALERT)
    title = next(b for b in view["blocks"] if b.get("block_id") == "title")["element"]["initial_value"]
    assert slack.submit("U0ENG1", view_id, {**GOOD, "title": title, "policy_rule": RULE}).status == 200

    def new_id() -> int | None:
        with transaction(casebook.deps.sessions) as session:
            return session.execute(select(Decision.id).where(Decision.title == title)).scalar_one_or_none()

    decision_id = eventually(new_id)
    _, modal = open_review(slack, fake, user="U0MENTOR", decision_id=decision_id, action=Action.REVIEW_UPHOLD)
    shown = _precedent_sections(modal)
    assert f"#{history['same']} orders namespace cost label" in shown[0]
    assert all(f"#{decision_id} " not in s for s in shown)
    assert all(f"#{history['practice']} " not in s for s in shown)
