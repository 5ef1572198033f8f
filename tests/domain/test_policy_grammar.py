"""The policy grammar: the exact key set and the value forms, with lines in the scenario file."""

from __future__ import annotations

import pytest

from bot.domain.policy_grammar import excerpt_problems, parse_rule
from bot.domain.yaml_lines import Problems, parse_yaml

GOOD = """policy: resource-tagging
version: "2.1"
rule: require-cost-center
when: "a Namespace is created without a cost-center label"
action: require_exception
approver: ops-oncall
conditions:
  - "the namespace carries a janitor TTL of at most 72h"
on_condition_failure: deny
max_duration: 72h
note: "Labels are copied by the operator from next sprint."
"""


def _problems(excerpt: str) -> list[tuple[int, str, str]]:
    """Problems for the excerpt embedded in a scenario file where it starts on line 3."""
    body = "".join(f"  {line}\n" if line else "\n" for line in excerpt.splitlines())
    parsed = parse_yaml(f"id: x\ntitle: t\npolicy: |\n{body}facts: []\n", "f.yaml", Problems())
    assert parsed is not None
    return list(excerpt_problems(excerpt, node=parsed.node))


def test_a_rule_in_the_grammar_passes_and_parses() -> None:
    assert _problems(GOOD) == []
    rule = parse_rule(GOOD)
    assert rule is not None and rule.key == ("resource-tagging", "2.1", "require-cost-center")
    assert rule.ops_approves


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [
        ('version: "2.1"', "version: 2.1", 5, "policy.version", 'quoted string, like "2.1"'),
        ("action: require_exception", "action: hold", 8, "policy.action", "'block' or 'require_exception'"),
        ("approver: ops-oncall", "approver: Ops Oncall", 9, "policy.approver", "kebab-case team"),
        (
            "on_condition_failure: deny",
            "on_condition_failure: reject",
            12,
            "policy.on_condition_failure",
            '"deny"',
        ),
        ("max_duration: 72h", "max_duration: 3 days", 13, "policy.max_duration", "like 72h"),
        ('when: "a Namespace', 'otherwise: deny\nwhen: "a Namespace', 7, "policy.otherwise", "not a key"),
        ("policy: resource-tagging", "policy: Resource Tagging", 4, "policy.policy", "kebab-case"),
    ],
)
def test_each_value_form_is_enforced(old: str, new: str, line: int, field: str, words: str) -> None:
    [(got_line, got_field, message)] = _problems(GOOD.replace(old, new))
    assert (got_line, got_field) == (line, field)
    assert words in message


def test_a_misspelt_key_is_unknown_and_leaves_its_key_missing() -> None:
    problems = _problems(GOOD.replace("rule: require-cost-center", "rules: require-cost-center"))
    assert [(line, field) for line, field, _ in problems] == [(4, "policy.rule"), (6, "policy.rules")]
    assert "not a key of the policy grammar" in problems[1][2]


def test_a_missing_key_points_at_the_excerpt() -> None:
    [(line, field, message)] = _problems(
        GOOD.replace('when: "a Namespace is created without a cost-center label"\n', "")
    )
    assert (line, field, message) == (4, "policy.when", "is required")


def test_conditions_one_to_four_and_none_only_without_an_approver() -> None:
    many = GOOD.replace('  - "the namespace carries a janitor TTL of at most 72h"\n', '  - "c"\n' * 5)
    assert [(f, m) for _, f, m in _problems(many)] == [
        ("policy.conditions", "has too many items (at most 4)")
    ]
    empty = GOOD.replace('  - "the namespace carries a janitor TTL of at most 72h"\n', "").replace(
        "conditions:", "conditions: []"
    )
    assert [(f, m) for _, f, m in _problems(empty)] == [
        ("policy.conditions", "needs at least 1 item (only approver: none may list none)")
    ]
    assert _problems(empty.replace("approver: ops-oncall", "approver: none")) == []


def test_escalate_to_a_named_team_and_an_excerpt_that_is_not_a_mapping() -> None:
    assert _problems(GOOD.replace("failure: deny", "failure: escalate to security-oncall")) == []
    [(line, field, message)] = _problems("- just\n- a list\n")
    assert (line, field) == (3, "policy") and "mapping" in message
    [(line, field, message)] = _problems('policy: "unclosed\nversion: "1"\n')
    assert field == "policy" and "not valid YAML" in message
