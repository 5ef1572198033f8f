"""The five questions people ask of the audit trail, as plain queries over the records.

Each query returns rows as ordered dicts (the column order is the one printed), so
the CLI can render them as a table, CSV or JSON Lines. Dates and ISO weeks are read
in the program's timezone; timestamps come back as ISO-8601 UTC.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bot.db.audit import event_row
from bot.db.audit_chain import keyring_of, row_ok
from bot.db.models import AuditEvent, Decision, MentorPair, Person, Review, Scenario, ScenarioVersion
from bot.domain.errors import NotFound
from bot.domain.people import find_by_slack_id
from bot.domain.vocab import Verdict
from bot.domain.weeks import days_range, week_range

Row = dict[str, Any]
DECISION_COLUMNS = (
    "decision_id",
    "decided_at",
    "kind",
    "category",
    "title",
    "verdict",
    "confidence",
    "review_status",
    "reviewer",
    "source",
)
ESCALATION_COLUMNS = ("category", "decisions", "escalations", "share", "decision_ids")
OVERTURN_COLUMNS = (
    "decision_id",
    "kind",
    "engineer",
    "category",
    "title",
    "decided",
    "should_have_been",
    "reviewer",
    "comment",
    "decided_at",
    "reviewed_at",
)
PENDING_COLUMNS = (
    "decision_id",
    "kind",
    "engineer",
    "mentor",
    "category",
    "title",
    "verdict",
    "decided_at",
    "waiting_hours",
)


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _source(session: Session, decision: Decision) -> str:
    if decision.scenario_version_id is not None:
        version = session.get(ScenarioVersion, decision.scenario_version_id)
        scenario = session.get(Scenario, version.scenario_id) if version else None
        if version is not None and scenario is not None:
            return f"scenario {scenario.slug} v{version.version}"
    return decision.source_url or ""


def decisions_by_person(
    *,
    session: Session,
    slack_user_id: str,
    first: date,
    last: date,
    tz: ZoneInfo,
    kind: str | None = None,
) -> list[Row]:
    """1. Every decision one person made between two local dates (inclusive), oldest first."""
    person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
    if person is None:
        raise NotFound(f"{slack_user_id} is not on the roster.")
    start, end = days_range(first, last, tz)
    reviewer = aliased(Person)
    query = (
        select(Decision, reviewer.slack_user_id)
        .outerjoin(Review, Review.decision_id == Decision.id)
        .outerjoin(reviewer, reviewer.id == Review.reviewer_id)
        .where(Decision.person_id == person.id, Decision.decided_at >= start, Decision.decided_at < end)
    )
    if kind:
        query = query.where(Decision.kind == kind)
    rows = session.execute(query.order_by(Decision.decided_at, Decision.id)).all()
    return [
        {
            "decision_id": d.id,
            "decided_at": iso(d.decided_at),
            "kind": d.kind,
            "category": d.category,
            "title": d.title,
            "verdict": d.verdict,
            "confidence": d.confidence,
            "review_status": d.review_status,
            "reviewer": reviewer_id or "",
            "source": _source(session, d),
        }
        for d, reviewer_id in rows
    ]


def escalations_by_category(
    *, session: Session, week: str, tz: ZoneInfo, kind: str | None = "live"
) -> list[Row]:
    """2. Per category, how many decisions in an ISO week were escalations (most first)."""
    start, end = week_range(week, tz)
    query = select(Decision.id, Decision.category, Decision.verdict).where(
        Decision.decided_at >= start, Decision.decided_at < end
    )
    if kind:
        query = query.where(Decision.kind == kind)
    totals: dict[str, list[int]] = {}
    escalated: dict[str, list[int]] = {}
    for decision_id, category, verdict in session.execute(query.order_by(Decision.id)).all():
        totals.setdefault(category, []).append(decision_id)
        if verdict == Verdict.ESCALATE:
            escalated.setdefault(category, []).append(decision_id)
    rows: list[Row] = [
        {
            "category": category,
            "decisions": len(ids),
            "escalations": len(escalated.get(category, [])),
            "share": round(len(escalated.get(category, [])) / len(ids), 3),
            "decision_ids": " ".join(str(i) for i in escalated.get(category, [])),
        }
        for category, ids in totals.items()
    ]
    rows.sort(key=lambda r: (-int(r["escalations"]), str(r["category"])))
    return rows


def overturns(*, session: Session, since: datetime | None = None) -> list[Row]:
    """3. Overturned decisions with who overturned them, what they should have been, and why."""
    engineer, reviewer = aliased(Person), aliased(Person)
    query = (
        select(Decision, Review, engineer.slack_user_id, reviewer.slack_user_id)
        .join(Review, Review.decision_id == Decision.id)
        .join(engineer, engineer.id == Decision.person_id)
        .join(reviewer, reviewer.id == Review.reviewer_id)
        .where(Review.verdict == "overturn")
    )
    if since is not None:
        query = query.where(Review.reviewed_at >= since)
    rows = session.execute(query.order_by(Review.reviewed_at, Decision.id)).all()
    return [
        {
            "decision_id": d.id,
            "kind": d.kind,
            "engineer": eng,
            "category": d.category,
            "title": d.title,
            "decided": d.verdict,
            "should_have_been": r.suggested_verdict or "",
            "reviewer": rev,
            "comment": r.comment or "",
            "decided_at": iso(d.decided_at),
            "reviewed_at": iso(r.reviewed_at),
        }
        for d, r, eng, rev in rows
    ]


def pending_beyond_sla(*, session: Session, now: datetime, sla_hours: float) -> list[Row]:
    """4. Decisions still waiting for review longer than the SLA, oldest first."""
    engineer, mentor = aliased(Person), aliased(Person)
    rows = session.execute(
        select(Decision, engineer.slack_user_id, mentor.slack_user_id)
        .join(engineer, engineer.id == Decision.person_id)
        .outerjoin(MentorPair, MentorPair.mentee_id == Decision.person_id)
        .outerjoin(mentor, mentor.id == MentorPair.mentor_id)
        .where(
            Decision.review_status == "pending",
            Decision.decided_at <= now - timedelta(hours=sla_hours),
        )
        .order_by(Decision.decided_at, Decision.id)
    ).all()
    return [
        {
            "decision_id": d.id,
            "kind": d.kind,
            "engineer": eng,
            "mentor": men or "",
            "category": d.category,
            "title": d.title,
            "verdict": d.verdict,
            "decided_at": iso(d.decided_at),
            "waiting_hours": round((now - d.decided_at).total_seconds() / 3600, 1),
        }
        for d, eng, men in rows
    ]


@dataclass(frozen=True)
class History:
    """5. One decision, where it came from, its review and every audit event about it."""

    decision: Row
    source: Row
    review: Row | None
    events: list[Row] = field(default_factory=list)

    def records(self) -> list[Row]:
        """Everything as one list of records, each tagged with what it is (for JSON Lines)."""
        out: list[Row] = [{"record": "decision", **self.decision}, {"record": "source", **self.source}]
        if self.review is not None:
            out.append({"record": "review", **self.review})
        out.extend({"record": "event", **e} for e in self.events)
        return out

    def timeline(self) -> list[Row]:
        """A flat, uniform view (record, at, actor, action, detail, hash) for tables and CSV."""
        d = self.decision
        rows: list[Row] = [
            {
                "record": "decision",
                "at": d["decided_at"],
                "actor": d["engineer"],
                "action": f"{d['kind']} decision: {d['verdict']}",
                "detail": f"{d['category']}: {d['title']} (confidence {d['confidence']})",
                "hash": "",
            },
            {
                "record": "source",
                "at": "",
                "actor": "",
                "action": self.source["type"],
                "detail": " ".join(
                    str(v)
                    for k, v in self.source.items()
                    if k not in ("type", "text") and v not in (None, "")
                ),
                "hash": self.source.get("content_hash") or "",
            },
        ]
        if self.review is not None:
            r = self.review
            rows.append(
                {
                    "record": "review",
                    "at": r["reviewed_at"],
                    "actor": r["reviewer"],
                    "action": r["verdict"],
                    "detail": (
                        (f"should have been {r['suggested_verdict']}: " if r["suggested_verdict"] else "")
                        + (r["comment"] or "")
                    ),
                    "hash": "",
                }
            )
        rows.extend(
            {
                "record": f"event #{e['seq']}",
                "at": e["occurred_at"],
                "actor": e["actor"],
                "action": e["action"],
                "detail": ("hash OK" if e["hash_ok"] else "HASH MISMATCH") + f"; prev {e['prev_hash'][:12]}…",
                "hash": e["hash"],
            }
            for e in self.events
        )
        return rows


def _source_of(*, session: Session, decision: Decision) -> Row:
    """What the decision answered: the live alert, or the exact scenario version."""
    if decision.scenario_version_id is None:
        return {"type": "live source", "url": decision.source_url, "text": decision.source_text}
    version = session.get(ScenarioVersion, decision.scenario_version_id)
    scenario = session.get(Scenario, version.scenario_id) if version else None
    return {
        "type": "scenario version",
        "scenario": scenario.slug if scenario else None,
        "version": version.version if version else None,
        "scenario_version_id": decision.scenario_version_id,
        "content_hash": version.content_hash if version else None,
    }


def _events_of(*, session: Session, decision_id: int) -> list[Row]:
    """The decision's audit events, each with its MAC rechecked."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.subject_type == "decision", AuditEvent.subject_id == str(decision_id))
        .order_by(AuditEvent.seq)
    )
    rows = [event_row(event) for event in session.execute(query).scalars()]
    keyring = keyring_of(session)
    return [{**row, "payload": json.loads(row["payload"]), "hash_ok": row_ok(row, keyring)} for row in rows]


