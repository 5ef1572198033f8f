"""The four-week fixture's review quality: blind second reviews and the exception register.

Every live approval goes into the register as the live form would put it there; those whose
expiry fell inside the program are answered by their engineer, most as agreed, a few not
(delayed rework). A quarter of the reviewed live decisions get a blind second review from
another mentor, who agrees with the first verdict most of the time, so the report's
consistency section has pairs, a kappa and a few disagreements to settle.
"""

from __future__ import annotations

from datetime import timedelta

from bot.db.engine import transaction
from bot.db.models import Decision
from bot.domain.blind_reviews import assign_blind_review, record_blind_review
from bot.domain.exception_register import record_answer, register_approval
from bot.domain.reviews import first_review
from bot.domain.vocab import Verdict
from bot.sandbox.program_seed import SeedContext

BLIND_SHARE = 0.25  # the fixture's share (the program's default is 10%): enough pairs for a kappa
AGREE = 0.85  # how often the blind reviewer gives the first verdict
MET = 0.85  # how often an expired exception ended as agreed


def seed_exception_register(ctx: SeedContext) -> None:
    """Register every live approval; answer those whose expiry fell before the program's end."""
    rng = ctx.fork("exception_register")
    end = max(p.end for p in ctx.program.phases)
    with transaction(ctx.sessions) as session:
        for seeded in ctx.live:
            decision = session.get(Decision, seeded.decision_id)
            assert decision is not None
            entry = register_approval(session=session, now=seeded.at, decision=decision, tz=ctx.program.tz)
            if entry is None:
                continue
            ctx.counts["exceptions_registered"] += 1
            if entry.expires_on is None or entry.expires_on >= end:
                continue
            met = rng.random() < MET
            record_answer(
                session=session,
                now=ctx.at(entry.expires_on, 10),
                entry_id=entry.id,
                slack_user_id=seeded.engineer,
                conditions_met="yes" if met else "no",
                outcome="rolled_back" if met else "not_rolled_back",
                note=None if met else "The rollback slipped a day; the override stayed on.",
            )
            ctx.counts["exceptions_answered"] += 1
            ctx.counts["delayed_rework"] += 0 if met else 1


def seed_blind_reviews(ctx: SeedContext) -> None:
    """Blind second reviews of a share of the reviewed live decisions, answered a few hours later."""
    rng = ctx.fork("blind_reviews")
    with transaction(ctx.sessions) as session:
        for seeded in ctx.live:
            first = first_review(session=session, decision_id=seeded.decision_id)
            if first is None:
                continue
            assigned = assign_blind_review(
                session=session, now=seeded.at, decision_id=seeded.decision_id, share=BLIND_SHARE
            )
            if assigned is None:
                continue
            decision = session.get(Decision, seeded.decision_id)
            assert decision is not None
            same = rng.random() < AGREE
            verdict = first.verdict if same else ("uphold" if first.verdict == "overturn" else "overturn")
            suggested = None
            if verdict == "overturn":
                suggested = next(v.value for v in Verdict if v.value != decision.verdict)
            record_blind_review(
                session=session,
                now=first.reviewed_at + timedelta(hours=2),
                decision_id=seeded.decision_id,
                reviewer_slack_id=assigned.reviewer_slack_id,
                verdict=verdict,
                comment="The conditions do not bound the risk enough." if verdict == "overturn" else None,
                suggested_verdict=suggested,
            )
            ctx.counts["blind_reviews"] += 1
