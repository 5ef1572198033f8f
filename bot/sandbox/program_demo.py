"""A whole four-week program (weeks 9–12) seeded through the domain's own functions, for the demo and tests.

``seed_program`` runs each step of ``STEPS`` in its own transaction, in order: the
roster (20 engineers of whom 3 pilots, 5 mentors of whom 3 leads, a PM and an admin;
the sandbox demo's six people among them, imported the Monday before week 9), the
scenario library, baseline incidents, training-week practice, check-ins (one mentor
correction) and labs, the readiness assessment and sign-offs, the Week-10 milestone
sign-offs, the week-9 reflections, live decisions citing policy rules and their reviews
(overturns with the part that failed), daily syncs, weekly surveys, Friday lessons, the
post-switchover survey, program-time incidents, policy feedback and what leads did with
it, the exception-pattern proposals (one accepted), the exception register (answered at
expiry, a few as delayed rework) and blind second reviews (a quarter of the reviewed live
ones). A seeded RNG makes it deterministic. To add a kind of data write one
``step(ctx)`` function beside these and append it to ``STEPS``: it reads the days and
people from ``ctx``, draws from its own ``ctx.fork(name)`` RNG and counts what it adds.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain import assessment as assess
from bot.domain.card_context import load_card
from bot.domain.decisions import record_decision
from bot.domain.incidents import IncidentRow, record_incident
from bot.domain.library import Library
from bot.domain.people import find_by_slack_id, import_roster, parse_roster
from bot.domain.practice import create_assignment, deal_practice, grade
from bot.domain.scenario_spec import Pool
from bot.domain.scenario_sync import sync_library
from bot.program import Phase, Program
from bot.sandbox import program_live, program_policy, program_quality, program_training
from bot.sandbox.demo import program_roster_at
from bot.sandbox.program_seed import SeedContext, engineer_ids, justification_for, mentor_of, roster_csv


def seed_roster(ctx: SeedContext) -> None:
    """People, roles and mentor pairs through ``import_roster`` (as `casebook roster import` does)."""
    start = program_roster_at(ctx.program)
    rows = parse_roster(roster_csv(), source="four-week program roster")
    with transaction(ctx.sessions) as session:
        ctx.counts["people"] += import_roster(session=session, now=start, actor="seed:program", rows=rows)


def seed_library(ctx: SeedContext) -> None:
    """The scenario library into the database (what start-up does with CASEBOOK_SCENARIOS)."""
    now = ctx.at(ctx.program.start_date - timedelta(days=7), 9)
    with transaction(ctx.sessions) as session:
        sync_library(session=session, now=now, library=ctx.library)


def seed_baseline_incidents(ctx: SeedContext) -> None:
    """Twelve incidents in the four weeks before the program: the response-time baseline."""
    first = ctx.program.start_date - timedelta(days=28)
    with transaction(ctx.sessions) as session:
        for i in range(12):
            opened = ctx.at(first + timedelta(days=2 * i + ctx.rng.randint(0, 1)), ctx.rng.randint(8, 20))
            priority = "P1" if i % 3 == 0 else "P2"
            minutes = ctx.rng.uniform(12, 26) if priority == "P1" else ctx.rng.uniform(70, 120)
            row = IncidentRow(f"INC-B{i + 1:03d}", priority, opened, opened + timedelta(minutes=minutes))
            record_incident(session=session, now=opened, actor="seed:program", row=row, source="import")
            ctx.counts["incidents"] += 1


def _skill(ctx: SeedContext, uid: str) -> float:
    """Each engineer's chance of the expected verdict (stable per person: seeded by the id)."""
    return 0.62 + random.Random(f"skill:{uid}").uniform(0.0, 0.3)


def seed_practice(ctx: SeedContext) -> None:
    """Training weeks: one to three practice cards a day each, improving from week 9 to week 10."""
    slugs = ctx.library.slugs(Pool.PRACTICE)
    days = ctx.days(Phase.TRAINING)
    for n, day in enumerate(days):
        with transaction(ctx.sessions) as session:
            for uid in engineer_ids():
                person = find_by_slack_id(session=session, slack_user_id=uid)
                assert person is not None
                for k in range(ctx.rng.randint(1, 3)):
                    shown = ctx.at(day, 13 + k, ctx.rng.randint(0, 50))
                    dealt = deal_practice(
                        session=session,
                        now=shown,
                        person_id=person.id,
                        categories=ctx.library.category_ids,
                        slugs=slugs,
                    )
                    chance = min(0.95, _skill(ctx, uid) + 0.015 * n)
                    decided = _answer(ctx, session, dealt.assignment.id, shown, chance, review=True)
                    ctx.practice.append((decided, uid, shown))
                    ctx.counts["practice_decisions"] += 1


