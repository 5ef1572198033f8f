"""The four-week fixture's weeks 11–12: live decisions, reviews, syncs, surveys and incidents.

Each live decision cites its category's policy rule (:data:`RULES`); overturns and "right
call, weak reasoning" name the part of the justification that failed (:data:`FAILED_PART`).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.domain.decisions import record_decision
from bot.domain.incidents import IncidentRow, record_incident
from bot.domain.justification import Justification
from bot.domain.overturn_reasons import record_parts
from bot.domain.people import find_by_slack_id
from bot.domain.reviews import record_review
from bot.domain.surveys import SurveyAnswers, submit_survey
from bot.domain.sync import record_sync
from bot.domain.weeks import iso_week
from bot.program import Phase
from bot.sandbox.program_seed import PILOTS, LiveSeeded, SeedContext, engineer_ids, mentor_of

SERVICES = ("payments-eu", "checkout-api", "search-indexer", "orders-worker", "auth-gateway", "billing-batch")
ASKS = {
    "policy_violation": "replicas below the production minimum",
    "config_conflict": "two overlays set different timeouts",
    "customer_exemption": "customer asks for a burst above max-burst",
    "rollback": "rollback to a manifest older than the retention window",
    "change_freeze": "deploy during the end-of-month freeze",
    "security_exception": "temporary egress to a vendor IP range",
    "automation_anomaly": "ggen proposed deleting a live config map",
}
OVERTURNS = {  # category -> (what the reviewer would have done, what they wrote)
    "customer_exemption": (
        "escalate",
        "Exemptions above the contract need the account owner: escalate these.",
    ),
    "change_freeze": ("deny", "The freeze has no exception for cosmetic changes; deny and reschedule."),
    "security_exception": ("escalate", "Security exceptions always need the security lead's sign-off."),
    "rollback": ("approve", "The rollback target is inside the retention window: safe to approve."),
    "config_conflict": ("escalate", "Two services affected: the blast radius needs the platform lead."),
    "policy_violation": ("deny", "Replicas below the minimum in production: the policy is clear, deny."),
    "automation_anomaly": ("escalate", "Deleting a live config map needs the platform lead: escalate."),
}
RULES = {  # category -> the policy rule (policy/rule) its live exceptions cite
    "policy_violation": "prod-availability/min-replicas",
    "config_conflict": "k8s-baseline/guardrail-override",
    "customer_exemption": "tenant-limits/rate-limit-override",
    "rollback": "rollback-rules/incident-change-control",
    "change_freeze": "change-freeze/freeze-emergency",
    "security_exception": "access-control/break-glass-extension",
    "automation_anomaly": "ggen-safety/stateful-replace",
}
# The one rule whose approvals keep the same conditions and are never overturned: it crosses the
# "consider a standing rule" threshold (docs/patterns.md). Other approvals' conditions name their run.
STANDING_CATEGORY = "customer_exemption"
STANDING_CONDITIONS = "Burst up to 800 for 7 days, then back to the policy limit."
FAILED_PART = {  # category -> the part of the justification its overturns say failed
    "customer_exemption": "escalation",
    "change_freeze": "policy",
    "security_exception": "escalation",
    "rollback": "evidence",
    "config_conflict": "risk",
    "policy_violation": "policy",
    "automation_anomaly": "escalation",
}
COMMENTS = (
    "More examples from our own services would help.",
    "The review channel moves fast; mentors answered within the hour.",
    "Escalation paths for security exceptions are still unclear.",
    "Pairing with my mentor on the first live cases was the most useful part.",
    "The freeze policy wording is ambiguous about hotfixes.",
)


def _conditions(ctx: SeedContext, category: str, service: str) -> str:
    if category == STANDING_CATEGORY:
        return STANDING_CONDITIONS
    return f"Approved for 48 hours on {service} (run {ctx.counts['live_decisions']:05d}), then revert."


def _justification(ctx: SeedContext, category: str, verdict: str, service: str) -> Justification:
    ask = ASKS.get(category, "an exception to the deployment policy")
    return Justification(
        policy=f"The request is {ask}; the policy rule is explicit about this case.",
        evidence="Checked the generator diff, the service's SLO dashboard and the last two incidents.",
        risk="Low if time-boxed; the rollback is one command."
        if verdict == "approve"
        else "Customer-facing risk if applied as asked.",
        conditions=_conditions(ctx, category, service) if verdict == "approve" else None,
        escalation="Needs the policy owner's decision." if verdict == "escalate" else None,
        confidence=ctx.rng.randint(3, 5),
    )


def _verdict(ctx: SeedContext, week_index: int, pilot: bool) -> str:
    # escalations fall as the cohort gains confidence; the volunteer pilots escalate least
    escalate = (0.15 if pilot else 0.27) - 0.05 * week_index
    roll = ctx.rng.random()
    return "escalate" if roll < escalate else "deny" if roll < escalate + 0.22 else "approve"


def _decide(
    ctx: SeedContext, session: Session, uid: str, day: date, hour: int, week_index: int
) -> tuple[int, tuple[str, str]]:
    person = find_by_slack_id(session=session, slack_user_id=uid)
    assert person is not None
    category = ctx.rng.choice(ctx.library.category_ids)
    verdict = _verdict(ctx, week_index, uid in PILOTS)
    when = ctx.at(day, hour, ctx.rng.randint(0, 59))
    service = ctx.rng.choice(SERVICES)
    ctx.counts["live_decisions"] += 1
    decision = record_decision(
        session=session,
        now=when,
        person_id=person.id,
        actor=uid,
        kind="live",
        verdict=verdict,
        justification=_justification(ctx, category, verdict, service),
        idempotency_key=f"seed:live:{ctx.counts['live_decisions']}",
        category=category,
        title=f"{service}: {ASKS.get(category, 'policy exception')}",
        source_url=f"https://ggen.example.com/runs/{ctx.counts['live_decisions']:05d}",
        seconds_to_decide=ctx.rng.uniform(180, 1500),
        policy_rule=RULES.get(category),
    ).decision
    ctx.live.append(LiveSeeded(decision.id, uid, decision.policy_rule, decision.title, when))
    return decision.id, (verdict, category)


def _review(
    ctx: SeedContext,
    session: Session,
    decision_id: int,
    uid: str,
    day: date,
    *,
    clean: bool,
    practice: bool = False,
    decided: tuple[str, str] = ("", ""),
) -> None:
    """The engineer's mentor reviews the next working morning; a few calls are overturned."""
    roll = ctx.rng.random()
    when = ctx.at(day + timedelta(days=3 if day.weekday() == 4 else 1), 10, ctx.rng.randint(0, 59))
    verdict, category = decided
    suggested, comment = OVERTURNS.get(category, ("escalate", "This needed the policy owner's call."))
    if not clean and roll < 0.06 and suggested != verdict:
        overturned = record_review(
            session=session,
            now=when,
            decision_id=decision_id,
            reviewer_slack_id=mentor_of(uid),
            verdict="overturn",
            comment=comment,
            suggested_verdict=suggested,
        ).review
        part = FAILED_PART.get(category, "policy")
        record_parts(session=session, now=when, actor=mentor_of(uid), review=overturned, parts=[part])
        ctx.counts["overturns"] += 1
        return
    weak = practice and roll > 0.93  # "right call, weak reasoning" is for practice answers only
    upheld = record_review(
        session=session,
        now=when,
        decision_id=decision_id,
        reviewer_slack_id=mentor_of(uid),
        verdict="uphold",
        comment="Right call; name the rollback owner next time." if weak else None,
        suggested_verdict=None,
        weak_reasoning=weak,
    ).review
    if weak:  # the rollback owner is part of the conditions
        record_parts(session=session, now=when, actor=mentor_of(uid), review=upheld, parts=["conditions"])
    ctx.counts["reviews"] += 1


