"""Permissions: every privileged action, attempted over HTTP by each role without the right.

Each row of ``MATRIX`` is one attempt: a signed request (the ``slack`` Simulator) to the
real app, answered through the fake Slack. Every attempt must be refused with a clear
message to the person who tried (ephemeral through ``response_url`` for commands and
clicks; in the form itself for modal submissions) and must leave the database exactly as
it was: every row of every table, audit events and the outbox included, is compared
before and after, and no Web API call may be made. ``CONTROLS`` makes the same attempts
as someone who has the right, to show that each one really would have changed something.

Who may do what (``bot/domain/people.py``, ``reviews.py``, ``assessment.py``):

- review (Uphold / Overturn click, verdict form): mentor, lead, admin; never their own
  decision. Refused: the author, engineer, pilot, PM, a former admin, a stranger; a
  mentor on their own decision.
- readiness sign-off: the engineer's own mentor, any lead or admin. Refused: the
  engineer, another engineer, pilot, PM, another mentor, former admin, stranger.
- ``/casebook report``: pm, admin. ``/casebook metrics``: pm, mentor, lead, admin.
  ``/casebook incident``: mentor, lead, pm, admin. ``/casebook mentor``: admin, lead.
  ``/casebook role`` and ``left``: admin.
  Refused: every other role, a former admin and a stranger.
- a card's buttons and its justification form: the card's owner only; crafted values
  naming someone else's card are refused for everyone else.

The forged forms carry ``private_metadata`` built by the test (``Simulator.submit_view``):
Slack never lets a client change it, so only someone holding the signing secret could
send these; the bot re-checks the permission anyway.

``casebook audit export`` is deliberately not in Slack: it is a CLI for operators who
already hold database access (it exports every event, survey submissions and reasons
included), so that access is its only guard. There is no Slack path to it:
``/casebook audit`` and ``/casebook export`` are unknown subcommands for every role, and
no action, view or shortcut id refers to the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import Casebook
from bot.clock import FixedClock
from bot.db.engine import transaction
from bot.db.models import Base, SyncResponse
from bot.domain import assessment as assessments
from bot.domain.categories import categories_path, load_categories
from bot.domain.live import Prefill
from bot.domain.people import find_by_slack_id
from bot.domain.practice import deal_practice
from bot.domain.reviews import review_post_data
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Reply, Simulator
from bot.slack.blocks.card import justification_modal
from bot.slack.blocks.log_modal import log_modal
from bot.slack.blocks.review_modal import review_modal
from bot.slack.blocks.sync import blockers_modal
from bot.slack.ids import Action, Callback, Shortcut
from bot.slack.metadata import (
    AssessmentValue,
    CardValue,
    DecisionValue,
    JustifyMeta,
    LogMeta,
    ReviewMeta,
    SyncValue,
)
from tests.domain.scenario_fixtures import answer_all
from tests.e2e.cards import good_values
from tests.helpers import eventually, load_roster, settle, texts
from tests.jobs.conftest import NY, local, runner
from tests.live_support import GOOD, justification, make_decision

# Besides the demo roster: a mentor who is not the author's, and an admin who has left.
EXTRA_ROSTER = """slack_user_id,name,email,roles,mentor,timezone,status
U0MENTOR2,Mia Mentor,mia@example.com,mentor,,America/New_York,active
U0GONE,Gus Gone,gus@example.com,admin,,America/New_York,left:2026-11-02:moved to another team
"""
ACTORS = {
    "author": "U0ENG1",  # Ada: whose decision, card and assessment are the targets
    "engineer": "U0ENG2",
    "pilot": "U0PILOT",
    "mentor": "U0MENTOR",  # the author's mentor
    "other mentor": "U0MENTOR2",
    "lead": "U0LEAD",
    "pm": "U0PM",
    "admin": "U0ADMIN",
    "former admin": "U0GONE",  # still holds the admin role, but left the program
    "stranger": "U0STRANGER",  # in the workspace, not on the roster
}
UNKNOWN = "Casebook doesn't know you yet"
NOT_REVIEWER = "Only mentors, leads and admins can review decisions."
OFF_ROSTER = "You're not on the Casebook roster, so you can't review decisions."
OWN = "You can't review your own decision; another mentor or lead will."
NOT_SIGNER = "Only Ada Engineer's mentor or a lead can sign off their readiness."
SIGNER_OFF_ROSTER = "Only a mentor or a lead on the roster can sign off readiness."
NOT_YOURS = "This card belongs to someone else."
NOT_LOGGER = "Logging live decisions is for engineers, pilots, mentors and leads."
LOGGER_OFF_ROSTER = "You're not on the Casebook roster yet"
REVIEW_REFUSALS = {
    "author": NOT_REVIEWER,
    "engineer": NOT_REVIEWER,
    "pilot": NOT_REVIEWER,
    "pm": NOT_REVIEWER,
    "former admin": OFF_ROSTER,
    "stranger": OFF_ROSTER,
}


def only(sub: str, roles: str, *who: str) -> dict[str, str]:
    refused = {name: f"/casebook {sub} is for {roles} only." for name in who}
    return refused | {"former admin": UNKNOWN, "stranger": UNKNOWN}


# attempt -> {who tries it: what they must be told}
REFUSALS: dict[str, dict[str, str]] = {
    "Uphold click (Ada's decision)": REVIEW_REFUSALS,
    "Overturn click (Ada's decision)": REVIEW_REFUSALS,
    "Uphold form (Ada's decision)": REVIEW_REFUSALS,
    "Overturn form (Ada's decision)": REVIEW_REFUSALS,
    "Uphold click (their own decision)": {"mentor": OWN},
    "Overturn form (their own decision)": {"mentor": OWN},
    "Sign off (Ada's assessment)": {
        "author": NOT_SIGNER,
        "engineer": NOT_SIGNER,
        "pilot": NOT_SIGNER,
        "pm": NOT_SIGNER,
        "other mentor": NOT_SIGNER,
        "former admin": SIGNER_OFF_ROSTER,
        "stranger": SIGNER_OFF_ROSTER,
    },
    "/casebook metrics": only("metrics", "admin, lead, mentor, pm", "engineer", "pilot"),
    "/casebook report": only("report", "admin, pm", "engineer", "pilot", "mentor", "lead"),
    # U0ENG2 is also the target: an engineer trying to make themself admin
    "/casebook role": only("role", "admin", "engineer", "pilot", "mentor", "lead", "pm"),
    "/casebook mentor": only("mentor", "admin, lead", "engineer", "pilot", "mentor", "pm"),
    "/casebook left": only("left", "admin", "engineer", "pilot", "mentor", "lead", "pm"),
    "/casebook incident": only("incident", "admin, lead, mentor, pm", "engineer", "pilot"),
    "Handle as exception shortcut": {
        "pm": NOT_LOGGER,
        "admin": NOT_LOGGER,
        "former admin": LOGGER_OFF_ROSTER,
        "stranger": LOGGER_OFF_ROSTER,
    },
    "live decision form (never opened)": {
        who: "Only engineers, pilots, mentors and leads on the roster can log live decisions."
        for who in ("pm", "admin", "former admin", "stranger")
    },
    "card button (Ada's card)": {who: NOT_YOURS for who in ACTORS if who != "author"},
    "justification form (Ada's card)": {who: NOT_YOURS for who in ACTORS if who != "author"},
}
# attempt -> who has the right (each must change something, or show what was asked for)
CONTROLS: dict[str, str] = {
    "Uphold click (Ada's decision)": "mentor",
    "Overturn click (Ada's decision)": "lead",
    "Uphold form (Ada's decision)": "mentor",
    "Overturn form (Ada's decision)": "admin",
    "Sign off (Ada's assessment)": "mentor",
    "/casebook metrics": "pm",
    "/casebook report": "pm",
    "/casebook role": "admin",
    "/casebook mentor": "lead",
    "/casebook left": "admin",
    "/casebook incident": "pm",
    "Handle as exception shortcut": "author",
    "live decision form (never opened)": "author",
    "card button (Ada's card)": "author",
    "justification form (Ada's card)": "author",
}


@dataclass(frozen=True)
class Case:
    action: str
    who: str
    says: str  # what the refusal must say

    def __str__(self) -> str:
        return f"{self.action} by {self.who}"


MATRIX = [Case(action, who, says) for action, refused in REFUSALS.items() for who, says in refused.items()]


# -- the database, all of it -------------------------------------------------------------
def snapshot(casebook: Casebook) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order (after the inbox and the outbox have settled).

    The inbox is left out: it is the receipt of every request, refused or not (a request log),
    and the refusal is decided when its work runs."""
    assert settle(casebook)
    assert casebook.deps.dispatcher.wait_idle(10)
    with casebook.deps.engine.connect() as conn:
        return {
            table.name: [
                tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
            if table.name != "inbox"
        }


def changed_tables(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# -- what the attempts are aimed at --------------------------------------------------------
class Targets:
    """Someone else's decision, card and passed assessment, built through the domain on demand."""

    def __init__(self, casebook: Casebook, now: Any) -> None:
        self.casebook, self.now = casebook, now
        self._decision: int | None = None
        self._own: int | None = None
        self._card: int | None = None
        self._assessment: int | None = None

    @property
    def decision(self) -> int:
        if self._decision is None:
            self._decision = make_decision(self.casebook.deps.sessions, now=self.now, user=ACTORS["author"])
        return self._decision

    @property
    def own_decision(self) -> int:
        """A live decision the mentor logged themself."""
        if self._own is None:
            self._own = make_decision(self.casebook.deps.sessions, now=self.now, user=ACTORS["mentor"])
        return self._own

    @property
    def card(self) -> int:
        if self._card is None:
            deps = self.casebook.deps
            assert deps.library is not None
            with transaction(deps.sessions) as session:
                author = find_by_slack_id(session=session, slack_user_id=ACTORS["author"])
                assert author is not None
                dealt = deal_practice(
                    session=session,
                    now=self.now,
                    person_id=author.id,
                    categories=deps.library.category_ids,
                    category=None,
                )
                self._card = dealt.assignment.id
        return self._card

    @property
    def assessment(self) -> int:
        if self._assessment is None:
            self._assessment = passed_assessment(self.casebook, self.now, ACTORS["author"])
        return self._assessment


def passed_assessment(casebook: Casebook, now: Any, slack_id: str) -> int:
    """A completed assessment answered all correctly, awaiting sign-off."""
    deps = casebook.deps
    assert deps.library is not None
    with transaction(deps.sessions) as session:
        person = find_by_slack_id(session=session, slack_user_id=slack_id)
        assert person is not None
        started = assessments.start_assessment(
            session=session,
            now=now,
            person_id=person.id,
            actor=slack_id,
            categories=deps.library.category_ids,
            size=deps.program.practice.assessment_size,
        )
        assessment = started.assessment
        answer_all(
            session,
            now=now,
            assessment=assessment,
            good=len(assessment.plan),
            actor=slack_id,
            justification=justification(),
        )
        result = assessments.complete(
            session=session,
            now=now,
            assessment=assessment,
            threshold=deps.program.thresholds.assessment_pass,
            actor=slack_id,
        )
        assert result is not None and result.passed
        return assessment.id


# -- the attempts ----------------------------------------------------------------------------
@dataclass
class Env:
    casebook: Casebook
    slack: Simulator
    fake: FakeSlack
    targets: Targets


def _dm(user: str) -> str:
    return "D" + user[1:]


def _review_click(env: Env, user: str, action: str, decision_id: int) -> Reply:
    return env.slack.click(
        user,
        action_id=action,
        value=DecisionValue(decision_id=decision_id).dump(),
        block_id="review_actions",
        channel="C0CBREVIEW",
        message_ts="1763388000.000100",
    )


def _review_form(env: Env, user: str, verdict: str, decision_id: int) -> Reply:
    """The verdict form as the bot would build it, submitted by ``user`` without ever being opened."""
    with transaction(env.casebook.deps.sessions) as session:
        data = review_post_data(session=session, decision_id=decision_id)
    meta = ReviewMeta(decision_id=decision_id, verdict=verdict, channel="C0CBREVIEW")
    view = review_modal(data=data, meta=meta).to_dict()
    values = {"comment": "Reviewed against the freeze policy; the call stands as made."}
    if verdict == "overturn":
        values["suggested_verdict"] = "deny"
        values["failed_parts"] = ["policy"]
    return env.slack.submit_view(user, view, values)


def _sign_off(env: Env, user: str) -> Reply:
    return env.slack.click(
        user,
        action_id=Action.SIGN_OFF,
        value=AssessmentValue(assessment_id=env.targets.assessment).dump(),
        channel=_dm(user),
        message_ts="1763388000.000200",
    )


def _card_click(env: Env, user: str) -> Reply:
    return env.slack.click(
        user,
        action_id=Action.DECIDE_APPROVE,
        value=CardValue(assignment_id=env.targets.card).dump(),
        block_id="card_actions",
        channel=_dm(user),
        message_ts="1763388000.000300",
    )


def _shortcut(env: Env, user: str) -> Reply:
    alert = {"type": "message", "ts": "1763388000.000400", "text": "ggen: orders-db forced replacement"}
    return env.slack.message_shortcut(
        user, callback_id=Shortcut.HANDLE_AS_EXCEPTION, channel="C0ALERTS", message=alert
    )


def _log_form(env: Env, user: str) -> Reply:
    """The live-decision form as the bot builds it, submitted without ever being opened."""
    categories = load_categories(categories_path(env.casebook.deps.settings.casebook_scenarios))
    view = log_modal(categories=categories, prefill=Prefill(), meta=LogMeta(source="command")).to_dict()
    return env.slack.submit_view(user, view, GOOD)


def _justify(env: Env, user: str) -> Reply:
    meta = JustifyMeta(assignment_id=env.targets.card, verdict="approve", channel=_dm(user))
    view = justification_modal(meta=meta, title="Someone else's scenario").to_dict()
    return env.slack.submit_view(user, view, good_values("approve"))


@dataclass(frozen=True)
class Attempt:
    run: Callable[[Env, str], Reply]
    target: str | None = None  # the Targets property it needs, built before the "before" snapshot
    form: bool = False  # a modal submission: answered in the HTTP reply, not through response_url


def _command(text: str) -> Attempt:
    return Attempt(lambda env, user: env.slack.command(user, text))


def _confirmed(env: Env, user: str, text: str) -> Reply:
    """A command with a confirm step (issue 16): when it asks, click *Confirm* like the person would."""
    reply = env.slack.command(user, text)
    [first] = eventually(lambda: list(env.fake.responses))
    if any(b.get("block_id") == "confirm_step" for b in first.get("blocks") or []):
        button = next(b for b in first["blocks"] if b.get("block_id") == "confirm_step")["elements"][0]
        return env.slack.click(
            user, action_id=button["action_id"], value=button["value"], channel="C0CBGENERAL", ephemeral=True
        )
    return reply


def _confirmed_command(text: str) -> Attempt:
    return Attempt(lambda env, user: _confirmed(env, user, text))


ATTEMPTS: dict[str, Attempt] = {
    "Uphold click (Ada's decision)": Attempt(
        lambda env, user: _review_click(env, user, Action.REVIEW_UPHOLD, env.targets.decision), "decision"
    ),
    "Overturn click (Ada's decision)": Attempt(
        lambda env, user: _review_click(env, user, Action.REVIEW_OVERTURN, env.targets.decision), "decision"
    ),
    "Uphold form (Ada's decision)": Attempt(
        lambda env, user: _review_form(env, user, "uphold", env.targets.decision), "decision", form=True
    ),
    "Overturn form (Ada's decision)": Attempt(
        lambda env, user: _review_form(env, user, "overturn", env.targets.decision), "decision", form=True
    ),
    "Uphold click (their own decision)": Attempt(
        lambda env, user: _review_click(env, user, Action.REVIEW_UPHOLD, env.targets.own_decision),
        "own_decision",
    ),
    "Overturn form (their own decision)": Attempt(
        lambda env, user: _review_form(env, user, "overturn", env.targets.own_decision),
        "own_decision",
        form=True,
    ),
    "Sign off (Ada's assessment)": Attempt(_sign_off, "assessment"),
    "/casebook metrics": _command("metrics"),
    "/casebook report": _command("report"),
    "/casebook role": _confirmed_command("role <@U0ENG2> admin"),
    "/casebook mentor": _command("mentor <@U0ENG2> <@U0LEAD>"),
    "/casebook left": _confirmed_command("left <@U0ENG2> moved to the SRE team"),
    "/casebook incident": _command("incident P1 12 INC-4711"),
    "Handle as exception shortcut": Attempt(_shortcut),
    "live decision form (never opened)": Attempt(_log_form, form=True),
    "card button (Ada's card)": Attempt(_card_click, "card"),
    "justification form (Ada's card)": Attempt(_justify, "card", form=True),
}


def refusal_text(attempt: Attempt, reply: Reply, fake: FakeSlack, user: str) -> str:
    """What the person was told: in the form, in the one DM to them, or in the one ephemeral reply.

    A form's pure checks answer in the form; whose card or decision it is, and whether the
    person is still active, is the database's to say, after the ack (issue 14): by DM."""
    if attempt.form:
        body = reply.json if reply.body else {}
        if body.get("response_action") == "errors":
            return "\n".join(body["errors"].values())
        assert "response_action" not in body, body
        [dm] = eventually(lambda: fake.dms_to(user))
        return dm.text
    [response] = eventually(lambda: list(fake.responses))
    assert response["response_type"] == "ephemeral" and response.get("replace_original") is False
    return texts(response.get("blocks") or []) + "\n" + str(response.get("text"))


@pytest.fixture
def env(casebook: Casebook, slack: Simulator, fake: FakeSlack, clock) -> Env:
    fake.add_user("U0MENTOR2", "Mia Mentor", "America/New_York")
    fake.add_user("U0GONE", "Gus Gone", "America/New_York")
    load_roster(casebook.deps.sessions, clock.now())
    load_roster(casebook.deps.sessions, clock.now(), EXTRA_ROSTER)
    return Env(casebook, slack, fake, Targets(casebook, clock.now()))


def _prepare(env: Env, attempt: Attempt) -> tuple[dict[str, list[tuple[Any, ...]]], int]:
    if attempt.target:
        getattr(env.targets, attempt.target)
    return snapshot(env.casebook), len(env.fake.calls)


@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_refused_with_a_clear_message_and_nothing_changes(env: Env, case: Case) -> None:
    attempt = ATTEMPTS[case.action]
    before, calls_before = _prepare(env, attempt)

    reply = attempt.run(env, ACTORS[case.who])

    assert reply.status == 200 and b"Traceback" not in reply.body
    told = refusal_text(attempt, reply, env.fake, ACTORS[case.who])
    assert case.says in told, told
    told_by_dm = attempt.form and not (reply.body and reply.json.get("response_action"))
    # the DM of a refused form is the one thing sent, through the delivery ledger
    assert changed_tables(before, snapshot(env.casebook)) == (["deliveries"] if told_by_dm else [])
    sent = [c.method for c in env.fake.calls[calls_before:]]
    assert sent == (["chat.postMessage"] if told_by_dm else []), "nothing else was sent to Slack"
    assert len(env.fake.responses) <= 1, "one answer, to the person who tried"


AUDITED = ("audit_events", "audit_head")
# what an allowed attempt changes (tables), or which Web API call it makes
EFFECTS: dict[str, tuple[set[str], str | None]] = {
    "Uphold click (Ada's decision)": (set(), "views.open"),
    "Overturn click (Ada's decision)": (set(), "views.open"),
    "Uphold form (Ada's decision)": ({"reviews", "decisions", *AUDITED, "deliveries"}, None),
    "Overturn form (Ada's decision)": (
        {"reviews", "review_reasons", "decisions", *AUDITED, "deliveries"},
        None,
    ),
    "Sign off (Ada's assessment)": ({"assessments", *AUDITED, "deliveries"}, None),
    "/casebook metrics": (set(), None),
    "/casebook report": ({"deliveries", *AUDITED}, "files.completeUploadExternal"),
    "/casebook role": ({"person_roles", *AUDITED}, None),
    "/casebook mentor": ({"mentor_pairs", *AUDITED}, None),
    "/casebook left": ({"people", *AUDITED}, None),
    "/casebook incident": ({"incidents", *AUDITED}, None),
    "Handle as exception shortcut": (set(), "views.open"),
    # an approval also joins the exception expiry register (issue 18)
    "live decision form (never opened)": ({"decisions", *AUDITED, "deliveries", "exception_register"}, None),
    "card button (Ada's card)": ({"assignments"}, "views.open"),
    "justification form (Ada's card)": ({"decisions", *AUDITED, "deliveries"}, None),
}


@pytest.mark.parametrize(("action", "who"), CONTROLS.items(), ids=lambda v: str(v))
def test_the_same_attempt_by_someone_with_the_right_goes_through(env: Env, action: str, who: str) -> None:
    attempt = ATTEMPTS[action]
    before, calls_before = _prepare(env, attempt)

    reply = attempt.run(env, ACTORS[who])

    assert reply.status == 200
    if attempt.form:
        assert "response_action" not in (reply.json if reply.body else {}), reply.body
    tables, call = EFFECTS[action]

    def done() -> bool:
        answered = bool(env.fake.responses) or not action.startswith("/casebook")
        called = call is None or call in [c.method for c in env.fake.calls[calls_before:]]
        return answered and called and set(changed_tables(before, snapshot(env.casebook))) == tables

    try:
        eventually(done)
    except AssertionError:
        raise AssertionError(f"changed: {changed_tables(before, snapshot(env.casebook))}") from None
    refusals = set(REFUSALS[action].values())
    said = [texts(r.get("blocks") or []) for r in env.fake.responses]
    assert not [t for t in said if any(r in t for r in refusals)], said


@pytest.mark.parametrize("text", ["audit", "export", "audit export --format csv", "AUDIT verify"])
def test_audit_export_has_no_slack_path(env: Env, text: str) -> None:
    """The audit trail is exported by `casebook audit export` only (operators with database access)."""
    for user in ACTORS.values():
        assert env.slack.command(user, text).status == 200
    answers = eventually(lambda: len(env.fake.responses) == len(ACTORS) and list(env.fake.responses))
    told = {env.fake.response_origins[r["_key"]]["user"]: texts(r["blocks"]) for r in answers}
    sub = text.split()[0].lower()
    for who, user in ACTORS.items():
        expected = UNKNOWN if who in ("former admin", "stranger") else f"I don't know `{sub}`"
        assert expected in told[user], (who, told[user])
    assert env.fake.calls == [], "nothing was exported, uploaded or posted"
    assert not {"audit", "export"} & set(env.casebook.deps.router.names())
    ids = [*Action, *Callback, *Shortcut]
    assert not [i for i in ids if "audit" in i or "export" in i]


def test_a_forged_sync_form_cannot_edit_someone_elses_message(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock: FixedClock
) -> None:
    """The blockers form says which DM to update; a crafted one naming another person's DM
    records the sender's own answer and edits nothing else."""
    load_roster(casebook.deps.sessions, local(date(2026, 11, 1), "09:00", NY))
    runner(casebook, clock)("daily-sync", local(date(2026, 11, 17), "17:46", NY))
    (victim,) = fake.dms_to("U0PILOT")
    (own,) = fake.dms_to("U0ENG1")
    forged = SyncValue(day="2026-11-17", channel=victim.channel, message_ts=victim.ts)
    reply = slack.submit_view(
        "U0ENG1", blockers_modal(forged).to_dict(), {"blockers": "VPN is down", "mood": "2"}
    )

    assert reply.status == 200 and not reply.body.strip(b"{}")
    with transaction(casebook.deps.sessions) as session:
        (answer,) = session.execute(select(SyncResponse)).scalars()
        sender = find_by_slack_id(session=session, slack_user_id="U0ENG1")
        assert sender is not None and answer.person_id == sender.id
    assert casebook.deps.dispatcher.wait_idle(10)
    assert victim.edited == 0 and "VPN" not in texts(victim.blocks)
    # the genuine location still works: the sender's own DM is updated
    genuine = SyncValue(day="2026-11-17", channel=own.channel, message_ts=own.ts)
    slack.submit_view(
        "U0ENG1", blockers_modal(genuine).to_dict(), {"blockers": "VPN is still down", "mood": "2"}
    )
    eventually(lambda: own.edited and "VPN is still down" in texts(own.blocks))
    assert victim.edited == 0


def test_when_the_form_cannot_be_stored_it_stays_open_and_nothing_is_kept(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form is stored in the inbox before the ack (its owner is checked from there); if the
    database fails at that insert, the person keeps their typed justification and is told to try again."""
    from sqlalchemy.exc import OperationalError

    from bot.domain import inbox

    def down(*args: Any, **kwargs: Any) -> bool:
        raise OperationalError("INSERT INTO inbox", {}, Exception("server closed the connection"))

    attempt = ATTEMPTS["justification form (Ada's card)"]
    before, _ = _prepare(env, attempt)
    monkeypatch.setattr(inbox, "receive", down)

    reply = attempt.run(env, ACTORS["author"])

    assert reply.json["response_action"] == "errors"
    assert "nothing was saved" in reply.json["errors"]["policy"]
    assert changed_tables(before, snapshot(env.casebook)) == []