def _answer(
    ctx: SeedContext, session: Session, assignment_id: int, shown: datetime, chance: float, *, review: bool
) -> int:
    """Decide one card as the flow does: graded against the scenario's expected verdict."""
    card = load_card(session=session, assignment_id=assignment_id)
    spec = card.spec
    right = ctx.rng.random() < chance
    others = [v for v in ("approve", "deny", "escalate") if v != spec.expected.decision]
    verdict = spec.expected.decision if right else ctx.rng.choice(others)
    decided = shown + timedelta(minutes=ctx.rng.randint(4, 25))
    sound = right and ctx.rng.random() < 0.85
    recorded = record_decision(
        session=session,
        now=decided,
        person_id=card.person.id,
        actor=card.person.slack_user_id,
        kind=card.assignment.kind,
        verdict=verdict,
        justification=justification_for(spec, sound=sound, rng=ctx.rng, confidence=ctx.rng.randint(2, 5)),
        idempotency_key=f"assignment:{assignment_id}",
        category=spec.category,
        title=spec.title,
        assignment_id=assignment_id,
        scenario_version_id=card.version.id,
        outcome=grade(expected=spec.expected.decision, acceptable=spec.expected.acceptable, verdict=verdict),
        seconds_to_decide=(decided - shown).total_seconds(),
        review_required=review and ctx.program.practice.post_to_review,
    )
    return recorded.decision.id


def _take_assessment(ctx: SeedContext, session: Session, uid: str, when: datetime, chance: float) -> int:
    person = find_by_slack_id(session=session, slack_user_id=uid)
    assert person is not None
    started = assess.start_assessment(
        session=session,
        now=when,
        person_id=person.id,
        actor=uid,
        categories=ctx.library.category_ids,
        size=ctx.program.practice.assessment_size,
        slugs=ctx.library.slugs(Pool.ASSESSMENT),
    )
    exam = started.assessment
    for position, version_id in enumerate(exam.plan, start=1):
        shown = when + timedelta(minutes=6 * position)
        assignment, _ = create_assignment(
            session=session,
            now=shown,
            person_id=person.id,
            version_id=int(version_id),
            kind="assessment",
            assessment_id=exam.id,
            position=position,
        )
        _answer(ctx, session, assignment.id, shown, chance, review=False)
    thresholds = ctx.program.thresholds
    assess.complete(
        session=session,
        now=when + timedelta(hours=3),
        assessment=exam,
        threshold=thresholds.assessment_pass,
        actor=uid,
        reasoning_threshold=thresholds.reasoning_pass,
    )
    if exam.passed:
        signer = find_by_slack_id(session=session, slack_user_id=mentor_of(uid))
        assert signer is not None
        assess.sign_off(session=session, now=when + timedelta(hours=5), assessment_id=exam.id, signer=signer)
        ctx.counts["sign_offs"] += 1
    ctx.counts["assessments"] += 1
    return exam.id


def seed_assessments(ctx: SeedContext) -> None:
    """Friday of week 10: everyone sits the readiness assessment; who fails retakes it on Monday."""
    days = ctx.days(Phase.TRAINING)
    friday, retake = days[-1], ctx.days(Phase.PARALLEL_RUN)[0]
    failed: list[str] = []
    with transaction(ctx.sessions) as session:
        for uid in engineer_ids():
            chance = min(0.98, _skill(ctx, uid) + 0.25)
            _take_assessment(ctx, session, uid, ctx.at(friday, 9), chance)
            if not assess.readiness(session=session, person_id=_pid(session, uid)).ready:
                failed.append(uid)
        for uid in failed[:1]:  # one retakes at once; the rest are still working on it
            _take_assessment(ctx, session, uid, ctx.at(retake, 9), 0.97)


def _pid(session: Session, uid: str) -> int:
    person = find_by_slack_id(session=session, slack_user_id=uid)
    assert person is not None
    return person.id


STEPS: tuple[Callable[[SeedContext], None], ...] = (
    seed_roster,
    seed_library,
    seed_baseline_incidents,
    seed_practice,
    program_training.seed_training,
    seed_assessments,
    program_training.seed_sign_offs,
    program_training.seed_reflections,
    program_live.seed_live_decisions,
    program_live.seed_practice_reviews,
    program_live.seed_syncs,
    program_live.seed_surveys,
    program_training.seed_lessons,
    program_training.seed_post_survey,
    program_live.seed_program_incidents,
    program_policy.seed_policy_feedback,
    program_policy.seed_proposals,
    program_quality.seed_exception_register,
    program_quality.seed_blind_reviews,
)


def seed_program(
    *, sessions: sessionmaker[Session], program: Program, library: Library, seed: int = 12
) -> Counter[str]:
    """Seed weeks 9–12 into an empty, migrated database; returns how many of each thing were added."""
    ctx = SeedContext(sessions, program, library, random.Random(seed), seed=seed)
    for step in STEPS:
        step(ctx)
    return ctx.counts
