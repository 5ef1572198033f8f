"""Every interactive entry point, driven as every role, a leaver and a stranger (issue 15 item 3).

Extends the permission matrix of ``test_permissions.py`` (same roster, actors and database
snapshot): ``ENTRY_POINTS`` has one row per action id, view callback id, shortcut and
``/casebook`` subcommand, saying who may use it. Each refused actor sends the request with
forged values and metadata built by the test; it must write nothing (one note to the person
who tried is the only ledger row allowed), send nothing to anyone else, and tell them why.
``test_every_entry_point_has_a_row`` fails when a new id or subcommand is added without one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from bot.db.engine import transaction
from bot.db.models import Decision, Delivery
from bot.domain.blind_reviews import assign_blind_review, blind_card_data
from bot.domain.exception_register import entry_view, register_approval
from bot.domain.policy_feedback import RulePrefill
from bot.domain.post_survey import questions as post_questions
from bot.flows.cards import NOTE_JOB
from bot.sandbox.simulator import Reply
from bot.slack.blocks.blind_review import blind_modal
from bot.slack.blocks.expiry import answer_modal
from bot.slack.blocks.lessons import lesson_modal
from bot.slack.blocks.policy_feedback import flag_modal
from bot.slack.blocks.reflections import reflection_modal
from bot.slack.blocks.survey import survey_modal
from bot.slack.blocks.sync import blockers_modal
from bot.slack.blocks.training import correction_modal
from bot.slack.ids import Action, Callback, Shortcut, reflection_block, survey_block
from bot.slack.metadata import (
    BlindMeta,
    CardValue,
    CategoryValue,
    CheckinValue,
    DecisionValue,
    ExpiryValue,
    FeedbackValue,
    FlagMeta,
    FlagValue,
    LabValue,
    LeaverValue,
    LessonValue,
    MilestoneValue,
    NextValue,
    ProposalValue,
    ReflectionValue,
    RolesValue,
    SurveyValue,
    SyncValue,
)
from tests.helpers import eventually, load_roster, texts
from tests.jobs.conftest import NY
from tests.live_support import make_decision
from tests.security.test_permissions import (
    ACTORS,
    ATTEMPTS,
    EXTRA_ROSTER,
    Env,
    Targets,
    changed_tables,
    snapshot,
)

TODAY = "2026-11-17"  # the test clock's day in New York
WEEK = "2026-W47"
ROSTERED = set(ACTORS) - {"former admin", "stranger"}
ENGINEERS = {"author", "engineer", "pilot"}
PRACTITIONERS = ENGINEERS | {"mentor", "other mentor", "lead"}
REVIEWERS = {"mentor", "other mentor", "lead", "admin"}
ANSWERS = {"clarity": "4", "support": "5", "tools": "3", "workload": "2", "confidence": "5"}


class MoreTargets(Targets):
    """test_permissions' targets plus issue 18's: a blind second review and an exception to answer."""

    _blind: int | None = None
    _exception: int | None = None

    @property
    def blind_decision(self) -> int:
        """An approval of Ada's whose blind second review is the other mentor's (the pick hashes the id)."""
        sessions = self.casebook.deps.sessions
        for i in range(40):
            if self._blind is not None:
                break
            decision_id = make_decision(
                sessions, now=self.now, user=ACTORS["author"], title=f"blind target {i}"
            )
            with transaction(sessions) as session:
                got = assign_blind_review(session=session, now=self.now, decision_id=decision_id, share=1.0)
            if got is not None and got.reviewer_slack_id == ACTORS["other mentor"]:
                self._blind = decision_id
        assert self._blind is not None
        return self._blind

    @property
    def exception(self) -> int:
        """Ada's approval in the exception register, waiting for her answer at expiry."""
        if self._exception is None:
            decision_id = self.decision
            with transaction(self.casebook.deps.sessions) as session:
                decision = session.get(Decision, decision_id)
                assert decision is not None
                entry = register_approval(session=session, now=self.now, decision=decision, tz=NY)
                assert entry is not None
                self._exception = entry.id
        return self._exception


