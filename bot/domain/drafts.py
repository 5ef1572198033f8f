"""Real exceptions become practice (issue 18 item 7): a REVIEWED live decision as a scenario draft.

What is kept: the category, the facts (the alert and the evidence), the policy rule (the
library's excerpt verbatim when the library quotes it, so identical quoting holds), the
verdict that stood (the decision's when upheld, the reviewer's suggestion when overturned)
and the justification and review comment as the rationale and key points. What is removed:
names of people on the roster, Slack ids (U…/C…/W…), channel names, mentions, emails, URLs
and links, each replaced by a neutral placeholder. The draft is YAML in the library's format
for a lead to review before it joins the library (`casebook scenarios validate` checks it).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Decision, Person, Review
from bot.domain.errors import DomainError
from bot.domain.library import Library
from bot.domain.policy_refs import excerpt_for
from bot.domain.precedents import STOPWORDS

_SCRUBS = (
    (re.compile(r"<mailto:[^>]*>"), "[email]"),
    (re.compile(r"<[@!][^>]*>"), "[person]"),
    (re.compile(r"<#[^>]*>"), "[channel]"),
    (re.compile(r"<[^>]*>"), "[link]"),
    (re.compile(r"(?i)\b(?:https?|ftp)://[^\s)>\]]+|\bwww\.[^\s)>\]]+"), "[link]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"\b[UWCGD](?=[A-Z0-9]*\d)[A-Z0-9]{5,}\b"), "[id]"),
    (re.compile(r"(?<![\w&])#[a-z0-9][a-z0-9_.-]*"), "[channel]"),
    (re.compile(r"(?<![\w.])@[\w.-]+"), "[person]"),
)
_KEYWORD = re.compile(r"[a-z][a-z0-9-]{3,}|\d+\s?[hdw%x]\b")


@dataclass(frozen=True)
class Draft:
    """A scenario draft: where it goes in the library and its YAML."""

    scenario_id: str
    category: str
    yaml_text: str

    @property
    def path(self) -> str:
        return f"{self.category}/{self.scenario_id}.yaml"


def scrub(text: str | None, names: list[str]) -> str:
    """Text with people, ids, channels, emails and links replaced by placeholders."""
    out = text or ""
    for pattern, placeholder in _SCRUBS:
        out = pattern.sub(placeholder, out)
    for name in names:  # longest first, so "Ada Engineer" goes before "Ada"
        out = re.sub(rf"(?i)\b{re.escape(name)}\b", "[person]", out)
    return " ".join(out.split())


def roster_names(*, session: Session) -> list[str]:
    """Everyone's full name and each part of it (3+ letters), longest first."""
    names: set[str] = set()
    for (full,) in session.execute(select(Person.name)):
        names.add(full)
        names.update(part for part in re.split(r"[\s,.'-]+", full) if len(part) >= 3)
    return sorted(names, key=len, reverse=True)


def keywords(text: str, *, count: int = 4) -> list[str]:
    """The most telling lowercase words of ``text`` (placeholders and common words left out)."""
    words = [w for w in _KEYWORD.findall(text.lower()) if w not in STOPWORDS and w not in _PLACEHOLDERS]
    return [w for w, _ in Counter(words).most_common(count)] or ["justification"]


_PLACEHOLDERS = frozenset({"person", "link", "email", "channel", "good", "call", "right", "wrong", "agrees"})
# The alert's quoted rule lines: the draft carries the rule as its policy excerpt instead.
_RULE_LINES = re.compile(r"(?im)^\W*(?:policy|version|rule)\s*:.*$")


def _sentences(text: str) -> list[str]:
    parts = [p.strip(" ;") for p in re.split(r"(?<=[.;!?])\s+|\n+", text) if len(p.strip(" ;")) > 3]
    return [p[:400] for p in parts]


def _key(decision: Decision, review: Review) -> str:
    if review.verdict == "uphold":
        return decision.verdict
    if not review.suggested_verdict:
        raise DomainError(
            f"Decision #{decision.id} was overturned without the call that should have been made."
        )
    return review.suggested_verdict


