"""Exception patterns and precedents: what the log form, reviews, `/casebook precedents`, the
`patterns` job and the leads' Accept / Dismiss do (issue 18 items 6 and 8)."""

from __future__ import annotations

from datetime import datetime, timedelta

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.engine import read_transaction, transaction
from bot.deps import Deps
from bot.domain.deliveries import enqueue
from bot.domain.drafts import draft_from_decision, recent_reviewed
from bot.domain.errors import Forbidden
from bot.domain.patterns import (
    ProposalView,
    decide_proposal,
    headline,
    open_proposals,
    raise_proposals,
    view,
)
from bot.domain.people import PersonView, active_with_role
from bot.domain.policy_refs import known_rules
from bot.domain.precedents import Precedent, decision_links, find_precedents, precedents_of_decision
from bot.domain.scheduling import people_with_roles
from bot.domain.vocab import Role
from bot.domain.weeks import week_label
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.patterns import draft_message, drafts_section, proposal_blocks, proposals_section

JOB = "pattern-proposal"
DRAFT_JOB = "scenario-draft"
LEADS = frozenset({Role.LEAD})
NOT_A_LEAD = "Only leads decide policy proposals."


def policy_rules(*, deps: Deps) -> list[str]:
    """The rules the log form offers (cached: the library does not change while running)."""
    cached: list[str] | None = deps.extras.get("patterns.rules")
    if cached is None:
        cached = known_rules(deps.library)
        deps.extras["patterns.rules"] = cached
    return cached


def precedents_for(
    *, deps: Deps, policy_rule: str | None, about: str | None, exclude_id: int | None = None
) -> list[Precedent]:
    """The closest past live decisions (bounded: a few ids per query, one read of the rows)."""
    settings = deps.program.patterns.precedents
    with read_transaction(deps.sessions) as session:
        return find_precedents(
            session=session,
            policy_rule=policy_rule,
            about=about,
            limit=settings.limit,
            anonymise=settings.anonymise,
            exclude_id=exclude_id,
        )


def precedents_for_review(*, deps: Deps, decision_id: int) -> list[Precedent]:
    """What a mentor sees beside a live decision they review (never for practice)."""
    settings = deps.program.patterns.precedents
    with read_transaction(deps.sessions) as session:
        return precedents_of_decision(
            session=session, decision_id=decision_id, limit=settings.limit, anonymise=settings.anonymise
        )


def raise_and_notify(*, deps: Deps, at: datetime) -> int:
    """Raise what the window crosses and DM every active lead once per proposal; returns the DMs queued."""
    period = week_label(at, deps.program.tz)
    queued = 0
    with transaction(deps.sessions) as session:
        created = raise_proposals(
            session=session, now=at, period=period, limits=deps.program.patterns.proposals
        )
        leads = [p for p in people_with_roles(session=session, roles=LEADS) if p.status == "active"]
        recipients = [p.slack_user_id for p in leads]
        for proposal in created:
            queued += _notify(session=session, at=at, shown=view(proposal), leads=recipients)
    if queued:
        deps.dispatcher.kick()
    return queued


def _notify(*, session: Session, at: datetime, shown: ProposalView, leads: list[str]) -> int:
    """One DM per lead, keyed (job, lead, proposal) in the ledger: never lost, never doubled."""
    blocks = proposal_blocks(shown, links=decision_links(session=session, ids=shown.evidence))
    count = 0
    for lead in leads:
        result = enqueue(
            session=session,
            now=at,
            job=JOB,
            recipient=lead,
            period=f"proposal-{shown.id}",
            method="chat.postMessage",
            payload={"channel": lead, "text": headline(shown), "blocks": to_dicts(blocks)},
            grace_until=at + timedelta(days=3),
        )
        count += int(result.created)
    return count


def decide(*, deps: Deps, slack_user_id: str, proposal_id: int, accept: bool) -> tuple[ProposalView, bool]:
    """A lead accepts or dismisses a proposal (a second click or a replay changes nothing)."""
    with transaction(deps.sessions) as session:
        lead = active_with_role(
            session=session, slack_user_id=slack_user_id, roles=LEADS, refusal=NOT_A_LEAD, error=Forbidden
        )
        return decide_proposal(
            session=session, now=deps.clock.now(), proposal_id=proposal_id, lead=lead, accept=accept
        )


def proposals_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """App Home (leads): the open proposals with Accept / Dismiss."""
    if not person.has_any(LEADS):
        return []
    proposals = open_proposals(session=session)
    links = decision_links(session=session, ids={i for p in proposals[:5] for i in p.evidence[:20]})
    return proposals_section(proposals, links=links)


def drafts_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """App Home (leads): recently reviewed live decisions with a *Draft a practice scenario* button."""
    if not person.has_any(LEADS):
        return []
    items = recent_reviewed(session=session, limit=3)
    return drafts_section([(r.decision_id, r.title, r.review_status) for r in items])


def send_draft(*, deps: Deps, slack_user_id: str, decision_id: int) -> bool:
    """DM a lead the draft of a reviewed live decision (ledger-keyed: a second click sends nothing)."""
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        active_with_role(
            session=session,
            slack_user_id=slack_user_id,
            roles=LEADS,
            refusal="Only leads turn live decisions into practice scenarios.",
            error=Forbidden,
        )
        draft = draft_from_decision(session=session, decision_id=decision_id, library=deps.library)
        blocks = draft_message(decision_id=decision_id, path=draft.path, yaml_text=draft.yaml_text)
        result = enqueue(
            session=session,
            now=now,
            job=DRAFT_JOB,
            recipient=slack_user_id,
            period=f"decision-{decision_id}",
            method="chat.postMessage",
            payload={
                "channel": slack_user_id,
                "text": f"Practice scenario draft from live decision #{decision_id}",
                "blocks": to_dicts(blocks),
            },
            grace_until=now + timedelta(days=1),
        )
    if result.created:
        deps.dispatcher.kick()
    return result.created
