"""End to end: a lead turns a reviewed live decision into a practice draft (App Home, review thread)."""

from __future__ import annotations

import yaml

from bot.domain.scenario_spec import ScenarioSpec
from bot.flows.reviews import submit_review
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action
from tests.cli.test_scenario_draft import ALERT, SECRETS
from tests.helpers import eventually, load_roster, texts
from tests.live_support import GOOD, REVIEW_CHANNEL, log_decision, review_post_for
from tests.pattern_support import RULE, live


def test_lead_home_draft_button_dms_a_scrubbed_valid_draft(
    casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    db = casebook.deps.sessions
    load_roster(db, clock.now())
    decision = live(
        db,
        now=clock.now(),
        title="checkout-load namespace for Ada Engineer",
        rule=RULE,
        text=ALERT,
        review="uphold",
        comment="Right call, Ada: the 48 h TTL bounds it",
    )
    live(db, now=clock.now(), title="not reviewed, not offered", rule=RULE)

    slack.open_home("U0LEAD")
    home = eventually(lambda: texts(fake.home.get("U0LEAD", {}).get("blocks", [])))
    assert "Turn real exceptions into practice" in home and f"#{decision} " in home
    assert "not reviewed, not offered" not in home.split("Turn real exceptions into practice")[1]
    value = next(
        e["value"]
        for b in fake.home["U0LEAD"]["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.DRAFT_SCENARIO
    )
    slack.click_home("U0LEAD", action_id=Action.DRAFT_SCENARIO, value=value)
    dm = eventually(lambda: [m for m in fake.dms_to("U0LEAD") if "scenario draft" in m.text])[0]
    body = texts(dm.blocks)
    draft = body.split("```")[1]
    spec = ScenarioSpec.model_validate(
        yaml.safe_load(draft.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    )
    assert spec.id == f"live-{decision}-draft" and spec.pool.value == "practice"
    for secret in SECRETS:
        assert secret.lower() not in draft.lower(), secret

    slack.click_home("U0LEAD", action_id=Action.DRAFT_SCENARIO, value=value)  # a second click: no second DM
    assert eventually(lambda: [m for m in fake.dms_to("U0LEAD") if "already sent you the draft" in m.text])
    assert len([m for m in fake.dms_to("U0LEAD") if "scenario draft" in m.text]) == 1
    slack.click_home("U0MENTOR", action_id=Action.DRAFT_SCENARIO, value=value)
    assert eventually(lambda: [m for m in fake.dms_to("U0MENTOR") if "Only leads" in m.text])


def test_draft_button_in_the_review_thread(casebook, slack: Simulator, fake: FakeSlack, clock) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    decision_id = log_decision(slack, fake, casebook.deps.sessions, values={**GOOD, "policy_rule": RULE})
    post = review_post_for(fake, decision_id)
    submit_review(
        deps=casebook.deps,
        reviewer_slack_id="U0LEAD",
        decision_id=decision_id,
        verdict="uphold",
        comment="Right call: bounded by the 48 h expiry",
        suggested_verdict=None,
    )

    def reply_with_button():
        replies = fake.messages_in(REVIEW_CHANNEL, thread_ts=post.ts)
        return next((m for m in replies if Action.DRAFT_SCENARIO in str(m.blocks)), None)

    reply = eventually(reply_with_button)
    value = next(
        e["value"]
        for b in reply.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.DRAFT_SCENARIO
    )
    slack.click(
        "U0LEAD", action_id=Action.DRAFT_SCENARIO, value=value, channel=REVIEW_CHANNEL, message_ts=reply.ts
    )
    dm = eventually(lambda: [m for m in fake.dms_to("U0LEAD") if "scenario draft" in m.text])[0]
    assert f"live-{decision_id}-draft" in texts(dm.blocks)
    assert "ggen.example.com" not in texts(dm.blocks)  # the source link is not carried over
