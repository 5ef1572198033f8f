"""End to end over HTTP (issue 12): held-out fresh forms, reasoning that counts, two review queues."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import Assessment, Assignment, Decision, Review, Scenario, ScenarioVersion
from bot.domain.library import Pool
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action
from bot.slack.ids import Block as B
from tests.e2e.cards import (
    cards,
    decide,
    expected_of,
    key_points_of,
    keyword_values,
    open_card,
    sound_values,
)
from tests.e2e.test_assessment import ENG, MENTOR, _take
from tests.helpers import confirm_step, eventually, load_roster, texts
from tests.live_support import (
    GOOD,
    REVIEW_CHANNEL,
    open_log_modal,
    open_review,
    review_post_for,
)


def _slugs_of(casebook: Casebook, *, kind: str, assessment_id: int | None = None) -> set[str]:
    """Scenario ids of the engineer's cards of one kind (one attempt's, if given)."""
    with transaction(casebook.deps.sessions) as session:
        query = (
            select(Scenario.slug)
            .join(ScenarioVersion, ScenarioVersion.scenario_id == Scenario.id)
            .join(Assignment, Assignment.scenario_version_id == ScenarioVersion.id)
            .where(Assignment.kind == kind)
        )
        if assessment_id is not None:
            query = query.where(Assignment.assessment_id == assessment_id)
        return set(session.execute(query).scalars())


def _plan_slugs(casebook: Casebook) -> list[set[str]]:
    """Each attempt's planned scenario ids, oldest attempt first."""
    with transaction(casebook.deps.sessions) as session:
        out = []
        for a in session.execute(select(Assessment).order_by(Assessment.id)).scalars():
            rows = session.execute(
                select(Scenario.slug)
                .join(ScenarioVersion, ScenarioVersion.scenario_id == Scenario.id)
                .where(ScenarioVersion.id.in_([int(v) for v in a.plan]))
            ).scalars()
            out.append(set(rows))
        return out


def _practise(casebook: Casebook, slack: Simulator, fake: FakeSlack, *, count: int) -> None:
    """Practise ``count`` cards over HTTP, each with the expected call and sound reasoning."""
    for n in range(1, count + 1):
        assert slack.command(ENG, "practice").status == 200
        card = open_card(fake, ENG, count=n)
        expected, _, _ = expected_of(casebook.deps.sessions, card)
        values = sound_values(expected, key_points_of(casebook.deps.sessions, card))
        decide(slack, fake, ENG, card, expected, modal=n, values=values)
        eventually(lambda n=n: len([m for m in fake.dms_to(ENG) if m.text.startswith("Correct")]) >= n)


