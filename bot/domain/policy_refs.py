"""Policy rule references on live decisions: "policy/rule" as in the policy grammar.

A live decision names the rule that stopped the change (``resource-tagging/require-cost-center``).
The form offers the rules the scenario library quotes; an alert that quotes a rule
(``policy: x`` and ``rule: y`` lines, as ggen's holds do) preselects it.
"""

from __future__ import annotations

import re

from bot.domain.library import Library
from bot.domain.policy_grammar import KEBAB, parse_rule

OTHER = "other"
REF_MAX = 161
_PART = KEBAB.strip("^$")
_REF = re.compile(rf"^{_PART}/{_PART}$")
_POLICY_LINE = re.compile(rf"(?im)^\W*policy\s*[:=]\s*[\"']?({_PART})\b")
_RULE_LINE = re.compile(rf"(?im)^\W*rule\s*[:=]\s*[\"']?({_PART})\b")


def ref(policy: str, rule: str) -> str:
    """The stored form of a policy rule."""
    return f"{policy}/{rule}"


def known_rules(library: Library | None) -> list[str]:
    """Every rule the scenario library quotes, sorted (the form's options)."""
    if library is None:
        return []
    found = {ref(r.policy, r.rule) for s in library.scenarios if (r := parse_rule(s.policy)) is not None}
    return sorted(found)


def excerpt_for(library: Library | None, policy_rule: str) -> str | None:
    """The library's excerpt of that rule, verbatim (quoting must stay byte-identical)."""
    if library is None:
        return None
    for spec in library.scenarios:
        rule = parse_rule(spec.policy)
        if rule is not None and ref(rule.policy, rule.rule) == policy_rule:
            return spec.policy
    return None


def rule_in_text(text: str | None) -> str | None:
    """The rule an alert quotes (a ``policy:`` line and a ``rule:`` line), if it quotes one."""
    policy = _POLICY_LINE.search(text or "")
    rule = _RULE_LINE.search(text or "")
    return ref(policy.group(1), rule.group(1)) if policy and rule else None


def check_ref(value: str | None) -> tuple[str | None, str | None]:
    """(the normalised reference or None when empty, a problem or None)."""
    text = (value or "").strip().lower().replace(" ", "")
    if not text:
        return None, None
    if len(text) > REF_MAX or not _REF.match(text):
        return None, "Write the rule as policy/rule in kebab-case, e.g. resource-tagging/require-cost-center."
    return text, None


def choose(selected: str | None, other: str | None) -> tuple[str | None, str | None]:
    """The form's rule: the picked option, or the typed one when "other" (or nothing) is picked."""
    if selected and selected != OTHER:
        return check_ref(selected)
    value, problem = check_ref(other)
    if selected == OTHER and value is None and problem is None:
        return None, "You picked Other: type the rule as policy/rule, or pick one from the list."
    return value, problem
