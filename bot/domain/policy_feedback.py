"""Policy feedback (roadmap Module 4: read policies, spot ambiguities, write feedback).

Anyone on the roster may flag a policy rule from a scenario card, a live decision's review
post or ``/casebook flag-policy``: which rule (prefilled from the card's policy excerpt when
it follows the grammar), what is ambiguous or wrong, and a proposed clarification. Leads and
admins work the queue, grouped by policy and rule: accept, reject (with a reason) or mark
done. Each change is audited; the flow tells the author through the delivery ledger.

Statuses move one way: open → accepted | rejected, accepted → done | rejected. An accepted
item counts as a documented process improvement of the lead who accepted it, in the month
they accepted it (``bot.domain.red_flags``), whether or not it is done yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from bot.db.audit import append_event
from bot.db.models import Assignment, Decision, Person, ScenarioVersion
from bot.db.models_policy import PolicyFeedback
from bot.domain.errors import Conflict, DomainError, NotFound
from bot.domain.policy_grammar import parse_rule

MAX_RULE = 200
MAX_TEXT = 2000
MIN_TEXT = 10  # "unclear" alone tells a lead nothing to act on
MAX_REASON = 1000
OPEN_STATUSES = ("open", "accepted")
NEXT_STATUS = {"open": ("accepted", "rejected"), "accepted": ("done", "rejected")}
RULE_FIELD, PROBLEM_FIELD, PROPOSAL_FIELD, REASON_FIELD = "rule", "problem", "proposal", "reason"


@dataclass(frozen=True)
class RulePrefill:
    """The rule a card or decision quotes, as far as Casebook knows it."""

    policy: str | None = None
    version: str | None = None
    rule: str | None = None  # rule name (grammar) or the engineer's own "policy applied" words
    title: str | None = None  # the scenario or decision that raised it

    @property
    def label(self) -> str:
        """`resource-tagging v2.1 · require-cost-center`, or the free text, or empty."""
        if self.policy and self.rule:
            return (
                f"{self.policy} v{self.version} · {self.rule}"
                if self.version
                else f"{self.policy} · {self.rule}"
            )
        return self.rule or ""


@dataclass(frozen=True)
class FlagInput:
    rule: str
    problem: str
    proposal: str


def _text(value: str | None) -> str:
    return (value or "").strip()


def validate_flag(
    *, rule: str | None, problem: str | None, proposal: str | None
) -> tuple[FlagInput | None, dict[str, str]]:
    """The form's three fields checked: errors keyed by field, each saying what to do."""
    errors: dict[str, str] = {}
    rule_text, problem_text, proposal_text = _text(rule), _text(problem), _text(proposal)
    if not rule_text:
        errors[RULE_FIELD] = "Name the rule, e.g. `resource-tagging · require-cost-center`."
    elif len(rule_text) > MAX_RULE:
        errors[RULE_FIELD] = f"Keep the rule under {MAX_RULE} characters (it has {len(rule_text)})."
    for name, text, what in (
        (PROBLEM_FIELD, problem_text, "what is ambiguous or wrong"),
        (PROPOSAL_FIELD, proposal_text, "the clarification you propose"),
    ):
        if len(text) < MIN_TEXT:
            errors[name] = f"Say {what} in at least {MIN_TEXT} characters."
        elif len(text) > MAX_TEXT:
            errors[name] = f"Keep it under {MAX_TEXT} characters (it has {len(text)})."
    if errors:
        return None, errors
    return FlagInput(rule_text, problem_text, proposal_text), {}


def _from_version(version: ScenarioVersion | None) -> RulePrefill:
    if version is None:
        return RulePrefill()
    title = str(version.content.get("title") or "") or None
    rule = parse_rule(str(version.content.get("policy") or ""))
    if rule is None:
        return RulePrefill(title=title)
    return RulePrefill(policy=rule.policy, version=rule.version, rule=rule.rule, title=title)


NOT_YOURS = "You can flag the policy of your own cards and decisions, and of decisions you review."