@pytest.fixture
def env(casebook, slack, fake, clock) -> Env:
    """The roster and targets of test_permissions."""
    fake.add_user("U0MENTOR2", "Mia Mentor", "America/New_York")
    fake.add_user("U0GONE", "Gus Gone", "America/New_York")
    load_roster(casebook.deps.sessions, clock.now())
    load_roster(casebook.deps.sessions, clock.now(), EXTRA_ROSTER)
    return Env(casebook, slack, fake, MoreTargets(casebook, clock.now()))


def _dm(user: str) -> str:
    return "D" + user[1:]


def _click(action: str, value: str | None, *, home: bool = False) -> Callable[[Env, str], Reply]:
    def run(env: Env, user: str) -> Reply:
        if home:
            return env.slack.click_home(user, action_id=action, value=value)
        return env.slack.click(
            user, action_id=action, value=value, channel=_dm(user), message_ts="1763388000.000900"
        )

    return run


def _card(action: str) -> Callable[[Env, str], Reply]:
    def run(env: Env, user: str) -> Reply:
        return env.slack.click(
            user,
            action_id=action,
            value=CardValue(assignment_id=env.targets.card).dump(),
            block_id="card_actions",
            channel=_dm(user),
            message_ts="1763388000.000300",
        )

    return run


def _survey_form(env: Env, user: str) -> Reply:
    program = env.casebook.deps.program
    view = survey_modal(
        week=WEEK, questions=program.survey.questions, minimum=program.thresholds.survey_anonymity_min
    ).to_dict()
    values: dict[str, str | None] = {survey_block(k): v for k, v in ANSWERS.items()}
    values["survey_comment"] = "forged"
    return env.slack.submit_view(user, view, values)


def _post_survey_form(env: Env, user: str) -> Reply:
    program = env.casebook.deps.program
    view = survey_modal(
        week=WEEK, questions=post_questions(program), minimum=3, callback_id=Callback.POST_SURVEY
    ).to_dict()
    values: dict[str, str | None] = {survey_block(q.id): "4" for q in post_questions(program)}
    return env.slack.submit_view(user, view, values | {"survey_comment": "forged"})


def _reflection_form(env: Env, user: str) -> Reply:
    questions = env.casebook.deps.program.voices.reflections.questions
    view = reflection_modal(day=date(2026, 11, 6), questions=questions, initial=None, shared=True).to_dict()
    values: dict[str, object] = {reflection_block(q.id): "A forged reflection text" for q in questions}
    return env.slack.submit_view(user, view, values | {"reflection_share": ["share"]})


def _lesson_form(env: Env, user: str) -> Reply:
    view = lesson_modal(week=WEEK, kind="was_hard").to_dict()
    return env.slack.submit_view(
        user, view, {"lesson_text": "forged lesson", "lesson_attribution": "anonymous"}
    )


def _blockers_form(env: Env, user: str) -> Reply:
    view = blockers_modal(SyncValue(day=TODAY, channel=_dm(user), message_ts="1763388000.000500")).to_dict()
    return env.slack.submit_view(user, view, {"blockers": "forged blocker", "mood": "1"})


def _correction_form(env: Env, user: str) -> Reply:
    view = correction_modal(sessions=[("w9-mon-am", "Mon")], people=[("U0ENG1", "Ada")]).to_dict()
    values = {"training_session": "w9-mon-am", "training_mentee": "U0ENG1", "training_status": "absent"}
    return env.slack.submit_view(user, view, values)


def _blind_click(action: str) -> Callable[[Env, str], Reply]:
    def run(env: Env, user: str) -> Reply:
        value = DecisionValue(decision_id=env.targets.blind_decision).dump()  # type: ignore[attr-defined]
        return env.slack.click(
            user, action_id=action, value=value, channel=_dm(user), message_ts="1763388000.000700"
        )

    return run


