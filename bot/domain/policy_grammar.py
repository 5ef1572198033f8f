"""The policy grammar: every excerpt on a card is one rule, written with the same keys.

A lead reads any excerpt the same way (scenarios/README.md, "Policy Grammar Guide"):
which policy and rule fired, what it catches (``when``), what ggen does
(``action``), who may grant an exception (``approver``), the conditions that must
all hold, and what ops does when one fails (``on_condition_failure``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, field_validator, model_validator
from yaml.nodes import Node, ScalarNode

from bot.domain.categories import Strict, Text
from bot.domain.yaml_lines import Loader, model_errors, node_at, syntax_message

PATTERN_HINTS = {
    "policy": "must be kebab-case, like resource-tagging",
    "rule": "must be kebab-case, like require-cost-center",
    "approver": "must be ops-oncall, a kebab-case team or role (security-oncall, cab) or none",
    "on_condition_failure": 'must be "deny" or "escalate to <team>", like "escalate to security-oncall"',
    "max_duration": "must be a duration like 72h, 14d or 2w",
}
OPS_APPROVER = "ops-oncall"
NO_APPROVER = "none"
KEBAB = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
Kebab = Annotated[str, Field(pattern=KEBAB, max_length=80)]
ALLOWED_KEYS = (
    "policy",
    "version",
    "rule",
    "when",
    "action",
    "approver",
    "conditions",
    "on_condition_failure",
    "max_duration",
    "note",
)


class PolicyRule(Strict):
    """One rule of one policy version, as quoted on a card."""

    policy: Kebab
    version: str
    rule: Kebab
    when: Annotated[Text, Field(max_length=300)]
    action: Literal["block", "require_exception"]
    approver: Kebab  # ops-oncall, a named team or role, or none
    conditions: Annotated[list[Annotated[Text, Field(max_length=300)]], Field(max_length=4)]
    on_condition_failure: Annotated[str, Field(pattern=r"^(deny|escalate to [a-z][a-z0-9]*(-[a-z0-9]+)*)$")]
    max_duration: Annotated[str, Field(pattern=r"^[1-9][0-9]*[hdw]$")] | None = None
    note: Annotated[Text, Field(max_length=300)] | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _quoted_version(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError('must be a quoted string, like "2.1"')
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @model_validator(mode="after")
    def _conditions_unless_nobody_may_approve(self) -> PolicyRule:
        if not self.conditions and self.approver != NO_APPROVER:
            raise ValueError("conditions: needs at least 1 item (only approver: none may list none)")
        return self

    @property
    def key(self) -> tuple[str, str, str]:
        """(policy, version, rule): quoted with identical text wherever it appears."""
        return (self.policy, self.version, self.rule)

    @property
    def ops_approves(self) -> bool:
        return self.approver == OPS_APPROVER


def parse_rule(text: str) -> PolicyRule | None:
    """The excerpt as a rule, or None when it is outside the grammar."""
    try:
        data = yaml.load(text, Loader=Loader)  # Loader is a safe loader
    except yaml.YAMLError:
        return None
    result, _ = model_errors(PolicyRule, data)
    return result if isinstance(result, PolicyRule) else None


def _excerpt_base(value_node: Node | None, key_line: int) -> int:
    """The file line of the excerpt's first line (a block scalar starts on the next line)."""
    if isinstance(value_node, ScalarNode):
        block = value_node.style in ("|", ">")
        return value_node.start_mark.line + 1 + (1 if block else 0)
    return key_line


@dataclass(frozen=True)
class Excerpt:
    """A ``policy`` excerpt read from its scenario file, with the file line it starts on."""

    data: Any
    node: Node | None
    base: int  # file line of the excerpt's first line
    key_line: int  # file line of the ``policy:`` key


def read_excerpt(text: str, *, node: Node | None) -> Excerpt | tuple[int, str]:
    """The excerpt as YAML, or (file line, message) when it does not parse.

    ``node`` is the scenario file's node tree, so a problem inside the excerpt is
    reported at its line in the file.
    """
    value_node, key_line = node_at(node, ("policy",))
    base = _excerpt_base(value_node, key_line)
    loader = Loader(text)
    try:
        excerpt = loader.get_single_node()
        data = loader.construct_document(excerpt) if excerpt is not None else None
    except yaml.MarkedYAMLError as exc:
        last = max(0, len(text.rstrip("\n").splitlines()) - 1)
        offset = min(exc.problem_mark.line, last) if exc.problem_mark is not None else 0
        context_line = base + exc.context_mark.line if exc.context_mark is not None else None
        return base + offset, "is not valid YAML: " + syntax_message(exc, base + offset, context_line)
    except yaml.YAMLError as exc:
        return key_line, f"is not valid YAML: {exc}"
    finally:
        loader.dispose()
    return Excerpt(data, excerpt, base, key_line)


NOT_A_MAPPING = "must be a YAML mapping (the policy excerpt as ggen shows it)"


def excerpt_problems(text: str, *, node: Node | None) -> Iterator[tuple[int, str, str]]:
    """Every way the ``policy`` excerpt breaks the grammar, as (file line, field, message)."""
    excerpt = read_excerpt(text, node=node)
    if isinstance(excerpt, tuple):
        yield excerpt[0], "policy", excerpt[1]
        return
    if not isinstance(excerpt.data, dict):
        yield excerpt.key_line, "policy", NOT_A_MAPPING
        return
    _, errors = model_errors(PolicyRule, excerpt.data)
    for loc, message in errors:
        if not loc and message.startswith("conditions: "):  # the model-level check names its field
            loc, message = ("conditions",), message.removeprefix("conditions: ")
        if message.startswith("String should match pattern") and loc and str(loc[0]) in PATTERN_HINTS:
            message = PATTERN_HINTS[str(loc[0])]
        if message.startswith("unknown field"):
            message = f"is not a key of the policy grammar (allowed: {', '.join(ALLOWED_KEYS)})"
        inner = node_at(excerpt.node, loc)[1]
        field = ".".join(["policy", *(str(p) for p in loc)])
        yield excerpt.base + inner - 1, field, message
