"""The post-program report's sections, in report order: one ``ReportSection`` row each.

A section whose data this version of Casebook does not record is still listed (its
heading appears, marked unavailable, so a reader sees what is missing and why). When
the feature that records it lands, change that one row's build from ``unrecorded()``
to ``via(the_feature_report)`` (see CONTRIBUTING.md, "How to add a report section").
"""

from __future__ import annotations

from bot.domain.evidence import ReportSection, unrecorded
from bot.domain.evidence_audit import audit_trail
from bot.domain.evidence_decisions import live_decisions, overturn_themes
from bot.domain.evidence_sections import practice, readiness_section, scorecards, surveys

SECTIONS: tuple[ReportSection, ...] = (
    ReportSection(
        "scorecard",
        "Weekly scorecard and go/no-go recommendation",
        scorecards,
        "Each week's pilot metrics against their targets, and what they recommend.",
    ),
    ReportSection(
        "training",
        "Training attendance and completion",
        unrecorded(),
        "Who attended each training session (target above 85%), and which modules and labs were done.",
    ),
    ReportSection(
        "practice",
        "Practice and assessment answers",
        practice,
        "How much the cohort practised each week and how often the answer was right.",
    ),
    ReportSection(
        "readiness",
        "Readiness and sign-offs",
        readiness_section,
        "How many engineers passed the readiness assessment and were signed off as ready.",
    ),
    ReportSection(
        "milestones",
        "Week-10 milestones",
        unrecorded(),
        "Mentor sign-offs: 5 real exceptions observed, testing-environment sign-off.",
    ),
    ReportSection(
        "reflections",
        "Reflections",
        unrecorded(),
        "Who submitted the Friday reflections (never what they wrote).",
    ),
    ReportSection(
        "surveys", "Weekly survey", surveys, "How the cohort felt each week, in anonymous groups only."
    ),
    ReportSection(
        "post_switchover",
        "Post-switchover survey",
        unrecorded(),
        "Confidence in the new model from engineers, mentors and leadership (Friday of week 12).",
    ),
    ReportSection(
        "live_decisions",
        "Live decisions and their reviews",
        live_decisions,
        "Every real exception decided in Casebook, with its mentor review.",
    ),
    ReportSection(
        "overturns",
        "Overturn themes",
        overturn_themes,
        "Where reviewers disagreed with the call, by category, and what they said.",
    ),
    ReportSection(
        "policy_feedback",
        "Policy feedback",
        unrecorded(),
        "Ambiguities and errors engineers flagged in the policies, and what leads did with them.",
    ),
    ReportSection(
        "lessons",
        "Lessons learned",
        unrecorded(),
        "What went well and what was hard, from the Friday wrap-ups.",
    ),
    ReportSection(
        "red_flags",
        "Role-design red flags",
        unrecorded(),
        "The role design's warning signs (turnover, no process improvements, satisfaction gap).",
    ),
    ReportSection(
        "calibration",
        "Reviewer calibration and consistency",
        unrecorded(),
        "Whether reviewers judge alike, and the overturn reasons they chose.",
    ),
    ReportSection(
        "exceptions",
        "Exception register and precedents",
        unrecorded(),
        "Standing exceptions and the decisions kept as precedents.",
    ),
    ReportSection(
        "audit",
        "Audit trail",
        audit_trail,
        "The tamper-evident record of every decision, verified, with the head it was checked against.",
    ),
)