def _blind_form(env: Env, user: str) -> Reply:
    decision_id = env.targets.blind_decision  # type: ignore[attr-defined]
    with transaction(env.casebook.deps.sessions) as session:
        data = blind_card_data(session=session, decision_id=decision_id)
    view = blind_modal(data=data, meta=BlindMeta(decision_id=decision_id, verdict="uphold")).to_dict()
    return env.slack.submit_view(user, view, {"comment": "forged"})


def _expiry_click(env: Env, user: str) -> Reply:
    value = ExpiryValue(entry_id=env.targets.exception).dump()  # type: ignore[attr-defined]
    return env.slack.click(
        user, action_id=Action.EXPIRY_ANSWER, value=value, channel=_dm(user), message_ts="1763388000.000800"
    )


def _expiry_form(env: Env, user: str) -> Reply:
    with transaction(env.casebook.deps.sessions) as session:
        entry = entry_view(session=session, entry_id=env.targets.exception)  # type: ignore[attr-defined]
    view = answer_modal(entry).to_dict()
    return env.slack.submit_view(user, view, {"expiry_met": "no", "expiry_outcome": "rolled_back"})


def _existing(name: str) -> Callable[[Env, str], Reply]:
    """An attempt of test_permissions (its forged values and targets)."""
    attempt = ATTEMPTS[name]

    def run(env: Env, user: str) -> Reply:
        if attempt.target:
            getattr(env.targets, attempt.target)
        return attempt.run(env, user)

    return run


@dataclass(frozen=True)
class Row:
    run: Callable[[Env, str], Reply]
    allowed: set[str]  # who may use it (everyone else is refused)
    target: str | None = None  # a Targets property to build before the snapshot


SYNC = SyncValue(day=TODAY).dump()
FEEDBACK = FeedbackValue(feedback_id=999).dump()  # refused before it is looked up


def _flag_click(env: Env, user: str) -> Reply:
    value = FlagValue(source="card", id=env.targets.card).dump()
    return env.slack.click(
        user, action_id=Action.FLAG_POLICY, value=value, channel=_dm(user), message_ts="1763388000.000300"
    )


def _flag_form(env: Env, user: str) -> Reply:
    """A forged flag form naming Ada's card (it may be a held-out assessment card)."""
    view = flag_modal(meta=FlagMeta(source="card", id=env.targets.card), prefill=RulePrefill()).to_dict()
    values = {
        "flag_rule": "forged rule",
        "flag_problem": "forged problem text",
        "flag_proposal": "forged proposal",
    }
    return env.slack.submit_view(user, view, values)


def _reject_form(env: Env, user: str) -> Reply:
    view = {
        "type": "modal",
        "callback_id": Callback.FEEDBACK_REJECT,
        "title": {"type": "plain_text", "text": "Reject feedback"},
        "private_metadata": FEEDBACK,
        "blocks": [
            {
                "type": "input",
                "block_id": "reject_reason",
                "label": {"type": "plain_text", "text": "Why"},
                "element": {"type": "plain_text_input", "action_id": "reject_reason"},
            }
        ],
    }
    return env.slack.submit_view(user, view, {"reject_reason": "forged reason, long enough"})


