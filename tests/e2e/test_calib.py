"""Issue 18 over HTTP: calibration and the overconfidence flag, overturn reasons and their pattern,
spaced re-tests on an injected clock. Constructed data; both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import Casebook
from bot.db.engine import transaction
from bot.db.models import Assignment, ScenarioVersion
from bot.db.models_calib import ReviewReason
from bot.domain.decisions import record_decision
from bot.domain.justification import Justification
from bot.jobs import digest
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.simulator import Simulator
from bot.slack.ids import Action
from tests.e2e.cards import assignment_id, decide, expected_of, open_card
from tests.helpers import PILOTS_ROSTER_CSV, eventually, load_roster, texts
from tests.live_support import (
    GOOD,
    log_decision,
    open_review,
)
from tests.metrics_data import person, review

ENG, BO, MENTOR = "U0ENG1", "U0ENG2", "U0MENTOR"
PM = "C0CBPMDIGST"
FRIDAY_5PM = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)  # Friday 17:00 New York, the digest's hour
WHY = "The rollback path was never named; an exception without one cannot be undone."


def home(slack: Simulator, fake: FakeSlack, user: str) -> str:
    """Open App Home afresh and return its text."""
    fake.home.pop(user, None)
    assert slack.open_home(user).status == 200
    return texts(eventually(lambda: fake.home.get(user))["blocks"])


def _live(casebook: Casebook, user: str, *, at: datetime, confidence: int, status: str) -> None:
    """A live call at ``confidence``; ``status`` upheld | overturned | pending."""
    with transaction(casebook.deps.sessions) as session:
        decision = record_decision(
            session=session,
            now=at,
            person_id=person(session, user).id,
            actor=user,
            kind="live",
            verdict="approve",
            justification=Justification(
                policy="Availability floor r7 allows a 48 h exception delegated to ops",
                evidence="Load test namespace only; traffic is synthetic per ticket",
                risk="No customer traffic; blast radius is the namespace itself",
                conditions="Expires in 48 h; rollback is scaling back to 3 replicas",
                escalation=None,
                confidence=confidence,
            ),
            idempotency_key=f"calib:{user}:{at.isoformat()}",
            category="policy_violation",
            title="payments-api single replica",
        ).decision
        if status != "pending":
            verdict = "overturn" if status == "overturned" else "uphold"
            review(session, decision, at=at + timedelta(hours=1), verdict=verdict)


def _digest_text(casebook: Casebook, fake: FakeSlack, clock) -> str:
    clock.set(FRIDAY_5PM)
    assert digest.run(deps=casebook.deps, at=FRIDAY_5PM) >= 2
    post = eventually(lambda: fake.messages_in(PM, top_level=True))[0]
    thread = eventually(lambda: [m for m in fake.messages_in(PM, thread_ts=post.ts) if not m.files])
    return texts(post.blocks) + "\n" + texts(thread[0].blocks)


def test_calibration_and_the_overconfidence_flag_on_home_and_in_the_digest(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now(), PILOTS_ROSTER_CSV)  # the parallel run measures pilots
    start = clock.now()
    for i, status in enumerate(["overturned"] * 4 + ["upheld", "pending"]):  # the pending one has no outcome
        _live(casebook, ENG, at=start + timedelta(minutes=i), confidence=5, status=status)
    for i in range(3):  # Bo: 3 overturned 5s, below the minimum sample for the flag and the score
        _live(casebook, BO, at=start + timedelta(minutes=10 + i), confidence=5, status="overturned")

    ada = home(slack, fake, ENG)
    assert "4 of your 5 high-confidence (4–5) calls were overturned." in ada
    # Brier: four (1.0 - 0)² and one (1.0 - 1)² over 5 calls = 0.80
    assert "Brier 0.80 over 5 calls (0 is perfect). 5: 1 of 5 sound." in ada
    bo = home(slack, fake, BO)
    assert "not enough data yet (3 calls with an outcome)." in bo
    assert "high-confidence" not in bo and "Brier" not in bo

    mentor = home(slack, fake, MENTOR)
    assert "Calibration of your mentees" in mentor
    assert "4 of Ada Engineer's 5 high-confidence (4–5) calls were overturned." in mentor
    assert "Bo Engineer's" not in mentor and "not enough data yet (3 calls" in mentor
    assert "Calibration" not in home(slack, fake, "U0PM")  # a PM has no calibration of their own

    body = _digest_text(casebook, fake, clock)
    # The cohort: 8 calls at 5, 1 sound → Brier 7/8 = 0.875.
    line = "Calibration (all decisions so far): Brier 0.88 over 8 calls (0 is perfect). 5: 1 of 8 sound."
    flag = "Overconfidence: 7 of the cohort's 8 high-confidence (4–5) calls were overturned."
    assert line in body and f"{flag} Flagged: Ada Engineer." in body


def test_overturn_reasons_are_required_stored_and_named_as_a_pattern(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now(), PILOTS_ROSTER_CSV)
    chosen = [["conditions"], ["conditions", "evidence"], ["conditions"], ["risk"]]
    for n, parts in enumerate(chosen):
        title = f"payments-api replica hold {n}"
        decision_id = log_decision(
            slack, fake, casebook.deps.sessions, user=ENG, values={**GOOD, "title": title}
        )
        view_id, _ = open_review(
            slack, fake, user=MENTOR, decision_id=decision_id, action=Action.REVIEW_OVERTURN
        )
        block = next(b for b in fake.views[view_id]["blocks"] if b.get("block_id") == "failed_parts")
        assert block["element"]["type"] == "multi_static_select" and not block.get("optional")
        values = {"suggested_verdict": "deny", "comment": WHY}
        if n == 0:
            refused = slack.submit(MENTOR, view_id, values)
            assert refused.json["response_action"] == "errors"
            assert "at least one part" in refused.json["errors"]["failed_parts"]
        assert "response_action" not in slack.submit(MENTOR, view_id, {**values, "failed_parts": parts}).json
        clock.advance(timedelta(minutes=5))

    with transaction(casebook.deps.sessions) as session:
        stored = sorted(session.execute(select(ReviewReason.part)).scalars())
    assert stored == ["conditions", "conditions", "conditions", "evidence", "risk"]
    dms = eventually(lambda: len(_verdict_dms(fake)) == 4 and _verdict_dms(fake))
    assert "*Which part failed:* Evidence, Conditions / rollback / expiry" in dms[1]
    assert "Pattern" not in dms[1]  # two reviews with reasons: below the minimum of three
    assert "3 of your 3 overturns: missing rollback conditions." in dms[2]
    assert "3 of your 4 overturns: missing rollback conditions." in dms[3]

    assert "*Pattern in your reviews:* 3 of your 4 overturns: missing rollback conditions." in home(
        slack, fake, ENG
    )
    assert "3 of Ada Engineer's 4 overturns: missing rollback conditions." in home(slack, fake, MENTOR)
    body = _digest_text(casebook, fake, clock)
    assert (
        "Overturn pattern (last 28 days): 3 of the cohort's 4 overturns: missing rollback conditions "
        "— Ada Engineer 3." in body
    )


def _verdict_dms(fake: FakeSlack) -> list[str]:
    return [texts(m.blocks) for m in fake.dms_to(ENG) if "overturned" in m.text]


def _deal(slack: Simulator, fake: FakeSlack, count: int) -> Any:
    assert slack.command(ENG, "practice rollback").status == 200
    return open_card(fake, ENG, count=count)


def _scenario(casebook: Casebook, card: Any) -> int:
    with transaction(casebook.deps.sessions) as session:
        assignment = session.get(Assignment, assignment_id(card))
        assert assignment is not None
        version = session.get(ScenarioVersion, assignment.scenario_version_id)
        assert version is not None
        return version.scenario_id


def _answer(casebook: Casebook, slack: Simulator, fake: FakeSlack, card: Any, n: int, *, right: bool) -> None:
    expected, acceptable, _ = expected_of(casebook.deps.sessions, card)
    wrong = next(v for v in ("approve", "deny", "escalate") if v != expected and v not in acceptable)
    decide(slack, fake, ENG, card, expected if right else wrong, modal=n)


def test_a_wrong_answer_comes_back_on_day_1_3_and_7_and_stops_after_two_sound_answers(
    casebook: Casebook, slack: Simulator, fake: FakeSlack, clock
) -> None:
    load_roster(casebook.deps.sessions, clock.now())
    day0 = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)  # 09:00 New York
    clock.set(day0)
    n = 0

    def serve(at: datetime) -> tuple[Any, int]:
        nonlocal n
        clock.set(at)
        n += 1
        card = _deal(slack, fake, n)
        return card, _scenario(casebook, card)

    card, mistaken = serve(day0)
    _answer(casebook, slack, fake, card, n, right=False)
    assert "Next re-test:" in home(slack, fake, ENG)
    steps = [
        (day0 + timedelta(hours=1), False, None),  # day 0: something else
        (day0 + timedelta(hours=13), False, None),  # 22:00 the same local day: not yet
        (day0 + timedelta(days=1), True, False),  # day 1: the re-test; wrong again
        (day0 + timedelta(days=1, hours=1), False, None),
        (day0 + timedelta(days=2), False, None),  # day 2: nothing due
        (day0 + timedelta(days=3), True, True),  # day 3: right (1 of 2)
        (day0 + timedelta(days=6), False, None),  # day 6: not yet
        (day0 + timedelta(days=7), True, True),  # day 7: right again: the series closes
        (day0 + timedelta(days=14), False, None),  # a week later it stays away
    ]
    for at, is_retest, right in steps:
        if is_retest:
            clock.set(at)
            assert "*1 re-test due*" in home(slack, fake, ENG)
        card, scenario = serve(at)
        assert (scenario == mistaken) is is_retest, f"{at}: served {scenario}, mistake {mistaken}"
        _answer(casebook, slack, fake, card, n, right=True if right is None else right)
    assert "re-test" not in home(slack, fake, ENG)