def prefill_for_card(*, session: Session, assignment_id: int, person_id: int) -> RulePrefill:
    """The rule quoted on a scenario card, for the card's owner only (it may be a held-out
    assessment card: nobody else learns what it quotes)."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or assignment.person_id != person_id:
        raise NotFound(NOT_YOURS)
    return _from_version(session.get(ScenarioVersion, assignment.scenario_version_id))


def prefill_for_decision(
    *, session: Session, decision_id: int, person_id: int, reviewer: bool
) -> RulePrefill:
    """A decision's rule (its scenario's excerpt, else the policy the engineer says they applied),
    for its author and reviewers only."""
    decision = session.get(Decision, decision_id)
    if decision is None or (decision.person_id != person_id and not reviewer):
        raise NotFound(NOT_YOURS)
    if decision.scenario_version_id is not None:
        found = _from_version(session.get(ScenarioVersion, decision.scenario_version_id))
        if found.rule:
            return found
    words = " ".join(str(decision.justification.get("policy") or "").split())
    return RulePrefill(rule=words[:MAX_RULE] or None, title=decision.title)


def _names(prefill: RulePrefill, typed: str) -> tuple[str | None, str | None, str]:
    """(policy, version, rule) to store: the card's names unless the author changed the rule."""
    if prefill.policy and typed in (prefill.label, prefill.rule):
        return prefill.policy, prefill.version, str(prefill.rule)
    return None, None, typed


