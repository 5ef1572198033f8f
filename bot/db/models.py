"""ORM models for the whole Casebook domain (SQLAlchemy 2 typed mappings).

Uniqueness rules that keep Slack's retries and double clicks from doubling
anything live here as constraints, not in application code. The program's records
are here; the bot's own (delivery ledger, job runs, audit chain, inbox) are in
:mod:`bot.db.records`, and the base in :mod:`bot.db.base`. Import any of them from here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import NAMING, Base, UTCDateTime
from bot.db.records import AuditEvent, AuditHead, Delivery, InboxItem, JobRun
from bot.domain.vocab import ROLES, VERDICTS

__all__ = [
    "NAMING",
    "Assessment",
    "Assignment",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Decision",
    "Delivery",
    "InboxItem",
    "Incident",
    "JobRun",
    "MentorPair",
    "Person",
    "PersonRole",
    "Review",
    "Scenario",
    "ScenarioVersion",
    "SurveyResponse",
    "SyncResponse",
    "UTCDateTime",
]


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    timezone: Mapped[str | None] = mapped_column(String(64))  # from the roster
    slack_tz: Mapped[str | None] = mapped_column(String(64))  # from users.info, cached
    slack_tz_checked_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="active")
    left_at: Mapped[datetime | None]
    left_reason: Mapped[str | None] = mapped_column(Text)
    ooo_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    roles: Mapped[list[PersonRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (CheckConstraint("status IN ('active', 'left')", name="status"),)

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)


class PersonRole(Base):
    __tablename__ = "person_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))

    person: Mapped[Person] = relationship(back_populates="roles")

    __table_args__ = (
        UniqueConstraint("person_id", "role", name="uq_person_roles_person_role"),
        CheckConstraint(f"role IN {ROLES!r}", name="role"),
    )


class MentorPair(Base):
    """Who mentors whom; a mentee has at most one mentor."""

    __tablename__ = "mentor_pairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    since: Mapped[datetime]

    __table_args__ = (CheckConstraint("mentee_id <> mentor_id", name="not_self"),)


class Scenario(Base):
    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    category: Mapped[str] = mapped_column(String(64), index=True)
    complexity: Mapped[str] = mapped_column(String(16))
    current_version_id: Mapped[int | None]  # no FK: the two tables would reference each other
    retired_at: Mapped[datetime | None]


class ScenarioVersion(Base):
    """One immutable content version of a scenario; decisions point here."""

    __tablename__ = "scenario_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]]
    expected_verdict: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("scenario_id", "version", name="uq_scenario_versions_version"),
        UniqueConstraint("scenario_id", "content_hash", name="uq_scenario_versions_hash"),
    )


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    size: Mapped[int]
    plan: Mapped[list[Any]]  # scenario version ids, in serving order
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    signed_off_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    signed_off_at: Mapped[datetime | None]


class Assignment(Base):
    """A scenario card shown to someone; it accepts exactly one decision."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    scenario_version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id"))
    kind: Mapped[str] = mapped_column(String(16))  # practice | assessment
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"), index=True)
    position: Mapped[int | None]  # 1-based position inside an assessment
    channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    shown_at: Mapped[datetime]

    __table_args__ = (
        CheckConstraint("kind IN ('practice', 'assessment')", name="kind"),
        UniqueConstraint("assessment_id", "position", name="uq_assignments_assessment_position"),
    )