PROPOSAL = ProposalValue(proposal_id=1).dump()
ENTRY_POINTS: dict[str, Row] = {
    # actions
    Action.DECIDE_APPROVE: Row(_card(Action.DECIDE_APPROVE), {"author"}, "card"),
    Action.DECIDE_DENY: Row(_card(Action.DECIDE_DENY), {"author"}, "card"),
    Action.DECIDE_ESCALATE: Row(_card(Action.DECIDE_ESCALATE), {"author"}, "card"),
    Action.NEXT_SCENARIO: Row(_click(Action.NEXT_SCENARIO, NextValue(after=0).dump()), PRACTITIONERS),
    Action.SHOW_GUIDE: Row(_click(Action.SHOW_GUIDE, CategoryValue(category="x").dump()), ROSTERED),
    Action.HOME_PRACTICE: Row(
        _click(Action.HOME_PRACTICE, NextValue(after=0).dump(), home=True), PRACTITIONERS
    ),
    Action.HOME_ASSESS: Row(_click(Action.HOME_ASSESS, None, home=True), ENGINEERS),
    Action.HOME_LOG: Row(_click(Action.HOME_LOG, None, home=True), PRACTITIONERS),
    Action.HOME_SURVEY: Row(_click(Action.HOME_SURVEY, SurveyValue(week=WEEK).dump(), home=True), ENGINEERS),
    Action.SIGN_OFF: Row(_existing("Sign off (Ada's assessment)"), {"mentor", "lead", "admin"}, "assessment"),
    Action.REVIEW_UPHOLD: Row(_existing("Uphold click (Ada's decision)"), REVIEWERS, "decision"),
    Action.REVIEW_OVERTURN: Row(_existing("Overturn click (Ada's decision)"), REVIEWERS, "decision"),
    Action.SYNC_ALL_GOOD: Row(_click(Action.SYNC_ALL_GOOD, SYNC), ENGINEERS),
    Action.SYNC_BLOCKERS: Row(_click(Action.SYNC_BLOCKERS, SYNC), ENGINEERS),
    Action.SURVEY_OPEN: Row(_click(Action.SURVEY_OPEN, SurveyValue(week=WEEK).dump()), ENGINEERS),
    # The test's week is past the training weeks: every check-in is closed, so refused for everyone.
    Action.TRAINING_HERE: Row(_click(Action.TRAINING_HERE, CheckinValue(session="w10-fri").dump()), set()),
    Action.TRAINING_AWAY: Row(_click(Action.TRAINING_AWAY, CheckinValue(session="w10-fri").dump()), set()),
    Action.TRAINING_LAB_DONE: Row(
        _click(Action.TRAINING_LAB_DONE, LabValue(lab="m1-lab1").dump(), home=True), ENGINEERS
    ),
    Action.TRAINING_SIGN_OFF: Row(
        _click(
            Action.TRAINING_SIGN_OFF,
            MilestoneValue(slack_user_id="U0ENG1", milestone="real_exceptions").dump(),
            home=True,
        ),
        {"mentor", "lead", "admin"},
    ),
    Action.TRAINING_CORRECT: Row(_click(Action.TRAINING_CORRECT, None, home=True), REVIEWERS),
    Action.OPEN_LINK: Row(_click(Action.OPEN_LINK, None), set(ACTORS)),  # acknowledged, nothing else
    # issue 18: a blind second review is only its reviewer's; an expiry answer only the engineer's
    Action.BLIND_UPHOLD: Row(_blind_click(Action.BLIND_UPHOLD), {"other mentor"}, "blind_decision"),
    Action.BLIND_OVERTURN: Row(_blind_click(Action.BLIND_OVERTURN), {"other mentor"}, "blind_decision"),
    Action.EXPIRY_ANSWER: Row(_expiry_click, {"author"}, "exception"),
    # confirm steps (issue 16): the click is checked again, whatever the step showed
    Action.ROLE_CONFIRM: Row(
        _click(Action.ROLE_CONFIRM, RolesValue(slack_user_id="U0ENG2", roles=["lead"]).dump()), {"admin"}
    ),
    Action.LEFT_CONFIRM: Row(
        _click(Action.LEFT_CONFIRM, LeaverValue(slack_user_id="U0ENG2", reason="forged").dump()), {"admin"}
    ),
    Action.ASSESS_CONFIRM: Row(_click(Action.ASSESS_CONFIRM, None), ENGINEERS),
    Action.CONFIRM_CANCEL: Row(_click(Action.CONFIRM_CANCEL, None), set(ACTORS)),  # changes nothing
    # issue 17: reflections, wrap-up lessons, the post-switchover survey
    Action.REFLECTION_OPEN: Row(
        _click(Action.REFLECTION_OPEN, ReflectionValue(day=date(2026, 11, 6)).dump()), ENGINEERS
    ),
    Action.LESSON_WENT_WELL: Row(
        _click(Action.LESSON_WENT_WELL, LessonValue(week=WEEK, kind="went_well").dump()), PRACTITIONERS
    ),
    Action.LESSON_WAS_HARD: Row(
        _click(Action.LESSON_WAS_HARD, LessonValue(week=WEEK, kind="was_hard").dump()), PRACTITIONERS
    ),
    Action.POST_SURVEY_OPEN: Row(
        _click(Action.POST_SURVEY_OPEN, SurveyValue(week=WEEK).dump()), PRACTITIONERS
    ),
    # policy feedback: flag a card's rule (its owner only); the leads' queue (leads and admins)
    Action.FLAG_POLICY: Row(_flag_click, {"author"}, "card"),
    Action.FEEDBACK_ACCEPT: Row(_click(Action.FEEDBACK_ACCEPT, FEEDBACK, home=True), {"lead", "admin"}),
    Action.FEEDBACK_DONE: Row(_click(Action.FEEDBACK_DONE, FEEDBACK, home=True), {"lead", "admin"}),
    Action.FEEDBACK_REJECT: Row(_click(Action.FEEDBACK_REJECT, FEEDBACK, home=True), {"lead", "admin"}),
    Callback.FLAG_POLICY: Row(_flag_form, {"author"}, "card"),
    Callback.FEEDBACK_REJECT: Row(_reject_form, {"lead", "admin"}),
    # policy proposals and scenario drafts (issue 18): leads only, checked on the click
    Action.PROPOSAL_ACCEPT: Row(_click(Action.PROPOSAL_ACCEPT, PROPOSAL), {"lead"}),
    Action.PROPOSAL_DISMISS: Row(_click(Action.PROPOSAL_DISMISS, PROPOSAL), {"lead"}),
    Action.DRAFT_SCENARIO: Row(_click(Action.DRAFT_SCENARIO, DecisionValue(decision_id=1).dump()), {"lead"}),
    # view submissions (forged: never opened, metadata built by the test)
    Callback.JUSTIFY: Row(_existing("justification form (Ada's card)"), {"author"}, "card"),
    Callback.LOG_DECISION: Row(_existing("live decision form (never opened)"), PRACTITIONERS),
    Callback.REVIEW: Row(_existing("Uphold form (Ada's decision)"), REVIEWERS, "decision"),
    Callback.SYNC_BLOCKERS: Row(_blockers_form, ENGINEERS),
    Callback.SURVEY: Row(_survey_form, ENGINEERS),
    Callback.TRAINING_CORRECT: Row(_correction_form, {"mentor", "lead", "admin"}),
    Callback.REFLECTION: Row(_reflection_form, ENGINEERS),
    Callback.LESSON: Row(_lesson_form, PRACTITIONERS),
    Callback.POST_SURVEY: Row(_post_survey_form, PRACTITIONERS),
    Callback.BLIND_REVIEW: Row(_blind_form, {"other mentor"}, "blind_decision"),
    Callback.EXPIRY: Row(_expiry_form, {"author"}, "exception"),
    # shortcuts
    Shortcut.HANDLE_AS_EXCEPTION: Row(_existing("Handle as exception shortcut"), PRACTITIONERS),
}
COMMAND_ROLES: dict[str, set[str]] = {
    "help": ROSTERED,
    "guide": ROSTERED,
    "practice": PRACTITIONERS,
    "assess": ENGINEERS,
    "log": PRACTITIONERS,
    "sync": ENGINEERS,
    "survey": ENGINEERS,
    "metrics": {"pm", "mentor", "other mentor", "lead", "admin"},
    "report": {"pm", "admin"},
    "incident": {"pm", "mentor", "other mentor", "lead", "admin"},
    "role": {"admin"},
    "mentor": {"admin", "lead"},
    "left": {"admin"},
    "stats": ROSTERED,
    "ooo": ROSTERED,
    "attendance": REVIEWERS,
    "lab": ENGINEERS,
    "signoff": REVIEWERS,
    "flag-policy": ROSTERED,
    "precedents": PRACTITIONERS | REVIEWERS,
}