def seed_live_decisions(ctx: SeedContext) -> None:
    """Weeks 11–12: real exceptions, more each week, each reviewed by the engineer's mentor."""
    phases = (ctx.days(Phase.PARALLEL_RUN), ctx.days(Phase.SWITCHOVER))
    last_day = phases[-1][-1] if phases[-1] else None
    for week_index, days in enumerate(phases):
        for day in days:
            with transaction(ctx.sessions) as session:
                for uid in engineer_ids():
                    many = ctx.rng.randint(1, 3) if uid in PILOTS or week_index else ctx.rng.randint(0, 1)
                    for n in range(many):
                        decision, decided = _decide(ctx, session, uid, day, 10 + 2 * n, week_index)
                        if day != last_day or ctx.rng.random() < 0.3:  # Friday's wait for Monday
                            # the pilots' calls hold up (0% rework), as does the standing rule's
                            clean = uid in PILOTS or decided[1] == STANDING_CATEGORY
                            _review(ctx, session, decision, uid, day, clean=clean, decided=decided)


def seed_practice_reviews(ctx: SeedContext) -> None:
    """Mentors review most training-week practice answers (they go to the review channel too)."""
    if not ctx.program.practice.post_to_review:
        return
    with transaction(ctx.sessions) as session:
        for decision_id, uid, shown in ctx.practice:
            if ctx.rng.random() < 0.7:
                _review(ctx, session, decision_id, uid, shown.date(), clean=True, practice=True)


