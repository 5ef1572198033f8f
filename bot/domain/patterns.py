"""Exception patterns → policy proposals (issue 18 item 6).

Live decisions are grouped by their policy rule over a rolling window (``window_weeks``).

* **Consider a standing rule** — at least ``min_approvals`` approvals under the rule carry
  the *same conditions* and at most ``max_overturns`` of the rule's decisions in the window
  were overturned. "Same conditions" means equal after :func:`normalise_conditions`: case,
  punctuation, spacing, Slack ids, links and emails ignored; words and numbers must match
  (so "expires in 48h" and "Expires in 48 h." differ only if their words or numbers differ).
  Overturned approvals never count as approvals.
* **Clarify this rule** — at least ``clarify_min_overturns`` of the rule's decisions in the
  window were overturned, and they are at least ``clarify_min_share`` of those reviewed.

A proposal is one row per (rule, kind, ISO week raised); while one is open or was accepted,
the same (rule, kind) is not raised again. Accepting records a process improvement.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import Decision, Person
from bot.db.models_patterns import PatternProposal, ProcessImprovement
from bot.domain.errors import DomainError
from bot.program_patterns import ProposalThresholds

STANDING = "standing"
CLARIFY = "clarify"
_NOISE = re.compile(r"<[^>]*>|https?://\S+|\b[UCWGB][A-Z0-9]{6,}\b|\S+@\S+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise_conditions(raw: str | None) -> str:
    """Conditions text reduced to its words and numbers (see the module docstring)."""
    cleaned = _NOISE.sub(" ", raw or "").lower()
    # "48 h" and "48h" are the same duration: glue a number to its unit letter.
    cleaned = re.sub(r"\b(\d+)\s+([hdw])\b", r"\1\2", cleaned)
    return " ".join(_NOT_WORD.sub(" ", cleaned).split())


@dataclass(frozen=True)
class RuleStats:
    """One rule's live decisions in the window."""

    policy_rule: str
    decisions: int
    reviewed: int
    overturns: int
    approvals: int  # the largest group of same-conditions approvals (not overturned)
    conditions: str | None  # that group's conditions, as first written
    evidence: tuple[int, ...]  # that group's decision ids (or the overturned ones, for clarify)
    overturned: tuple[int, ...]


@dataclass(frozen=True)
class Finding:
    kind: str
    stats: RuleStats


def rule_stats(*, session: Session, since: datetime, until: datetime) -> list[RuleStats]:
    """Per policy rule: counts of the live decisions made in [since, until)."""
    rows = session.execute(
        select(
            Decision.id,
            Decision.policy_rule,
            Decision.verdict,
            Decision.review_status,
            Decision.justification,
        )
        .where(Decision.kind == "live", Decision.policy_rule.is_not(None))
        .where(Decision.decided_at >= since, Decision.decided_at < until)
        .order_by(Decision.decided_at, Decision.id)
    ).all()
    by_rule: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_rule[str(row.policy_rule)].append(row)
    return [_stats(rule, items) for rule, items in sorted(by_rule.items())]


def _stats(rule: str, rows: list[Any]) -> RuleStats:
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if row.verdict == "approve" and row.review_status != "overturned":
            groups[normalise_conditions((row.justification or {}).get("conditions"))].append(row)
    best = max(groups.values(), key=len, default=[])
    overturned = tuple(r.id for r in rows if r.review_status == "overturned")
    return RuleStats(
        policy_rule=rule,
        decisions=len(rows),
        reviewed=sum(1 for r in rows if r.review_status in ("upheld", "overturned")),
        overturns=len(overturned),
        approvals=len(best),
        conditions=(best[0].justification or {}).get("conditions") if best else None,
        evidence=tuple(r.id for r in best),
        overturned=overturned,
    )


def findings(stats: list[RuleStats], limits: ProposalThresholds) -> list[Finding]:
    """Which rules cross which threshold (both sides of each are tested)."""
    found = []
    for s in stats:
        if s.approvals >= limits.min_approvals and s.overturns <= limits.max_overturns:
            found.append(Finding(STANDING, s))
        share = s.overturns / s.reviewed if s.reviewed else 0.0
        if s.overturns >= limits.clarify_min_overturns and share >= limits.clarify_min_share:
            found.append(Finding(CLARIFY, s))
    return found


def _blocked(*, session: Session, policy_rule: str, kind: str) -> bool:
    """An open or accepted proposal of this kind for this rule already exists."""
    return (
        session.execute(
            select(PatternProposal.id)
            .where(
                PatternProposal.policy_rule == policy_rule,
                PatternProposal.kind == kind,
                PatternProposal.status.in_(("open", "accepted")),
            )
            .limit(1)
        ).first()
        is not None
    )


