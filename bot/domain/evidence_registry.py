"""The post-program report's sections, in report order: one ``ReportSection`` row each.

A section whose data this version of Casebook does not record is still listed (its
heading appears, marked unavailable, so a reader sees what is missing and why). When
the feature that records it lands, change that one row's build from ``unrecorded()``
to ``via(the_feature_report)`` (see CONTRIBUTING.md, "How to add a report section").
The adapters for the training, voices and policy features are in ``evidence_training`` and
``evidence_policy`` (they reshape each feature's ``*_report`` into rows and a page table).
"""

from __future__ import annotations

from bot.domain.evidence import ReportSection
from bot.domain.evidence_audit import audit_trail
from bot.domain.evidence_decisions import live_decisions, overturn_themes
from bot.domain.evidence_policy import calibration, overturn_reasons, policy_feedback, proposals, red_flags
from bot.domain.evidence_review import consistency, exceptions
from bot.domain.evidence_sections import practice, readiness_section, scorecards, surveys
from bot.domain.evidence_training import lessons, milestones, post_switchover, reflections, training

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
        training,
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
        milestones,
        "Mentor sign-offs: 5 real exceptions observed, testing-environment sign-off.",
    ),
    ReportSection(
        "reflections",
        "Reflections",
        reflections,
        "Who submitted the Friday reflections (never what they wrote).",
    ),
    ReportSection(
        "surveys", "Weekly survey", surveys, "How the cohort felt each week, in anonymous groups only."
    ),
    ReportSection(
        "post_switchover",
        "Post-switchover survey",
        post_switchover,
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
        "overturn_reasons",
        "Why overturns: the part that failed",
        overturn_reasons,
        "Which part of the justification reviewers said failed (policy, evidence, risk, conditions, ...).",
    ),
    ReportSection(
        "policy_feedback",
        "Policy feedback",
        policy_feedback,
        "Ambiguities and errors engineers flagged in the policies, and what leads did with them.",
    ),
    ReportSection(
        "lessons",
        "Lessons learned",
        lessons,
        "What went well and what was hard, from the Friday wrap-ups.",
    ),
    ReportSection(
        "red_flags",
        "Role-design red flags",
        red_flags,
        "The role design's warning signs (turnover, no process improvements, satisfaction gap).",
    ),
    ReportSection(
        "calibration",
        "Confidence calibration",
        calibration,
        "Whether the confidence people gave their calls matched how often the calls were sound.",
    ),
    ReportSection(
        "consistency",
        "Reviewer consistency",
        consistency,
        "Whether mentors judge alike: blind second reviews, agreement and Cohen's kappa per pair.",
    ),
    ReportSection(
        "proposals",
        "Exception patterns and proposals",
        proposals,
        "Policy rules that keep producing the same exception, and what leads did with the proposals.",
    ),
    ReportSection(
        "exceptions",
        "Exception register",
        exceptions,
        "Approved exceptions with an end: their expiry, conditions, and whether they were met.",
    ),
    ReportSection(
        "audit",
        "Audit trail",
        audit_trail,
        "The tamper-evident record of every decision, verified, with the head it was checked against.",
    ),
)
