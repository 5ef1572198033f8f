"""Policy feedback (issue 17 item 3) and the weekly survey's grouped answers (item 6).

``PolicyFeedback`` is one "Flag the policy" item: which rule, what is ambiguous or wrong,
a proposed clarification, who raised it and from what (a card, a decision, or nothing),
and where the leads' queue has taken it (open → accepted → done, or rejected with a reason).

``SurveyGroupAnswer`` is the weekly survey's satisfaction sum for one answer, labelled only
with the respondent's group (pilots and leads, or everyone else): no person, no time, a
random id, published per group in batches of at least the anonymity minimum, like
``SurveyAnswer``, so a group mean never moves by one person's answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base

FEEDBACK_STATUSES = ("open", "accepted", "rejected", "done")
FEEDBACK_SOURCES = ("card", "decision", "command")
SURVEY_GROUPS = ("pilots_leads", "others")


class PolicyFeedback(Base):
    """One flagged policy rule: the author's question and the leads' answer to it."""

    __tablename__ = "policy_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)  # the submitted view
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # card | decision | command
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    title: Mapped[str | None] = mapped_column(String(300))  # the scenario or decision that raised it
    policy: Mapped[str | None] = mapped_column(String(80))  # kebab-case name when the card said it
    version: Mapped[str | None] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(200))  # rule name, or the author's own words
    problem: Mapped[str] = mapped_column(Text)
    proposal: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    reason: Mapped[str | None] = mapped_column(Text)  # why it was rejected
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    accepted_at: Mapped[datetime | None]
    status_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    status_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    __table_args__ = (
        CheckConstraint(f"status IN {FEEDBACK_STATUSES!r}", name="status"),
        CheckConstraint(f"source IN {FEEDBACK_SOURCES!r}", name="source"),
        Index("ix_policy_feedback_rule", "policy", "rule", "status"),
        Index("ix_policy_feedback_accepted_at", "accepted_at"),
    )


class SurveyGroupAnswer(Base):
    """One weekly-survey answer's satisfaction sum, with its group and nothing else about who."""

    __tablename__ = "survey_group_answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex: no order
    survey: Mapped[str] = mapped_column(String(32), default="weekly")
    week: Mapped[str] = mapped_column(String(8))  # YYYY-Www
    group_name: Mapped[str] = mapped_column(String(16))
    answer_sum: Mapped[int]
    answer_count: Mapped[int]
    batch: Mapped[int | None]  # published group of answers; None while too few wait

    __table_args__ = (
        CheckConstraint(f"group_name IN {SURVEY_GROUPS!r}", name="group_name"),
        Index("ix_survey_group_answers_week", "survey", "week", "group_name", "batch"),
    )
