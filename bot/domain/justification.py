"""The audit-trail justification template shared by practice and live decisions.

Every decision names the policy or rule applied, the evidence, the risk and blast
radius; an approval adds its conditions, rollback and expiry; an escalation names
its target and reason; all carry a confidence from 1 to 5. Validation returns
errors keyed by field so a modal can show them inline.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bot.domain.vocab import VERDICTS, Verdict

MIN_CHARS = 20
MAX_CHARS = 3000
TEXT_FIELDS = ("policy", "evidence", "risk", "conditions", "escalation")
LABELS = {
    "policy": "Policy or rule applied",
    "evidence": "Evidence",
    "risk": "Risk and blast radius",
    "conditions": "Conditions, rollback and expiry",
    "escalation": "Escalation target and reason",
    "confidence": "Confidence (1–5)",
}


@dataclass(frozen=True)
class Justification:
    policy: str
    evidence: str
    risk: str
    conditions: str | None
    escalation: str | None
    confidence: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        """All free text, for matching the key points a good justification names."""
        return "\n".join(
            v for v in (self.policy, self.evidence, self.risk, self.conditions, self.escalation) if v
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Justification:
        return cls(
            policy=str(data.get("policy", "")),
            evidence=str(data.get("evidence", "")),
            risk=str(data.get("risk", "")),
            conditions=data.get("conditions"),
            escalation=data.get("escalation"),
            confidence=int(data.get("confidence", 3)),
        )


def required_fields(verdict: str) -> tuple[str, ...]:
    extras: dict[str, tuple[str, ...]] = {Verdict.APPROVE: ("conditions",), Verdict.ESCALATE: ("escalation",)}
    extra = extras.get(verdict, ())
    return ("policy", "evidence", "risk", *extra)


def _check_text(name: str, value: str | None, *, required: bool) -> str | None:
    text = (value or "").strip()
    if not text:
        return f"{LABELS[name]} is required for this decision." if required else None
    if len(text) > MAX_CHARS:
        return f"Keep this under {MAX_CHARS} characters (it has {len(text)})."
    if required and len(text) < MIN_CHARS:
        return f"Say a little more: at least {MIN_CHARS} characters (you wrote {len(text)})."
    if len(set(text.replace(" ", ""))) < 4:
        return "This doesn't read as an explanation; describe it in words."
    return None


def validate_justification(
    *,
    verdict: str,
    policy: str | None,
    evidence: str | None,
    risk: str | None,
    conditions: str | None,
    escalation: str | None,
    confidence: str | int | None,
) -> tuple[Justification | None, dict[str, str]]:
    """Check the template for ``verdict``; return the justification or errors by field."""
    if verdict not in VERDICTS:
        return None, {"verdict": f"Choose approve, deny or escalate (got {verdict!r})."}
    values = {
        "policy": policy,
        "evidence": evidence,
        "risk": risk,
        "conditions": conditions,
        "escalation": escalation,
    }
    required = required_fields(verdict)
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        problem = _check_text(name, values[name], required=name in required)
        if problem:
            errors[name] = problem
    try:
        level = int(str(confidence))
    except (TypeError, ValueError):
        level = 0
    if not 1 <= level <= 5:
        errors["confidence"] = "Pick a confidence from 1 (guessing) to 5 (certain)."
    if errors:
        return None, errors

    def clean(name: str) -> str | None:
        text = (values[name] or "").strip()
        return text or None

    return (
        Justification(
            policy=clean("policy") or "",
            evidence=clean("evidence") or "",
            risk=clean("risk") or "",
            conditions=clean("conditions"),
            escalation=clean("escalation"),
            confidence=level,
        ),
        {},
    )
