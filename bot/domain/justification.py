"""The audit-trail justification template shared by practice and live decisions.

Every decision names the policy or rule applied, the evidence, the risk and blast
radius; an approval adds its conditions, rollback and expiry; an escalation names
its target and reason; all carry a confidence from 1 to 5. Validation returns
errors keyed by field so a modal can show them inline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
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


# --- Reasoning: key points named in real sentences -------------------------------------------
#
# A key point counts only when one of its keywords sits in a *real sentence*: at least
# SENTENCE_MIN_WORDS words, at least two different function words ("the", "because", "is" ...;
# one is enough in a sentence of twice that length),
# a verb-like word (an auxiliary, a common decision verb, or a word ending in -ed/-ing), and
# not a list (two or more commas whose pieces average under three words). A field holding
# "product owner, 1.2M, comms, 5.0.1" or "lena 100k hotfix comms" therefore names nothing,
# while "The product owner decides because 1.2M sessions would be logged out." names two.

SENTENCE_MIN_WORDS = 6
_FUNCTION_TEXT = (
    "a an the this that these those it its is are was were be been being has have had will would "
    "can could must should may might do does did not no so because since but and or if then than "
    "which who when while until before after to of in on for with by from as at there their they we "
    "i he she our my his her you us them what where why how out about up over into per all any only also"
)
_VERB_TEXT = (
    "is are was were be been has have had will would can could must should may might do does did "
    "need needs fail fails meet meets approve approves deny denies escalate escalates decide decides "
    "ask asks own owns apply applies allow allows break breaks cause causes require requires make "
    "makes hold holds lose loses keep keeps take takes wait waits name names say says show shows "
    "cover covers stop stops run runs go goes get gets come comes affect affects risk risks"
)
FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
VERB_WORDS = frozenset(_VERB_TEXT.split())
_WORD = re.compile(r"[a-z0-9][a-z0-9'.,/#%:+-]*[a-z0-9%]|[a-z0-9]", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def _words(text: str) -> list[str]:
    return [w.casefold().strip(".,") for w in _WORD.findall(text)]


def is_real_sentence(sentence: str) -> bool:
    """Whether ``sentence`` reads as prose rather than keywords (see the rule above)."""
    words = _words(sentence)
    if len(words) < SENTENCE_MIN_WORDS:
        return False
    glue = len(FUNCTION_WORDS.intersection(words))
    if glue < 1 or (glue < 2 and len(words) < 2 * SENTENCE_MIN_WORDS):
        return False
    if not any(w in VERB_WORDS or (len(w) > 4 and w.endswith(("ed", "ing"))) for w in words):
        return False
    pieces = [p for p in sentence.split(",") if p.strip()]
    listed = len(pieces) >= 3 and sum(len(_words(p)) for p in pieces) / len(pieces) < 3
    return not listed


def real_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that count as reasoning."""
    return [s for s in _SENTENCE_END.split(text) if s.strip() and is_real_sentence(s)]


@dataclass(frozen=True)
class Reasoning:
    """Which of a scenario's key points a justification names in real sentences."""

    named: list[str]
    missed: list[str]

    @property
    def enough(self) -> bool:
        """At least half of the key points are named (a scenario without key points: True)."""
        total = len(self.named) + len(self.missed)
        return 2 * len(self.named) >= total

    @property
    def share(self) -> float:
        total = len(self.named) + len(self.missed)
        return len(self.named) / total if total else 1.0


def reasoning(*, key_points: Sequence[tuple[str, Sequence[str]]], fields: Iterable[str | None]) -> Reasoning:
    """Key points (point, keywords) named in real sentences of ``fields``, keyword match ignoring case."""
    sentences = [s.casefold() for text in fields if text for s in real_sentences(text)]
    named: list[str] = []
    missed: list[str] = []
    for point, keywords in key_points:
        hit = any(k.casefold() in s for k in keywords for s in sentences)
        (named if hit else missed).append(point)
    return Reasoning(named, missed)


def reasoning_of(
    *, key_points: Sequence[tuple[str, Sequence[str]]], justification: dict[str, Any]
) -> Reasoning:
    """``reasoning`` over a stored justification (its free-text fields)."""
    return reasoning(key_points=key_points, fields=(justification.get(f) for f in TEXT_FIELDS))


def is_sound(*, good_verdict: bool, found: Reasoning, weak_mark: bool = False) -> bool:
    """Sound = the verdict is expected or acceptable, half the key points are named, no mentor's weak mark."""
    return good_verdict and found.enough and not weak_mark
