"""The four-week fixture's policy work: flagged policies and what leads did, and exception-pattern proposals.

Policy feedback is flagged in Module 4's "write feedback" lab (Wednesday of week 10) and
from live decisions in weeks 11–12; the three leads accept, finish or reject most of it.
The ``patterns`` job's work runs each weekday morning of weeks 11–12: the rule whose
approvals repeat the same conditions (``program_live.STANDING_CATEGORY``) crosses the
proposal threshold, and a lead accepts it: a documented process improvement.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.db.models import Person
from bot.domain.library_rules import rules_of
from bot.domain.patterns import STANDING, decide_proposal, raise_proposals
from bot.domain.people import find_by_slack_id
from bot.domain.policy_feedback import FlagInput, RulePrefill, record_flag, set_status
from bot.domain.weeks import iso_week
from bot.program import Phase
from bot.sandbox.program_live import RULES
from bot.sandbox.program_seed import SeedContext

# (author, rule as policy/rule, what is ambiguous, the proposed clarification)
LAB_FLAGS = (
    (
        "U0ADA",
        "change-freeze/freeze-emergency",
        "The rule does not say whether a security hotfix counts as an emergency during the freeze.",
        "Name security hotfixes explicitly, with the security lead as approver.",
    ),
    (
        "U0BEN",
        "tenant-limits/rate-limit-override",
        "Max-burst is per tenant or per region? Two scenarios read it differently.",
        "State that max-burst is per tenant and per region, with an example.",
    ),
    (
        "U0E05",
        "rollback-rules/incident-change-control",
        "The retention window is not defined: days of manifests, or releases?",
        "Define the retention window as 30 days of manifests.",
    ),
    (
        "U0E08",
        "access-control/break-glass-extension",
        "Who may extend break-glass access beyond 24 hours is not said.",
        "Only the security on-call may extend, once, for 24 hours more.",
    ),
)
LIVE_FLAGS = (
    (
        "prod-availability/min-replicas",
        "Canary deployments run one replica by design; the minimum reads as if they were forbidden.",
        "Exempt canaries for at most 2 hours.",
    ),
    (
        "k8s-baseline/guardrail-override",
        "Two overlays may both claim the timeout; the rule does not say which wins.",
        "The service's own overlay wins; the platform overlay is the default.",
    ),
)
# (flag index, lead, status, days after the flag, rejection reason)
DECISIONS = (
    (0, "U0M2", "accepted", 1, None),
    (0, "U0M2", "done", 7, None),
    (1, "U0M3", "accepted", 2, None),
    (2, "U0M3", "rejected", 2, "The retention window is set per service in its runbook, on purpose."),
    (3, "U0M2", "accepted", 6, None),
    (4, "U0M4", "accepted", 2, None),
)
ACCEPTING_LEAD = "U0M4"


def _person(session: Session, uid: str) -> Person:
    person = find_by_slack_id(session=session, slack_user_id=uid)
    assert person is not None
    return person


def _prefill(ctx: SeedContext, ref: str, title: str | None = None) -> RulePrefill:
    rules = rules_of(ctx.library)
    found = next((r for r in rules.values() if f"{r.policy}/{r.rule}" == ref), None)
    if found is None:
        return RulePrefill(rule=ref, title=title)
    return RulePrefill(policy=found.policy, version=found.version, rule=found.rule, title=title)


def _live_flags(ctx: SeedContext, session: Session) -> list[tuple[int, datetime]]:
    """Flags raised from live decisions: the first decision citing each rule, by its author."""
    out = []
    for n, (ref, problem, proposal) in enumerate(LIVE_FLAGS):
        decision = next((d for d in ctx.live if d.policy_rule == ref), None)
        if decision is None:
            continue
        prefill = _prefill(ctx, ref, decision.title)
        now = decision.at + timedelta(hours=2)
        item, _ = record_flag(
            session=session,
            now=now,
            author=_person(session, decision.engineer),
            key=f"seed:policy-flag:live:{n}",
            source="decision",
            flag=FlagInput(prefill.rule or ref, problem, proposal),
            prefill=prefill,
            decision_id=decision.decision_id,
        )
        out.append((item.id, now))
    return out


def seed_policy_feedback(ctx: SeedContext) -> None:
    """Module 4's lab flags and two from live decisions; leads accept, finish or reject most."""
    lab_day = ctx.days(Phase.TRAINING)[7]  # Wednesday of week 10: "write feedback"
    flagged: list[tuple[int, datetime]] = []
    with transaction(ctx.sessions) as session:
        for n, (uid, ref, problem, proposal) in enumerate(LAB_FLAGS):
            prefill = _prefill(ctx, ref)
            now = ctx.at(lab_day, 14, 10 * n)
            item, _ = record_flag(
                session=session,
                now=now,
                author=_person(session, uid),
                key=f"seed:policy-flag:lab:{n}",
                source="command",
                flag=FlagInput(prefill.rule or ref, problem, proposal),
                prefill=prefill,
            )
            flagged.append((item.id, now))
        flagged += _live_flags(ctx, session)
        ctx.counts["policy_feedback"] += len(flagged)
        for index, lead, status, days, reason in DECISIONS:
            if index >= len(flagged):
                continue
            item_id, raised = flagged[index]
            set_status(
                session=session,
                now=raised + timedelta(days=days),
                actor=_person(session, lead),
                feedback_id=item_id,
                status=status,
                reason=reason,
            )
            ctx.counts["policy_feedback_decided"] += 1


def seed_proposals(ctx: SeedContext) -> None:
    """Each weekday of weeks 11–12 at 08:30 the proposals are raised; a lead accepts a standing rule."""
    limits = ctx.program.patterns.proposals
    days: list[date] = [*ctx.days(Phase.PARALLEL_RUN), *ctx.days(Phase.SWITCHOVER)]
    for day in days[1:]:  # each morning, over the days before
        with transaction(ctx.sessions) as session:
            now = ctx.at(day, 8, 30)
            raised = raise_proposals(session=session, now=now, period=iso_week(day), limits=limits)
            ctx.counts["proposals"] += len(raised)
            for proposal in raised:
                if proposal.kind == STANDING and proposal.policy_rule == RULES["customer_exemption"]:
                    decide_proposal(
                        session=session,
                        now=now + timedelta(hours=3),
                        proposal_id=proposal.id,
                        lead=_person(session, ACCEPTING_LEAD),
                        accept=True,
                    )
                    ctx.counts["process_improvements"] += 1