def _command(name: str) -> Callable[[Env, str], Reply]:
    return lambda env, user: env.slack.command(user, name)


def _rows(env: Env) -> dict[str, Row]:
    """Every entry point: the fixed rows and one per registered subcommand."""
    names = env.casebook.deps.router.names()
    commands = {f"/casebook {n}": Row(_command(n), COMMAND_ROLES.get(n, set())) for n in names}
    return {str(k): v for k, v in ENTRY_POINTS.items()} | commands


def test_every_entry_point_has_a_row(env: Env) -> None:
    """A new action, callback, shortcut or subcommand must be added to the matrix."""
    ids = {str(i) for i in [*Action, *Callback, *Shortcut]}
    assert ids - set(map(str, ENTRY_POINTS)) == set(), "entry points without a permission row"
    missing = [n for n in env.casebook.deps.router.names() if n not in COMMAND_ROLES]
    assert missing == [], f"subcommands without a permission row: {missing}"


def _told(env: Env, reply: Reply, responses: int, user: str) -> bool:
    """Whether the person was told something: in the form, by response_url, or by a note."""
    if reply.body and reply.body.strip() not in (b"", b"{}"):
        body = reply.json
        if body.get("response_action") in ("errors", "update"):
            return True
    if len(env.fake.responses) > responses:
        return True
    return bool(env.fake.dms_to(user)) or any(e.user == user for e in env.fake.visible_ephemerals)