def test_after_practising_the_whole_practice_pool_the_assessment_is_all_unseen(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    library = casebook.deps.library
    assert library is not None
    practice_pool = library.slugs(Pool.PRACTICE)
    _practise(casebook, slack, fake, count=len(practice_pool))
    practised = _slugs_of(casebook, kind="practice")
    assert practised == practice_pool, "practice dealt the whole practice pool and nothing held out"

    assert slack.command(ENG, "assess").status == 200
    confirm_step(slack, fake, ENG)  # issue 16: it asks before starting
    first = open_card(fake, ENG, count=len(practice_pool) + 1)
    assert texts(first.blocks).startswith("Assessment 1/20: ")
    [plan] = _plan_slugs(casebook)
    assert len(plan) == 20 and plan <= library.slugs(Pool.ASSESSMENT)
    assert not plan & practised, "no scenario of the form was seen in practice"
    slack.open_home(ENG)
    home = texts(eventually(lambda: fake.home.get(ENG))["blocks"])
    n = len(practice_pool)
    assert f"{n} of {n} practice calls sound (100%)" in home


def test_keyword_lists_and_content_free_reasons_do_not_pass_and_a_retake_is_a_fresh_form(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    """20/20 right calls twice: keyword lists, then generic text; neither is sound, neither passes."""
    load_roster(casebook.deps.sessions, clock.now())
    _take(casebook, slack, fake, good=20, reasons="keywords")
    result = eventually(lambda: [m for m in fake.dms_to(ENG) if "readiness assessment" in m.text])[-1]
    assert "did not pass: 20/20" in result.text
    body = texts(result.blocks)
    assert "0/20* sound" in body and "reasoning not sound" in body and "named 0 of" in body
    assert body.count("expected *") >= 20, "every card with its expected call and rationale"

    fake.responses.clear()
    _take(casebook, slack, fake, good=20, reasons="generic", first=21)
    results = eventually(
        lambda: (
            len([m for m in fake.dms_to(ENG) if "readiness assessment" in m.text]) >= 2
            and [m for m in fake.dms_to(ENG) if "readiness assessment" in m.text]
        )
    )
    assert "did not pass: 20/20" in results[-1].text
    first, second = _plan_slugs(casebook)
    assert len(first) == len(second) == 20 and not first & second, "a retake shares no scenario"
    with transaction(casebook.deps.sessions) as session:
        attempts = list(session.execute(select(Assessment).order_by(Assessment.id)).scalars())
    assert [a.passed for a in attempts] == [False, False] and [a.score for a in attempts] == [1.0, 1.0]
    slack.open_home(ENG)
    home = texts(eventually(lambda: fake.home.get(ENG))["blocks"])
    assert "Not passed" in home
    titles = {s.id: s.title for s in casebook.deps.library.scenarios}
    for slug in first | second:  # held out: Home never shows an assessment scenario
        assert titles[slug] not in home


def _practice_decision(casebook: Casebook, slack: Simulator, fake: FakeSlack, *, keywords: bool) -> int:
    assert slack.command(ENG, "practice").status == 200
    card = open_card(fake, ENG)
    expected, _, _ = expected_of(casebook.deps.sessions, card)
    points = key_points_of(casebook.deps.sessions, card)
    values = (keyword_values if keywords else sound_values)(expected, points)
    decide(slack, fake, ENG, card, expected, modal=1, values=values)
    feedback = eventually(lambda: [m for m in fake.dms_to(ENG) if m.text.startswith("Correct")])[0]
    verdict_line = "*Verdict:* right. *Reasoning:*"
    assert verdict_line in texts(feedback.blocks)
    assert ("not sound" in texts(feedback.blocks)) is keywords
    with transaction(casebook.deps.sessions) as session:
        return int(session.execute(select(Decision.id).where(Decision.kind == "practice")).scalar_one())


def _home(slack: Simulator, fake: FakeSlack, user: str, needle: str) -> str:
    slack.open_home(user)
    return texts(
        eventually(lambda: needle in texts(fake.home.get(user, {}).get("blocks", [])) and fake.home[user])[
            "blocks"
        ]
    )


def test_a_keyword_list_is_not_sound_in_practice(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    _practice_decision(casebook, slack, fake, keywords=True)
    assert "0 of 1 practice calls sound" in _home(slack, fake, ENG, "practice calls sound")


def test_weak_reasoning_mark_and_the_two_queues(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    practice_id = _practice_decision(casebook, slack, fake, keywords=False)
    view_id = open_log_modal(slack, fake, "U0ENG2")
    assert slack.submit("U0ENG2", view_id, GOOD).status == 200
    with transaction(casebook.deps.sessions) as session:
        live_id = int(session.execute(select(Decision.id).where(Decision.kind == "live")).scalar_one())
    assert "1 of 1 practice calls sound (100%)" in _home(slack, fake, ENG, "practice calls sound")

    home = _home(slack, fake, MENTOR, "Practice reviews, optional (1)")
    live_part, practice_part = home.split("Practice reviews, optional (1)")
    assert "Waiting for your review (1)" in live_part and f"#{live_id} " in live_part
    assert f"#{practice_id} " not in live_part, "practice decisions stay out of the live queue"
    assert f"#{practice_id} " in practice_part

    post = review_post_for(fake, practice_id)
    modal_id, modal = open_review(
        slack, fake, user=MENTOR, decision_id=practice_id, action=Action.REVIEW_UPHOLD
    )
    shown = texts(modal["blocks"])
    assert "*Expected:*" in shown and "*Rationale*" in shown and "*Mentor notes*" in shown
    assert "Right call, weak reasoning" in str(modal["blocks"])
    reply = slack.submit(
        MENTOR,
        modal_id,
        {B.WEAK_REASONING: ["weak"], B.FAILED_PARTS: ["escalation"], B.COMMENT: "Name the approver."},
    )
    assert reply.status == 200

    def reviewed() -> Review | None:
        with transaction(casebook.deps.sessions) as session:
            return session.execute(
                select(Review).where(Review.decision_id == practice_id)
            ).scalar_one_or_none()

    review = eventually(reviewed)
    assert review.verdict == "uphold" and review.weak_reasoning is True
    with transaction(casebook.deps.sessions) as session:
        assert session.get(Decision, practice_id).review_status == "upheld", "not rework, not overturned"
    assert "0 of 1 practice calls sound (0%)" in _home(slack, fake, ENG, "0 of 1 practice calls sound")
    thread = eventually(lambda: fake.messages_in(REVIEW_CHANNEL, thread_ts=post.ts))
    assert "right call, weak reasoning" in texts(thread[-1].blocks)
    assert cards(fake, ENG)  # the card itself is untouched
