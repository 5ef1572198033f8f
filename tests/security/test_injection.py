"""Injection: hostile text typed into every free-text field the bot echoes, checked everywhere.

Each test types ``INJECTION`` (a broadcast, a here-mention, a user and a channel mention,
a disguised link, a script tag and a literal ``&amp;``) into one flow's free-text fields
over HTTP, then reads everything the bot sent to the fake Slack (Web API calls, messages,
ephemerals, response_url posts, modals, App Home and its answers to form submissions, see
``tests/security/shown.py``) and checks that

* no parsed (mrkdwn) text carries the input unescaped: no ``<!channel>``, ``<!here>``,
  user or channel mention, ``<url|label>`` link or ``<script`` that came from the input,
  and no button URL points at the attacker's site;
* where the bot shows the text, it shows it escaped (``&lt;!channel&gt;``, and ``&amp;``
  typed by the user arrives as ``&amp;amp;``, so the reader sees exactly what was typed);
* plain-text places (headers, pre-filled inputs) carry the text verbatim, as Slack shows
  them literally.

Oversized input (10,000 characters) gets an inline error on the field it was typed into,
saying the limit and the length, and nothing is saved. Every payload stays valid Block Kit:
the ``casebook`` fixture fails a test on any invalid payload the fake received.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import Casebook
from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import Decision, Incident, Person, Review, SurveyAnswer, SurveyResponse, SyncResponse
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.simulator import Reply, Simulator
from bot.slack.ids import Action, Callback, survey_block
from tests.e2e.cards import click_decision, good_values, justify_modal, open_card
from tests.helpers import confirm_step, eventually, initial_values, load_roster, press, texts
from tests.jobs.conftest import NY, local, runner
from tests.live_support import (
    GOOD,
    REVIEW_CHANNEL,
    last_decision_id,
    latest_view,
    max_view,
    open_alert_form,
    open_log_modal,
    open_review,
    review_post_for,
)
from tests.security.shown import Shown, collect

INJECTION = (
    "Alert <!channel> <!here> ping <@U0ADMIN> via <#C0CBREVIEW>: see <http://evil.example|click me> "
    "<script>alert(1)</script> &amp; done"
)
# What must never reach parsed text. The mention and channel are checked with the word typed
# before them: the bot itself mentions people and links the review channel.
RAW = ("<!channel>", "<!here>", "ping <@U0ADMIN>", "via <#C0CBREVIEW>", "<http://evil.example", "<script")
ESCAPED = (
    "Alert &lt;!channel&gt; &lt;!here&gt; ping &lt;@U0ADMIN&gt; via &lt;#C0CBREVIEW&gt;: "
    "see &lt;http://evil.example|click me&gt; &lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; done"
)
# One word each, for arguments parsed word by word (an incident ref, a date, a user).
TOKENS = (
    "<!channel>",
    "<!here>",
    "<@U0ADMIN>",
    "<#C0CBREVIEW>",
    "<http://evil.example|clickme>",
    "<script>alert(1)</script>",
    "&amp;",
)
TOKEN_RAW = ("<!channel>", "<!here>", "<@U0ADMIN>", "<#C0CBREVIEW>", "<http://evil.example", "<script")
HUGE = ("A long justification. " * 455)[:10_000]  # 10,000 characters
TUESDAY = date(2026, 11, 17)


def test_the_probes_are_what_they_claim() -> None:
    assert len(HUGE) == 10_000
    assert INJECTION.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") == ESCAPED


def assert_clean(shown: Shown, raw: tuple[str, ...] = RAW) -> None:
    """No parsed text anywhere carries the input unescaped; no button links to the attacker."""
    leaks = [(where, fragment) for fragment in raw for where in shown.where(fragment)]
    assert leaks == [], f"unescaped user input in mrkdwn: {leaks[:5]}"
    assert [u for u in shown.urls if "evil.example" in u[1]] == []


@pytest.fixture
def roster(casebook: Casebook) -> None:
    # created before the parallel run, so scheduled syncs are owed to everyone
    load_roster(casebook.deps.sessions, local(date(2026, 11, 1), "09:00", NY))


def _ok(reply: Reply) -> dict[str, Any]:
    body = reply.json if reply.body else {}
    assert reply.status == 200 and body.get("response_action") in (None, "update"), body
    return body


# -- practice --------------------------------------------------------------------------------
def test_practice_justification_fields(casebook: Casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    acks: list[tuple[str, dict[str, Any]]] = []
    for count, verdict in enumerate(("approve", "escalate"), start=1):
        assert slack.command("U0ENG1", "practice").status == 200
        card = open_card(fake, "U0ENG1", count=count)
        click_decision(slack, "U0ENG1", card, verdict)
        values = {k: INJECTION for k in good_values(verdict) if k != "confidence"} | {"confidence": "3"}
        reply = slack.submit("U0ENG1", justify_modal(fake, count=count), values)
        acks.append(("justify", _ok(reply)))
        eventually(lambda n=count: len(fake.messages_in(REVIEW_CHANNEL, top_level=True)) == n)
    assert casebook.deps.dispatcher.wait_idle(10)

    shown = collect(fake, acks=acks)
    assert_clean(shown)
    posts = fake.messages_in(REVIEW_CHANNEL, top_level=True)
    # policy, evidence, risk and conditions (approve) / escalation: each its own section
    assert [texts(p.blocks).count(ESCAPED) for p in posts] == [4, 4]
    decided = [m for m in fake.dms_to("U0ENG1") if m.edited and m.text.startswith("Practice scenario")]
    assert len(decided) == 2 and all(ESCAPED[:200] in texts(m.blocks) for m in decided)
    with transaction(casebook.deps.sessions) as session:
        stored = session.execute(select(Decision.justification)).scalars().all()
    assert all(j["policy"] == INJECTION for j in stored), "stored as typed; escaped only when shown"


# -- live log, its review, and where logged decisions are listed ------------------------------
def _log(slack: Simulator, fake: FakeSlack, values: dict[str, Any]) -> dict[str, Any]:
    view_id = open_log_modal(slack, fake, "U0ENG1")
    return _ok(slack.submit("U0ENG1", view_id, values))


def test_live_log_fields_and_where_they_are_listed(
    casebook: Casebook, roster, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    fields = ("title", "source_text", "policy", "evidence", "risk", "conditions", "escalation")
    values = dict(GOOD, verdict="escalate", **dict.fromkeys(fields, INJECTION))
    values["source_url"] = "https://ggen.example.com/holds/4711?why=<!channel>&x=<script>"
    acks = [("log", _log(slack, fake, values))]
    decision_id = last_decision_id(casebook.deps.sessions)
    post = review_post_for(fake, decision_id)
    receipt = eventually(lambda: [m for m in fake.dms_to("U0ENG1") if m.text.startswith("Recorded")])
    slack.open_home("U0MENTOR")  # the review queue lists the title
    eventually(lambda: "U0MENTOR" in fake.home)
    run = runner(casebook, clock)
    run("daily-sync", local(TUESDAY, "17:46", NY))  # the sync DM lists today's titles
    run("review-reminder", local(date(2026, 11, 18), "10:00", NY))  # past the SLA: the mentor is reminded
    assert casebook.deps.dispatcher.wait_idle(10)

    shown = collect(fake, acks=acks)
    assert_clean(shown)
    assert "&lt;!channel&gt;&amp;x=&lt;script&gt;" in texts(post.blocks)  # the source link, escaped
    # source text and the five justification fields; the title is in the plain-text header
    assert texts(post.blocks).count(ESCAPED) == 6
    assert any(INJECTION[:80] in h["text"]["text"] for h in post.blocks if h["type"] == "header")
    assert ESCAPED in texts(receipt[0].blocks)
    queue = texts(fake.home["U0MENTOR"]["blocks"])  # the queue clips titles at 120 characters
    assert ESCAPED[:100] in queue and INJECTION[:100] not in queue
    sync_dm = next(m for m in fake.dms_to("U0ENG1") if m.text.startswith("Evening sync"))
    assert ESCAPED in texts(sync_dm.blocks)
    reminder = next(m for m in fake.dms_to("U0MENTOR") if "waiting longer" in m.text)
    assert ESCAPED[:100] in texts(reminder.blocks)


def test_review_comments_on_uphold_and_overturn(
    casebook: Casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    acks = []
    for reviewer, action, extra in (
        ("U0LEAD", Action.REVIEW_OVERTURN, {"suggested_verdict": "deny", "failed_parts": ["policy"]}),
        ("U0MENTOR", Action.REVIEW_UPHOLD, {}),
    ):
        acks.append(("log", _log(slack, fake, dict(GOOD, title=INJECTION))))
        decision_id = last_decision_id(casebook.deps.sessions)
        post = review_post_for(fake, decision_id)
        view_id, _ = open_review(slack, fake, user=reviewer, decision_id=decision_id, action=action)
        acks.append(("review", _ok(slack.submit(reviewer, view_id, {"comment": INJECTION, **extra}))))
        eventually(lambda d=decision_id: review_post_for(fake, d).edited)
        eventually(lambda p=post: fake.messages_in(REVIEW_CHANNEL, thread_ts=p.ts))
    assert casebook.deps.dispatcher.wait_idle(10)

    shown = collect(fake, acks=acks)
    assert_clean(shown)
    posts = fake.messages_in(REVIEW_CHANNEL, top_level=True)
    replies = [m for m in fake.messages if m.thread_ts and m.channel == REVIEW_CHANNEL]
    feedback = [m for m in fake.dms_to("U0ENG1") if m.text.startswith("Your decision")]
    notice = [m for m in fake.dms_to("U0MENTOR") if "overturned" in m.text]
    assert len(posts) == len(replies) == len(feedback) == 2 and len(notice) == 1
    for message in [*posts, *replies, *feedback, *notice]:
        assert ESCAPED in texts(message.blocks), message.text
    with transaction(casebook.deps.sessions) as session:
        assert set(session.execute(select(Review.comment)).scalars()) == {INJECTION}


# -- evening sync and survey ---------------------------------------------------------------------
def _open_blockers(slack: Simulator, fake: FakeSlack, dm: Message) -> str:
    """Click *Blockers* on Ada's sync DM: the modal it opens."""
    before = max_view(fake)
    press(slack, "U0ENG1", dm, Action.SYNC_BLOCKERS)
    return latest_view(fake, Callback.SYNC_BLOCKERS, after=before)[0]


