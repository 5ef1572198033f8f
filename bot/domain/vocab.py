"""The product's words, defined once: roles, verdicts, who practises, who reviews.

A leaf module (it imports nothing from bot), so the models in ``bot.db`` can use it
for their check constraints without a cycle. ``StrEnum`` members compare equal to
their values, so stored strings and enum members mix freely.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A role in the roster (a person may hold several)."""

    ENGINEER = "engineer"
    PILOT = "pilot"
    MENTOR = "mentor"
    LEAD = "lead"
    PM = "pm"
    ADMIN = "admin"


class Verdict(StrEnum):
    """An exception decision."""

    APPROVE = "approve"
    DENY = "deny"
    ESCALATE = "escalate"


class Cohort(StrEnum):
    """Whose numbers a phase judges (``phases[].cohort`` in the program file)."""

    PILOTS = "pilots"
    ENGINEERS = "engineers"


ROLES: tuple[str, ...] = tuple(role.value for role in Role)
VERDICTS: tuple[str, ...] = tuple(verdict.value for verdict in Verdict)

# Engineers in the program: they get syncs and surveys, take the assessment, and are measured.
ENGINEERS: frozenset[str] = frozenset({Role.ENGINEER, Role.PILOT})
COHORT_ROLES: dict[Cohort, frozenset[str]] = {
    Cohort.PILOTS: frozenset({Role.PILOT}),
    Cohort.ENGINEERS: ENGINEERS,
}
# Anyone who may practise on scenario cards (mentors and leads try the cards they teach).
PRACTITIONERS: frozenset[str] = ENGINEERS | {Role.MENTOR, Role.LEAD}
REVIEWERS: frozenset[str] = frozenset({Role.MENTOR, Role.LEAD, Role.ADMIN})
METRICS_VIEWERS: frozenset[str] = frozenset({Role.PM, Role.MENTOR, Role.LEAD, Role.ADMIN})
INCIDENT_RECORDERS: frozenset[str] = frozenset({Role.MENTOR, Role.LEAD, Role.PM, Role.ADMIN})
ADMINS: frozenset[str] = frozenset({Role.ADMIN})
# Who sees every mentor's review queue, not just their mentees'.
QUEUE_ALL_ROLES: frozenset[str] = frozenset({Role.LEAD, Role.ADMIN})
# Who sees the program's scorecard on App Home.
SCORECARD_VIEWERS: frozenset[str] = frozenset({Role.PM, Role.ADMIN, Role.LEAD})


class JustificationPart(StrEnum):
    """Which part of a justification failed, named by a reviewer on an overturn or weak reasoning.

    The values are the justification template's field names, so a part maps to its field.
    """

    POLICY = "policy"
    EVIDENCE = "evidence"
    RISK = "risk"
    CONDITIONS = "conditions"
    ESCALATION = "escalation"


JUSTIFICATION_PARTS: tuple[str, ...] = tuple(part.value for part in JustificationPart)
# Who sees reviewer consistency (agreement, kappa, the blind reviews' disagreements) on App Home.
CONSISTENCY_VIEWERS: frozenset[str] = frozenset({Role.LEAD, Role.ADMIN})