def raise_proposals(
    *, session: Session, now: datetime, period: str, limits: ProposalThresholds
) -> list[PatternProposal]:
    """Insert the proposals the window crosses into; returns only those new in this call."""
    since = now - timedelta(weeks=limits.window_weeks)
    created = []
    for finding in findings(rule_stats(session=session, since=since, until=now), limits):
        s = finding.stats
        if _blocked(session=session, policy_rule=s.policy_rule, kind=finding.kind):
            continue
        proposal = PatternProposal(
            policy_rule=s.policy_rule,
            kind=finding.kind,
            period=period,
            status="open",
            approvals=s.approvals,
            overturns=s.overturns,
            reviewed=s.reviewed,
            window_weeks=limits.window_weeks,
            conditions=s.conditions if finding.kind == STANDING else None,
            evidence=list(s.evidence if finding.kind == STANDING else s.overturned),
            raised_at=now,
        )
        try:
            with session.begin_nested():  # a concurrent run raised it first: keep theirs
                session.add(proposal)
                session.flush()
        except IntegrityError:
            continue
        append_event(
            session=session,
            now=now,
            actor="casebook",
            action="proposal.raised",
            subject_type="pattern_proposal",
            subject_id=proposal.id,
            payload={"policy_rule": s.policy_rule, "kind": finding.kind, "evidence": proposal.evidence},
        )
        created.append(proposal)
    return created


@dataclass(frozen=True)
class ProposalView:
    """A proposal as leads see it."""

    id: int
    policy_rule: str
    kind: str
    status: str
    approvals: int
    overturns: int
    reviewed: int
    window_weeks: int
    conditions: str | None
    evidence: tuple[int, ...]
    raised_at: datetime
    decided_at: datetime | None


def view(p: PatternProposal) -> ProposalView:
    return ProposalView(
        id=p.id,
        policy_rule=p.policy_rule,
        kind=p.kind,
        status=p.status,
        approvals=p.approvals,
        overturns=p.overturns,
        reviewed=p.reviewed,
        window_weeks=p.window_weeks,
        conditions=p.conditions,
        evidence=tuple(int(i) for i in p.evidence),
        raised_at=p.raised_at,
        decided_at=p.decided_at,
    )


def headline(p: ProposalView) -> str:
    """The proposal in one line (plain text; the rule is kebab-case, no user text)."""
    policy, _, rule = p.policy_rule.partition("/")
    if p.kind == STANDING:
        return (
            f"policy {policy} rule {rule}: {p.approvals} approvals with the same conditions in "
            f"{p.window_weeks} weeks, {p.overturns} overturned — consider a standing rule"
        )
    return (
        f"policy {policy} rule {rule}: {p.overturns} of {p.reviewed} reviewed decisions overturned in "
        f"{p.window_weeks} weeks — clarify this rule"
    )


def open_proposals(*, session: Session) -> list[ProposalView]:
    rows = session.execute(
        select(PatternProposal).where(PatternProposal.status == "open").order_by(PatternProposal.id)
    ).scalars()
    return [view(p) for p in rows]


def decide_proposal(
    *, session: Session, now: datetime, proposal_id: int, lead: Person, accept: bool
) -> tuple[ProposalView, bool]:
    """Accept (records a process improvement) or dismiss; (the proposal, whether this call decided it)."""
    proposal = session.get(PatternProposal, proposal_id, with_for_update=True)
    if proposal is None:
        raise DomainError("That proposal no longer exists.")
    if proposal.status != "open":
        return view(proposal), False  # a double click or a replay: decided once
    proposal.status = "accepted" if accept else "dismissed"
    proposal.decided_at = now
    proposal.decided_by = lead.id
    summary = headline(view(proposal))
    if accept:
        improvement = ProcessImprovement(
            proposal_id=proposal.id,
            policy_rule=proposal.policy_rule,
            summary=summary,
            recorded_at=now,
            recorded_by=lead.id,
        )
        session.add(improvement)
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=lead.slack_user_id,
        action="process_improvement.recorded" if accept else "proposal.dismissed",
        subject_type="pattern_proposal",
        subject_id=proposal.id,
        reason=summary[:500],
        payload={"policy_rule": proposal.policy_rule, "kind": proposal.kind},
    )
    return view(proposal), True


@dataclass(frozen=True)
class Improvement:
    """A documented process improvement (an accepted proposal)."""

    id: int
    proposal_id: int
    policy_rule: str
    summary: str
    recorded_at: datetime
    recorded_by: int | None = None  # the lead who accepted it (the red flag counts per lead)


def accepted_improvements(*, session: Session, since: datetime, until: datetime) -> list[Improvement]:
    """Process improvements recorded in [since, until) (for the red-flags counter)."""
    rows = session.execute(
        select(ProcessImprovement)
        .where(ProcessImprovement.recorded_at >= since, ProcessImprovement.recorded_at < until)
        .order_by(ProcessImprovement.recorded_at, ProcessImprovement.id)
    ).scalars()
    return [
        Improvement(r.id, r.proposal_id, r.policy_rule, r.summary, r.recorded_at, r.recorded_by) for r in rows
    ]


def proposals_report(*, session: Session) -> list[dict[str, Any]]:
    """Every proposal as plain data, newest first (for the report engineer)."""
    rows = session.execute(select(PatternProposal).order_by(PatternProposal.id.desc())).scalars()
    return [
        {
            "id": p.id,
            "policy_rule": p.policy_rule,
            "kind": p.kind,
            "status": p.status,
            "period": p.period,
            "approvals": p.approvals,
            "overturns": p.overturns,
            "reviewed": p.reviewed,
            "window_weeks": p.window_weeks,
            "conditions": p.conditions,
            "evidence": list(p.evidence),
            "headline": headline(view(p)),
            "raised_at": p.raised_at.isoformat(),
            "decided_at": p.decided_at.isoformat() if p.decided_at else None,
        }
        for p in rows
    ]