def _load(session: Session, decision_id: int) -> tuple[Decision, Review]:
    row = session.execute(
        select(Decision, Review)
        .join(Review, Review.decision_id == Decision.id)
        .where(Decision.id == decision_id)
    ).first()
    if row is None or row[0].kind != "live":
        found = session.get(Decision, decision_id)
        if found is None or found.kind != "live":
            raise DomainError(f"There is no live decision #{decision_id}.")
        raise DomainError(f"Decision #{decision_id} has not been reviewed yet; draft from reviewed ones.")
    return row[0], row[1]


def _policy(library: Library | None, policy_rule: str | None) -> str:
    """The library's excerpt of the rule, or a grammar-valid stub for the author to complete."""
    known = excerpt_for(library, policy_rule) if policy_rule else None
    if known is not None:
        return known
    policy, _, rule = (policy_rule or "unnamed-policy/unnamed-rule").partition("/")
    return (
        f'policy: {policy}\nversion: "1.0"\nrule: {rule}\n'
        'when: "fill in what the rule catches, from the policy"\naction: require_exception\n'
        'approver: ops-oncall\nconditions:\n  - "fill in the rule\'s conditions, from the policy"\n'
        "on_condition_failure: deny\n"
    )


def draft_from_decision(*, session: Session, decision_id: int, library: Library | None) -> Draft:
    """The reviewed live decision ``decision_id`` as a practice scenario draft."""
    decision, review = _load(session, decision_id)
    names = roster_names(session=session)
    j: dict[str, Any] = decision.justification or {}
    clean = {
        k: scrub(str(j.get(k) or ""), names)
        for k in ("policy", "evidence", "risk", "conditions", "escalation")
    }
    comment = scrub(review.comment, names)
    source = scrub(_RULE_LINES.sub("", decision.source_text or ""), names)
    title = scrub(decision.title, names)[:120] or "Live exception"
    facts = (_sentences(source) + _sentences(clean["evidence"]))[:6]
    facts += _sentences(clean["risk"])[: max(0, 7 - len(facts))]
    key = _key(decision, review)
    points = [
        ("Names the rule applied and why it fits", clean["policy"]),
        ("Cites the evidence that decides it", clean["evidence"]),
    ]
    if comment:
        points.insert(0, ("Makes the reviewer's point", comment))
    if key == "approve" and clean["conditions"]:
        points.append(("Bounds the exception: conditions, rollback, expiry", clean["conditions"]))
    if key == "escalate" and clean["escalation"]:
        points.append(("Names who to escalate to and why", clean["escalation"]))
    outcome = "upheld" if review.verdict == "uphold" else "overturned"
    scenario_id = f"live-{decision.id}-draft"
    spec: dict[str, Any] = {
        "id": scenario_id,
        "pool": "practice",
        "title": title,
        "category": decision.category,
        "complexity": "medium",
        "requester": "[requester], from a live exception",
        "context": source[:2400] or title,
        "policy": _policy(library, decision.policy_rule),
        "facts": facts or [title],
        "expected": {"decision": key, "acceptable": []},
        "rationale": (f"The reviewer {outcome} the live call. " + (comment or clean["policy"]))[:2000],
        "key_points": [{"point": f"{p}: {t[:200]}", "keywords": keywords(t)} for p, t in points if t][:4],
        "mentor_notes": (
            "Drafted from a reviewed live exception. Check that the facts alone decide it, that the title "
            "does not give the answer away, and that nothing identifies the people or systems involved."
        ),
    }
    header = f"# Draft from live decision #{decision.id} ({outcome}); review before adding to the library.\n"
    body = yaml.dump(spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return Draft(scenario_id=scenario_id, category=decision.category, yaml_text=header + body)


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (the policy excerpt) as literal blocks, as the library writes them."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


@dataclass(frozen=True)
class Reviewed:
    """A reviewed live decision a lead may turn into practice."""

    decision_id: int
    title: str
    review_status: str


def recent_reviewed(*, session: Session, limit: int = 5) -> list[Reviewed]:
    """The most recently reviewed live decisions (bounded; one query)."""
    rows = session.execute(
        select(Decision.id, Decision.title, Decision.review_status)
        .join(Review, Review.decision_id == Decision.id)
        .where(Decision.kind == "live")
        .order_by(Review.reviewed_at.desc(), Decision.id.desc())
        .limit(limit)
    ).all()
    return [Reviewed(int(r.id), str(r.title), str(r.review_status)) for r in rows]