def test_sync_blockers(
    casebook: Casebook, roster, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    run = runner(casebook, clock)
    run("daily-sync", local(TUESDAY, "17:46", NY))
    run("daily-sync", local(TUESDAY, "18:50", NY))  # the mentor's overview, an hour after the last ask
    (overview,) = fake.dms_to("U0MENTOR")
    (dm,) = fake.dms_to("U0ENG1")
    blockers = _open_blockers(slack, fake, dm)
    acks = [("sync", _ok(slack.submit("U0ENG1", blockers, {"blockers": INJECTION, "mood": "2"})))]
    eventually(lambda: fake.dms_to("U0ENG1")[0].edited and fake.dms_to("U0MENTOR")[0].edited)
    reopened = fake.views[_open_blockers(slack, fake, dm)]
    assert casebook.deps.dispatcher.wait_idle(10)

    shown = collect(fake, acks=acks)
    assert_clean(shown)
    assert ESCAPED in texts(fake.dms_to("U0ENG1")[0].blocks)
    assert (
        ESCAPED in texts(fake.dms_to("U0MENTOR")[0].blocks) and overview.ts == fake.dms_to("U0MENTOR")[0].ts
    )
    field = next(b for b in reopened["blocks"] if b.get("block_id") == "blockers")
    assert field["element"]["initial_value"] == INJECTION, "a pre-filled input shows exactly what was typed"
    with transaction(casebook.deps.sessions) as session:
        assert session.execute(select(SyncResponse.blockers)).scalar_one() == INJECTION


def _survey_values(casebook: Casebook, comment: str) -> dict[str, str]:
    values = {survey_block(q.id): "4" for q in casebook.deps.program.survey.questions}
    return values | {"survey_comment": comment}


def test_survey_comment(casebook: Casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    acks = []
    for _ in range(1):  # answers are stored apart from who gave them: nothing comes back pre-filled
        before = max_view(fake)
        assert slack.command("U0ENG1", "survey").status == 200
        view_id, _view = latest_view(fake, Callback.SURVEY, after=before)
        acks.append(("survey", _ok(slack.submit("U0ENG1", view_id, _survey_values(casebook, INJECTION)))))

    shown = collect(fake, acks=acks)
    assert_clean(shown)
    assert INJECTION not in shown.mrkdwn_text(), "survey comments are never echoed into messages"
    with transaction(casebook.deps.sessions) as session:
        assert session.execute(select(SurveyAnswer.comment)).scalar_one() == INJECTION


# -- the message shortcut ------------------------------------------------------------------------------
def test_shortcut_message_text(casebook: Casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    alert = {"type": "message", "ts": "1763388000.000100", "text": INJECTION}
    view_id, view = open_alert_form(slack, fake, alert)
    initial = initial_values(view)
    # Slack markup is made readable for the form (mentions and links as text), never kept as markup
    readable = "Alert @channel @here ping @U0ADMIN via #C0CBREVIEW: see click me (http://evil.example) "
    # (in message text Slack sends a typed `&` as `&amp;`: it is decoded back)
    assert initial["source_text"] == readable + "<script>alert(1)</script> & done"
    values = dict(GOOD, title=initial["title"], source_text=initial["source_text"])
    acks = [("shortcut", _ok(slack.submit("U0ENG1", view_id, values)))]
    post = review_post_for(fake, last_decision_id(casebook.deps.sessions))
    assert casebook.deps.dispatcher.wait_idle(10)

    shown = collect(fake, acks=acks)
    assert_clean(shown)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; done" in texts(post.blocks)


# -- commands: arguments that are echoed back, and the reasons and refs that are recorded ----------
# (who, the command with a token in one argument, whether that argument is a person: there a
# real mention is the intended input, so it is not sent as an injection)
ECHOING_COMMANDS: list[tuple[str, Callable[[str], str], bool]] = [
    ("U0ENG1", lambda tok: tok, False),  # an unknown subcommand
    ("U0ENG1", lambda tok: f"practice {tok}", False),
    ("U0ENG1", lambda tok: f"guide {tok}", False),
    ("U0ENG1", lambda tok: f"ooo until {tok}", False),
    ("U0PM", lambda tok: f"metrics {tok}", False),
    ("U0PM", lambda tok: f"incident {tok} 12", False),
    ("U0PM", lambda tok: f"incident P1 {tok}", False),
    ("U0PM", lambda tok: f"incident P1 12 {tok}", False),
    ("U0ADMIN", lambda tok: f"role {tok} engineer", True),
    ("U0ADMIN", lambda tok: f"role <@U0ENG2> {tok}", False),
    ("U0ADMIN", lambda tok: f"mentor {tok} none", True),
    ("U0ADMIN", lambda tok: f"mentor <@U0ENG2> {tok}", True),
    ("U0ADMIN", lambda tok: f"left {tok} moved on", True),
]


def test_command_arguments_echoed_in_errors(
    casebook: Casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    sent = [
        (user, make(tok))
        for user, make, person in ECHOING_COMMANDS
        for tok in TOKENS
        if not (person and tok.startswith("<@"))
    ]
    for user, text in sent:
        assert slack.command(user, text).status == 200
    eventually(lambda: len(fake.responses) == len(sent))

    shown = collect(fake)
    assert_clean(shown, TOKEN_RAW)
    for response in fake.responses:  # each an ephemeral answer quoting the argument back, escaped
        body = texts(response["blocks"])
        assert response["response_type"] == "ephemeral"
        assert "&lt;" in body or "&amp;amp" in body, body
    with transaction(casebook.deps.sessions) as session:
        assert session.execute(select(func.count(Incident.id))).scalar_one() == 0
        people = session.execute(select(Person.slack_user_id, Person.status)).all()
    assert len(people) == 7 and {status for _, status in people} == {"active"}, "nobody added or removed"


def test_left_reason(casebook: Casebook, roster, slack: Simulator, fake: FakeSlack) -> None:
    assert slack.command("U0ADMIN", f"left <@U0ENG2> {INJECTION}").status == 200
    left = confirm_step(slack, fake, "U0ADMIN")  # issue 16: it asks first; the reason is echoed in both

    shown = collect(fake)
    assert_clean(shown)
    assert ESCAPED in texts(left["blocks"])
    with transaction(casebook.deps.sessions) as session:
        gone = session.execute(select(Person).where(Person.slack_user_id == "U0ENG2")).scalar_one()
        assert gone.status == "left" and gone.left_reason == INJECTION


# -- oversized input ---------------------------------------------------------------------------------
def _decisions(casebook: Casebook) -> int:
    with transaction(casebook.deps.sessions) as session:
        return int(session.execute(select(func.count(Decision.id))).scalar_one())


@pytest.mark.parametrize("field", ["policy", "evidence", "risk", "conditions"])
def test_oversized_practice_field_gets_an_inline_error(
    casebook: Casebook, roster, slack: Simulator, fake: FakeSlack, field: str
) -> None:
    assert slack.command("U0ENG1", "practice").status == 200
    click_decision(slack, "U0ENG1", open_card(fake, "U0ENG1"), "approve")
    reply = slack.submit("U0ENG1", justify_modal(fake), good_values("approve") | {field: HUGE})

    assert reply.json["response_action"] == "errors"
    assert reply.json["errors"] == {field: "Keep this under 3000 characters (it has 10000)."}
    assert _decisions(casebook) == 0


@pytest.mark.parametrize(
    ("field", "error"),
    [
        ("title", "Keep the title under 150 characters (it has 10000)."),
        ("source_text", "Keep this under 3000 characters (it has 10000)."),
        ("evidence", "Keep this under 3000 characters (it has 10000)."),
        ("escalation", "Keep this under 3000 characters (it has 10000)."),
    ],
)
def test_oversized_live_field_gets_an_inline_error(
    casebook: Casebook, roster, slack: Simulator, fake: FakeSlack, field: str, error: str
) -> None:
    reply = slack.submit("U0ENG1", open_log_modal(slack, fake), dict(GOOD, **{field: HUGE}))

    assert reply.json == {"response_action": "errors", "errors": {field: error}}
    assert _decisions(casebook) == 0


def test_oversized_review_comment_gets_an_inline_error(
    casebook: Casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    _log(slack, fake, GOOD)
    view_id, _ = open_review(
        slack,
        fake,
        user="U0MENTOR",
        decision_id=last_decision_id(casebook.deps.sessions),
        action=Action.REVIEW_OVERTURN,
    )
    reply = slack.submit(
        "U0MENTOR", view_id, {"suggested_verdict": "deny", "comment": HUGE, "failed_parts": ["policy"]}
    )

    assert reply.json == {
        "response_action": "errors",
        "errors": {"comment": "Keep the comment under 3000 characters (it has 10000)."},
    }
    with transaction(casebook.deps.sessions) as session:
        assert session.execute(select(func.count(Review.id))).scalar_one() == 0


def test_oversized_blockers_and_survey_comment_get_inline_errors(
    casebook: Casebook, roster, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    runner(casebook, clock)("daily-sync", local(TUESDAY, "17:46", NY))
    (dm,) = fake.dms_to("U0ENG1")
    blockers = slack.submit("U0ENG1", _open_blockers(slack, fake, dm), {"blockers": HUGE, "mood": "3"})
    before = max_view(fake)
    slack.command("U0ENG1", "survey")
    survey_view, _ = latest_view(fake, Callback.SURVEY, after=before)
    survey = slack.submit("U0ENG1", survey_view, _survey_values(casebook, HUGE))

    assert blockers.json == {
        "response_action": "errors",
        "errors": {"blockers": "Keep this under 2000 characters (it has 10000)."},
    }
    assert survey.json == {
        "response_action": "errors",
        "errors": {"survey_comment": "Keep the comment under 2000 characters (it has 10000)."},
    }
    with transaction(casebook.deps.sessions) as session:
        assert session.execute(select(func.count(SyncResponse.id))).scalar_one() == 0
        assert session.execute(select(func.count(SurveyResponse.id))).scalar_one() == 0


def test_oversized_leaver_reason_is_refused_naming_it(
    casebook: Casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    assert slack.command("U0ADMIN", f"left <@U0ENG2> {HUGE}").status == 200
    [reply] = eventually(lambda: list(fake.responses))

    assert texts(reply["blocks"]) == ":warning: reason: keep it under 500 characters (it has 10000)."
    with transaction(casebook.deps.sessions) as session:
        assert session.execute(
            select(Person.status).where(Person.slack_user_id == "U0ENG2")
        ).scalar_one() == ("active")


def test_an_oversized_message_is_clipped_in_the_form_with_a_notice(
    casebook: Casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    alert = {"type": "message", "ts": "1763388000.000100", "text": HUGE}
    view_id, view = open_alert_form(slack, fake, alert)
    initial = initial_values(view)

    assert len(initial["source_text"]) == 3000 and initial["source_text"].endswith("…")
    # issue 16: the title prefill is the first sentence (at most 80 characters), never cut with "…"
    assert initial["title"] == "A long justification"
    notes = texts([b for b in view["blocks"] if b["type"] == "context"])
    assert "10,000 characters long; *What was raised* keeps the first 3,000" in notes
    reply = slack.submit(
        "U0ENG1", view_id, dict(GOOD, title=initial["title"], source_text=initial["source_text"])
    )
    assert reply.status == 200 and "response_action" not in reply.json
    with transaction(casebook.deps.sessions) as session:
        assert len(session.execute(select(Decision.source_text)).scalar_one() or "") == 3000


# -- a name people choose themselves ------------------------------------------------------------
def test_a_slack_display_name_is_escaped_wherever_it_is_shown(
    casebook: Casebook, roster, slack: Simulator, fake: FakeSlack
) -> None:
    """Someone onboarded with `/casebook role` gets the name from their Slack profile, which they
    control; it is shown in review posts, DMs, App Home and fallback texts."""
    fake.add_user("U0EVE", INJECTION, "America/New_York")
    for count, text in enumerate(("role <@U0EVE> engineer", "mentor <@U0EVE> <@U0MENTOR>"), start=1):
        assert slack.command("U0ADMIN", text).status == 200
        eventually(lambda n=count: len(fake.responses) == n and "Done" in texts(fake.responses[-1]["blocks"]))
    view_id = open_log_modal(slack, fake, "U0EVE")
    acks = [("log", _ok(slack.submit("U0EVE", view_id, GOOD)))]
    decision_id = last_decision_id(casebook.deps.sessions)
    review_view, _ = open_review(
        slack, fake, user="U0LEAD", decision_id=decision_id, action=Action.REVIEW_OVERTURN
    )
    comment = {
        "suggested_verdict": "deny",
        "comment": "The freeze policy reserves this for the VP.",
        "failed_parts": ["policy"],
    }
    acks.append(("review", _ok(slack.submit("U0LEAD", review_view, comment))))
    eventually(lambda: [m for m in fake.dms_to("U0MENTOR") if "overturned" in m.text])
    for user in ("U0EVE", "U0MENTOR", "U0LEAD"):
        slack.open_home(user)
    eventually(lambda: {"U0EVE", "U0MENTOR", "U0LEAD"} <= set(fake.home))
    slack.command("U0EVE", "help")
    eventually(lambda: len(fake.responses) == 3)
    assert casebook.deps.dispatcher.wait_idle(10)

    assert_clean(collect(fake, acks=acks))
    assert ESCAPED in review_post_for(fake, decision_id).text
    assert ESCAPED in texts(fake.responses[2]["blocks"])  # help: "Hi <name>"