def record_flag(
    *,
    session: Session,
    now: datetime,
    author: Person,
    key: str,
    source: str,
    flag: FlagInput,
    prefill: RulePrefill,
    assignment_id: int | None = None,
    decision_id: int | None = None,
) -> tuple[PolicyFeedback, bool]:
    """Store one flagged rule (once per ``key``, the submitted form); True when it is new."""
    existing = session.execute(
        select(PolicyFeedback).where(PolicyFeedback.idempotency_key == key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing, False
    policy, version, rule = _names(prefill, flag.rule)
    item = PolicyFeedback(
        idempotency_key=key,
        author_id=author.id,
        source=source,
        assignment_id=assignment_id,
        decision_id=decision_id,
        title=prefill.title[:300] if prefill.title else None,
        policy=policy,
        version=version,
        rule=rule,
        problem=flag.problem,
        proposal=flag.proposal,
        status="open",
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(item)
            session.flush()
    except IntegrityError:  # the same form stored twice at once: the first one counts
        found = session.execute(
            select(PolicyFeedback).where(PolicyFeedback.idempotency_key == key)
        ).scalar_one()
        return found, False
    append_event(
        session=session,
        now=now,
        actor=author.slack_user_id,
        action="policy_feedback.flagged",
        subject_type="policy_feedback",
        subject_id=item.id,
        payload={
            "policy": policy,
            "version": version,
            "rule": rule,
            "source": source,
            "assignment_id": assignment_id,
            "decision_id": decision_id,
        },
    )
    return item, True


def check_reason(reason: str | None) -> str:
    text = _text(reason)
    if len(text) < MIN_TEXT:
        raise DomainError(f"Say why it is rejected in at least {MIN_TEXT} characters; the author reads it.")
    if len(text) > MAX_REASON:
        raise DomainError(f"Keep the reason under {MAX_REASON} characters (it has {len(text)}).")
    return text


def set_status(
    *,
    session: Session,
    now: datetime,
    actor: Person,
    feedback_id: int,
    status: str,
    reason: str | None = None,
) -> tuple[PolicyFeedback, bool]:
    """Move an item to ``status``; False when it is already there (a repeated click)."""
    item = session.get(PolicyFeedback, feedback_id, with_for_update=True)
    if item is None:
        raise NotFound("That policy feedback no longer exists.")
    if item.status == status:
        return item, False
    if status not in NEXT_STATUS.get(item.status, ()):
        raise Conflict(f"Feedback #{item.id} is already {item.status}; it can't be marked {status}.")
    text = check_reason(reason) if status == "rejected" else None
    before = item.status
    item.status, item.status_by_id, item.status_at = status, actor.id, now
    if status == "accepted":
        item.accepted_by_id, item.accepted_at = actor.id, now
    if status == "rejected":
        item.reason = text
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=actor.slack_user_id,
        action=f"policy_feedback.{status}",
        subject_type="policy_feedback",
        subject_id=item.id,
        reason=text,
        payload={"before": before, "after": status},
    )
    return item, True


@dataclass(frozen=True)
class FeedbackItem:
    """One item as plain data (queue, report, export)."""

    id: int
    policy: str | None
    version: str | None
    rule: str
    problem: str
    proposal: str
    status: str
    reason: str | None
    source: str
    author_slack_id: str
    author_name: str
    created_at: datetime
    assignment_id: int | None
    decision_id: int | None
    title: str | None  # the scenario or decision that raised it
    status_by_name: str | None
    status_at: datetime | None
    accepted_at: datetime | None

    def as_row(self) -> dict[str, Any]:
        """A flat row for CSV / JSONL (datetimes as ISO-8601)."""
        row: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            row[name] = value.isoformat() if isinstance(value, datetime) else value
        return row


@dataclass(frozen=True)
class RuleGroup:
    """Every item about one policy rule (or one free-text rule), newest first."""

    policy: str | None
    rule: str
    items: tuple[FeedbackItem, ...] = field(default_factory=tuple)

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def label(self) -> str:
        return f"{self.policy} · {self.rule}" if self.policy else self.rule


def feedback_items(
    *, session: Session, statuses: Sequence[str] | None = None, author_id: int | None = None
) -> list[FeedbackItem]:
    """Items as plain data, oldest first; optionally only some statuses or one author's."""
    author, changer = aliased(Person), aliased(Person)
    query = (
        select(PolicyFeedback, author.slack_user_id, author.name, changer.name)
        .join(author, author.id == PolicyFeedback.author_id)
        .outerjoin(changer, changer.id == PolicyFeedback.status_by_id)
        .order_by(PolicyFeedback.created_at, PolicyFeedback.id)
    )
    if statuses is not None:
        query = query.where(PolicyFeedback.status.in_(list(statuses)))
    if author_id is not None:
        query = query.where(PolicyFeedback.author_id == author_id)
    return [
        FeedbackItem(
            id=f.id,
            policy=f.policy,
            version=f.version,
            rule=f.rule,
            problem=f.problem,
            proposal=f.proposal,
            status=f.status,
            reason=f.reason,
            source=f.source,
            author_slack_id=slack_id,
            author_name=name,
            created_at=f.created_at,
            assignment_id=f.assignment_id,
            decision_id=f.decision_id,
            title=f.title,
            status_by_name=changed_by,
            status_at=f.status_at,
            accepted_at=f.accepted_at,
        )
        for f, slack_id, name, changed_by in session.execute(query).all()
    ]


def group_by_rule(items: Sequence[FeedbackItem]) -> list[RuleGroup]:
    """Items grouped by (policy, rule), the most flagged rule first (ties: the oldest first)."""
    groups: dict[tuple[str | None, str], list[FeedbackItem]] = {}
    for item in items:
        groups.setdefault((item.policy, item.rule.lower() if item.policy is None else item.rule), []).append(
            item
        )
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[1][0].created_at))
    return [
        RuleGroup(policy=policy, rule=found[0].rule, items=tuple(reversed(found)))
        for (policy, _), found in ordered
    ]


@dataclass(frozen=True)
class PolicyFeedbackReport:
    """For the evidence report: every item, the groups, and counts by status."""

    items: tuple[FeedbackItem, ...]
    groups: tuple[RuleGroup, ...]
    by_status: dict[str, int]


def policy_feedback_report(*, session: Session) -> PolicyFeedbackReport:
    """Every policy feedback item as plain data, grouped by rule, with counts by status."""
    items = feedback_items(session=session)
    counts = {status: 0 for status in ("open", "accepted", "rejected", "done")}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return PolicyFeedbackReport(items=tuple(items), groups=tuple(group_by_rule(items)), by_status=counts)