class Decision(Base):
    """An approve / deny / escalate call: practice, assessment or live."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # practice | assessment | live
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), unique=True)
    scenario_version_id: Mapped[int | None] = mapped_column(ForeignKey("scenario_versions.id"))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    verdict: Mapped[str] = mapped_column(String(16))
    justification: Mapped[dict[str, Any]]
    confidence: Mapped[int]
    source_url: Mapped[str | None] = mapped_column(String(2000))
    source_text: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))  # correct | acceptable | differs
    seconds_to_decide: Mapped[float | None] = mapped_column(Float)
    decided_at: Mapped[datetime]
    review_status: Mapped[str] = mapped_column(String(16), default="pending")
    review_channel: Mapped[str | None] = mapped_column(String(32))
    review_ts: Mapped[str | None] = mapped_column(String(32))
    # "policy/rule" per the policy grammar (live decisions; issue 18 patterns and precedents)
    policy_rule: Mapped[str | None] = mapped_column(String(161))

    __table_args__ = (
        CheckConstraint("kind IN ('practice', 'assessment', 'live')", name="kind"),
        CheckConstraint(f"verdict IN {VERDICTS!r}", name="verdict"),
        CheckConstraint("confidence BETWEEN 1 AND 5", name="confidence"),
        CheckConstraint(
            "review_status IN ('pending', 'upheld', 'overturned', 'not_required')",
            name="review_status",
        ),
        Index("ix_decisions_kind_decided_at", "kind", "decided_at"),
        Index("ix_decisions_person_decided_at", "person_id", "decided_at"),
        Index("ix_decisions_review_status_decided_at", "review_status", "decided_at"),
        # Covers every weekly metrics scan (docs/metrics.md): answered from the index alone.
        Index("ix_decisions_metrics", "kind", "decided_at", "category", "verdict", "outcome", "person_id"),
        Index("ix_decisions_policy_rule", "policy_rule", "decided_at"),
    )


class Review(Base):
    """A mentor's verdict on a decision; the first one stands."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    verdict: Mapped[str] = mapped_column(String(16))  # uphold | overturn
    suggested_verdict: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime] = mapped_column(index=True)
    decision_kind: Mapped[str] = mapped_column(String(16))  # denormalised for metrics
    # "Right call, weak reasoning" on an upheld practice decision: lowers the reasoning score only.
    weak_reasoning: Mapped[bool] = mapped_column(default=False, server_default=false())

    __table_args__ = (
        CheckConstraint("verdict IN ('uphold', 'overturn')", name="verdict"),
        Index("ix_reviews_kind_reviewed_at", "decision_kind", "reviewed_at"),
        # Covers rework and the per-category overturn counts (docs/metrics.md).
        Index("ix_reviews_metrics", "decision_kind", "reviewed_at", "verdict", "decision_id"),
    )


class SurveyResponse(Base):
    """That one person answered one survey in one ISO week: for reminders and counts, never what.

    The answers are in ``SurveyAnswer`` with nothing that leads back here (issue 13).
    """

    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    survey: Mapped[str] = mapped_column(String(32), default="weekly")
    week: Mapped[str] = mapped_column(String(8))  # YYYY-Www
    submitted_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("person_id", "survey", "week", name="uq_survey_responses_person_week"),
        Index("ix_survey_responses_week", "week"),
    )


class SurveyAnswer(Base):
    """One anonymous set of answers: no person, no time, a random id (so no order), a published group.

    ``batch`` is the group it was published in (1, 2, …); None while fewer than the
    anonymity minimum are waiting. Reports read published answers only.
    """

    __tablename__ = "survey_answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex
    survey: Mapped[str] = mapped_column(String(32), default="weekly")
    week: Mapped[str] = mapped_column(String(8))  # YYYY-Www
    answers: Mapped[dict[str, Any]]
    answer_sum: Mapped[int]  # satisfaction answers, summed for SQL aggregates
    answer_count: Mapped[int]
    confidence: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    batch: Mapped[int | None]

    __table_args__ = (Index("ix_survey_answers_week", "survey", "week", "batch"),)


class SyncResponse(Base):
    """An engineer's answer to the evening sync for one local day."""

    __tablename__ = "sync_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # all_good | blockers
    blockers: Mapped[str | None] = mapped_column(Text)
    mood: Mapped[int | None]
    submitted_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("person_id", "day", name="uq_sync_responses_person_day"),
        CheckConstraint("status IN ('all_good', 'blockers')", name="status"),
    )


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(100), unique=True)
    priority: Mapped[str] = mapped_column(String(2))
    opened_at: Mapped[datetime] = mapped_column(index=True)
    responded_at: Mapped[datetime | None]
    response_minutes: Mapped[float] = mapped_column(Float)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    source: Mapped[str] = mapped_column(String(16))  # slack | import

    __table_args__ = (
        CheckConstraint("priority IN ('P1', 'P2')", name="priority"),
        CheckConstraint("response_minutes >= 0", name="minutes"),
        Index("ix_incidents_priority_opened_at", "priority", "opened_at"),
    )
from bot.db import models_calib as _models_calib  # noqa: E402,F401
from bot.db import models_patterns as _models_patterns  # noqa: E402,F401
from bot.db import models_perf as _models_perf  # noqa: E402,F401
from bot.db import models_policy as _models_policy  # noqa: E402,F401
from bot.db import models_review2 as _models_review2  # noqa: E402,F401
from bot.db import models_training as _models_training  # noqa: E402,F401
from bot.db import models_voices as _models_voices  # noqa: E402,F401