def seed_syncs(ctx: SeedContext) -> None:
    """Each working day of weeks 11–12 most engineers answer the daily sync; a few have blockers."""
    blockers = (
        "Waiting on access to the vendor dashboard.",
        "Unsure which policy owns rate limits.",
        "Review queue backed up; two decisions pending since yesterday.",
    )
    for day in (*ctx.days(Phase.PARALLEL_RUN), *ctx.days(Phase.SWITCHOVER)):
        with transaction(ctx.sessions) as session:
            for uid in engineer_ids():
                if ctx.rng.random() > 0.9:
                    continue
                person = find_by_slack_id(session=session, slack_user_id=uid)
                assert person is not None
                stuck = ctx.rng.random() < 0.1
                record_sync(
                    session=session,
                    now=ctx.at(day, 17, 50),
                    person=person,
                    day=day,
                    status="blockers" if stuck else "all_good",
                    blockers=ctx.rng.choice(blockers) if stuck else None,
                    mood=ctx.rng.randint(2, 3) if stuck else ctx.rng.randint(3, 5),
                )
                ctx.counts["syncs"] += 1


def seed_surveys(ctx: SeedContext) -> None:
    """The weekly survey on the Fridays of weeks 11–12: most answer, mostly 3–5, a few comments."""
    questions = ctx.program.survey.questions
    minimum = ctx.program.thresholds.survey_anonymity_min
    for days in (ctx.days(Phase.PARALLEL_RUN), ctx.days(Phase.SWITCHOVER)):
        if not days:
            continue
        friday = days[-1]
        with transaction(ctx.sessions) as session:
            for uid in engineer_ids():
                if ctx.rng.random() > 0.85:
                    continue
                person = find_by_slack_id(session=session, slack_user_id=uid)
                assert person is not None
                answers = {q.id: ctx.rng.choices((2, 3, 4, 5), weights=(1, 3, 6, 4))[0] for q in questions}
                comment = ctx.rng.choice(COMMENTS) if ctx.rng.random() < 0.3 else None
                submit_survey(
                    session=session,
                    now=ctx.at(friday, 15, ctx.rng.randint(5, 55)),
                    person=person,
                    week=iso_week(friday),
                    questions=questions,
                    submitted=SurveyAnswers(answers, comment),
                    minimum=minimum,
                )
                ctx.counts["survey_responses"] += 1


def seed_program_incidents(ctx: SeedContext) -> None:
    """An incident most working days of weeks 11–12, answered about as fast as the baseline."""
    days = [*ctx.days(Phase.PARALLEL_RUN), *ctx.days(Phase.SWITCHOVER)]
    with transaction(ctx.sessions) as session:
        for i, day in enumerate(d for d in days if d.weekday() != 2):  # quiet Wednesdays
            opened = ctx.at(day, ctx.rng.randint(8, 20))
            priority = "P1" if i % 2 == 0 else "P2"
            minutes = ctx.rng.uniform(11, 21) if priority == "P1" else ctx.rng.uniform(65, 105)
            row = IncidentRow(f"INC-P{i + 1:03d}", priority, opened, opened + timedelta(minutes=minutes))
            record_incident(session=session, now=opened, actor="seed:program", row=row, source="import")
            ctx.counts["incidents"] += 1