def decision_history(*, session: Session, decision_id: int) -> History:
    """5. The full history of one decision, with each related event's hash rechecked."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"Decision #{decision_id} does not exist.")
    engineer = session.get(Person, decision.person_id)
    review = session.execute(select(Review).where(Review.decision_id == decision_id)).scalar_one_or_none()
    reviewer = session.get(Person, review.reviewer_id) if review else None
    source = _source_of(session=session, decision=decision)
    return History(
        decision={
            "decision_id": decision.id,
            "kind": decision.kind,
            "engineer": engineer.slack_user_id if engineer else "",
            "engineer_name": engineer.name if engineer else "",
            "category": decision.category,
            "title": decision.title,
            "verdict": decision.verdict,
            "confidence": decision.confidence,
            "justification": dict(decision.justification),
            "decided_at": iso(decision.decided_at),
            "seconds_to_decide": decision.seconds_to_decide,
            "review_status": decision.review_status,
            "idempotency_key": decision.idempotency_key,
        },
        source=source,
        review=None
        if review is None
        else {
            "reviewer": reviewer.slack_user_id if reviewer else "",
            "reviewer_name": reviewer.name if reviewer else "",
            "verdict": review.verdict,
            "suggested_verdict": review.suggested_verdict,
            "comment": review.comment,
            "reviewed_at": iso(review.reviewed_at),
        },
        events=_events_of(session=session, decision_id=decision_id),
    )