def _notes_only(env: Env, before: dict, user: str) -> None:
    after = snapshot(env.casebook)
    changed = set(changed_tables(before, after))
    assert changed <= {"deliveries"}, f"written: {sorted(changed)}"
    if changed:
        with transaction(env.casebook.deps.sessions) as session:
            rows = session.execute(select(Delivery.id, Delivery.job, Delivery.recipient)).all()
        known = {r[0] for r in before["deliveries"]}
        new = {(job, to) for id_, job, to in rows if id_ not in known}
        assert new <= {(NOTE_JOB, user)}, new


@pytest.mark.parametrize(
    "entry",
    [str(k) for k in ENTRY_POINTS] + [f"/casebook {n}" for n in COMMAND_ROLES],
)
def test_refused_entry_points_write_and_send_nothing(env: Env, entry: str) -> None:
    rows = _rows(env)
    assert entry in rows, f"{entry} has a permission row but is not registered"
    row = rows[entry]
    if row.target:
        getattr(env.targets, row.target)
    for who in sorted(set(ACTORS) - row.allowed):
        _refused(env, row, who)


def _refused(env: Env, row: Row, who: str) -> None:
    """One refused attempt: the person is told, nothing is written, nothing reaches anyone else."""
    user = ACTORS[who]
    before, calls, responses = snapshot(env.casebook), len(env.fake.calls), len(env.fake.responses)
    reply = row.run(env, user)
    assert reply.status == 200 and b"Traceback" not in reply.body, (who, reply.body[:300])
    eventually(lambda: _told(env, reply, responses, user), timeout=10)
    _notes_only(env, before, user)
    made = env.fake.calls[calls:]
    sent = [c.method for c in made if c.method not in ("chat.postMessage", "chat.postEphemeral")]
    assert sent == [], (who, sent)
    posted = [c for c in made if c.method.startswith("chat.")]
    assert all(c.args.get("channel") in (user, _dm(user)) for c in posted), (who, posted)
    answers = env.fake.responses[responses:]
    told = " ".join(texts(r.get("blocks") or []) for r in answers)
    assert "Something went wrong" not in told, (who, told)
