"""Policy feedback: open the flag form, store a flag, the leads' queue and its status changes,
the PM's red-flags section, and the export.

Anyone active on the roster may flag a rule; leads and admins (:data:`QUEUE_ROLES`) work the
queue. The author hears of every status change by DM through the delivery ledger, keyed by
(item, status), so a replayed click never tells them twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.db.engine import read_transaction, transaction
from bot.db.models import Person
from bot.deps import Deps
from bot.domain.errors import DomainError, NotFound
from bot.domain.people import PersonView, find_by_slack_id
from bot.domain.policy_feedback import (
    FlagInput,
    RulePrefill,
    feedback_items,
    group_by_rule,
    prefill_for_card,
    prefill_for_decision,
    record_flag,
    set_status,
)
from bot.domain.red_flags import red_flags_report
from bot.domain.vocab import REVIEWERS, Role
from bot.flows.links import message_url
from bot.flows.notify import enqueue_dm
from bot.flows.review_outbox import find_review_post
from bot.slack.blocks.common import esc
from bot.slack.blocks.policy_feedback import (
    GROUPS_SHOWN,
    feedback_queue_blocks,
    flag_modal,
    red_flags_blocks,
    reject_modal,
    status_note,
)
from bot.slack.metadata import FlagMeta

QUEUE_ROLES: frozenset[str] = frozenset({Role.LEAD, Role.ADMIN})
RED_FLAG_VIEWERS: frozenset[str] = frozenset({Role.PM, Role.ADMIN})
STATUS_JOB = "policy-feedback-status"
NOT_ON_ROSTER = "Flagging a policy is for people in the program; ask your program admin to add you."
NOT_A_LEAD = "Only leads and admins work the policy feedback queue."


def _active(session: Session, slack_user_id: str) -> Person:
    person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
    if person is None or person.status != "active":
        raise DomainError(NOT_ON_ROSTER)
    return person


def _prefill(session: Session, person: Person, source: str, target_id: int | None) -> RulePrefill:
    if target_id is None:
        return RulePrefill()
    if source == "card":
        return prefill_for_card(session=session, assignment_id=target_id, person_id=person.id)
    reviewer = bool(person.role_names & REVIEWERS)
    return prefill_for_decision(
        session=session, decision_id=target_id, person_id=person.id, reviewer=reviewer
    )


def flag_form(*, deps: Deps, slack_user_id: str, meta: FlagMeta) -> View:
    """The flag modal, its rule prefilled from the card or decision that raised it."""
    with read_transaction(deps.sessions) as session:
        prefill = _prefill(session, _active(session, slack_user_id), meta.source, meta.id)
    return flag_modal(meta=meta, prefill=prefill)


def submit_flag(*, deps: Deps, slack_user_id: str, view_id: str, meta: FlagMeta, flag: FlagInput) -> int:
    """Store the flag once per submitted form; returns its id."""
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        author = _active(session, slack_user_id)
        prefill = _prefill(session, author, meta.source, meta.id)
        item, _ = record_flag(
            session=session,
            now=now,
            author=author,
            key=f"flag:{view_id}",
            source=meta.source,
            flag=flag,
            prefill=prefill,
            assignment_id=meta.id if meta.source == "card" else None,
            decision_id=meta.id if meta.source == "decision" else None,
        )
        return item.id


def _lead(session: Session, slack_user_id: str) -> Person:
    person = _active(session, slack_user_id)
    if not person.role_names & QUEUE_ROLES:
        raise DomainError(NOT_A_LEAD)
    return person


def open_reject(*, deps: Deps, slack_user_id: str, feedback_id: int) -> View:
    """The reject modal for a lead (refused to anyone else before a form opens)."""
    with read_transaction(deps.sessions) as session:
        _lead(session, slack_user_id)
        item = next((i for i in feedback_items(session=session) if i.id == feedback_id), None)
    if item is None:
        raise NotFound("That policy feedback no longer exists.")
    if item.status not in ("open", "accepted"):
        raise DomainError(f"Feedback #{item.id} is already {item.status}.")
    return reject_modal(item=item)


@dataclass(frozen=True)
class StatusChange:
    feedback_id: int
    status: str
    changed: bool  # False: it already had that status (a repeated click)


def change_status(
    *, deps: Deps, slack_user_id: str, feedback_id: int, status: str, reason: str | None = None
) -> StatusChange:
    """Accept, reject (with a reason) or mark done; the author is told by DM, once per status."""
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        lead = _lead(session, slack_user_id)
        _, changed = set_status(
            session=session, now=now, actor=lead, feedback_id=feedback_id, status=status, reason=reason
        )
        item = next(i for i in feedback_items(session=session) if i.id == feedback_id)
        if changed:
            text = esc(status_note(item=item, status=status, by=lead.name))
            enqueue_dm(
                session=session,
                now=now,
                job=STATUS_JOB,
                user_id=item.author_slack_id,
                period=f"{feedback_id}:{status}",
                text=text,
            )
    if changed:
        deps.dispatcher.kick()
    return StatusChange(feedback_id, status, changed)


def _decision_links(deps: Deps, session: Session, decision_ids: set[int]) -> dict[int, str]:
    links: dict[int, str] = {}
    for decision_id in sorted(decision_ids):
        post = find_review_post(session=session, decision_id=decision_id)
        if post is not None and post.channel and post.ts:
            links[decision_id] = message_url(deps, post.channel, post.ts)
    return links


def feedback_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """App Home for leads and admins: open and accepted feedback, grouped by policy and rule."""
    if not person.has_any(QUEUE_ROLES):
        return []
    groups = group_by_rule(feedback_items(session=session, statuses=("open", "accepted")))
    shown = groups[:GROUPS_SHOWN]
    ids = {i.decision_id for g in shown for i in g.items if i.decision_id is not None}
    links = _decision_links(deps, session, ids)
    return feedback_queue_blocks(groups=shown, links=links, total_groups=len(groups))


def red_flags_home_section(deps: Deps, session: Session, person: PersonView, now: datetime) -> list[Block]:
    """App Home for PMs and admins: the role-design red flags with source and threshold."""
    if not person.has_any(RED_FLAG_VIEWERS):
        return []
    return red_flags_blocks(report=red_flags_report(session=session, program=deps.program, at=now))
