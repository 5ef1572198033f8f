"""The authoring rules on a loaded library: policy grammar, identical quoting, pool balance.

``casebook scenarios validate`` reports these after the files load. They are not
start-up checks: the bot runs on any library that loads, while these rules keep
the library one that needs the facts (scenarios/README.md).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.domain.categories import CATEGORIES_FILE
from bot.domain.library import Library
from bot.domain.policy_grammar import PolicyRule, excerpt_problems, parse_rule
from bot.domain.scenario_spec import COMPLEXITIES, Pool, ScenarioSpec
from bot.domain.vocab import VERDICTS
from bot.domain.yaml_lines import Parsed, Problems, line_of, parse_yaml

MIN_PER_CATEGORY = 6  # scenarios per category in each pool
MIN_SHARE = 4  # each decision expected in at least 1/MIN_SHARE of a category's pool


@dataclass(frozen=True)
class _Quote:
    source: str
    line: int
    text: str


def _parsed(path: Path) -> Parsed | None:
    return parse_yaml(path.read_text(encoding="utf-8"), str(path), Problems())


def _grammar_and_quotes(library: Library, problems: Problems) -> None:
    """Each excerpt is one rule in the grammar; a (policy, version, rule) reads the same everywhere."""
    quotes: dict[tuple[str, str, str], list[_Quote]] = defaultdict(list)
    for spec in sorted(library.scenarios, key=lambda s: str(library.sources.get(s.id, s.id))):
        path = library.sources.get(spec.id)
        parsed = _parsed(path) if path is not None else None
        node = parsed.node if parsed is not None else None
        source = str(path or spec.id)
        found = list(excerpt_problems(spec.policy, node=node))
        for line, field, message in found:
            problems.add(source, line, field, message)
        rule = parse_rule(spec.policy) if not found else None
        if rule is not None:
            quotes[rule.key].append(_Quote(source, line_of(node, ("policy",)), spec.policy))
    for (policy, version, rule_id), seen in quotes.items():
        # the text most files agree on is the reference; ties go to the first file
        usual = Counter(q.text for q in seen).most_common(1)[0][0]
        first = next(q for q in seen if q.text == usual)
        for other in seen:
            if other.text != usual:
                problems.add(
                    other.source,
                    other.line,
                    "policy",
                    f"{policy} {version} rule {rule_id} is quoted with different text than in "
                    f"{first.source}:{first.line} (a rule must read the same on every card)",
                )


def _balance_problems(specs: list[ScenarioSpec]) -> Iterator[str]:
    """Why one category's share of one pool is out of balance (nothing when it is fine)."""
    count = len(specs)
    if count < MIN_PER_CATEGORY:
        yield f"has {count} scenario{'s' if count != 1 else ''} (needs at least {MIN_PER_CATEGORY})"
    decisions = Counter(s.expected.decision.value for s in specs)
    least = -(-count // MIN_SHARE)  # ceil: "at least a quarter of the time"
    for verdict in VERDICTS:
        if count and decisions[verdict] < least:
            yield (
                f"{verdict} is expected in {decisions[verdict]} of {count} "
                f"(needs at least a quarter: {least})"
            )
    levels: Counter[str] = Counter(s.complexity for s in specs)
    missing = [level for level in COMPLEXITIES if count and not levels[level]]
    if missing:
        yield f"has no {' or '.join(missing)} complexity scenario (mix low, medium and high)"


def _balance(library: Library, problems: Problems) -> None:
    source = str(library.directory / CATEGORIES_FILE)
    parsed = _parsed(library.directory / CATEGORIES_FILE)
    node = parsed.node if parsed is not None else None
    for pool in Pool:
        for index, category in enumerate(library.categories):
            line = line_of(node, ("categories", index, "id"))
            for message in _balance_problems(library.in_category(category.id, pool)):
                problems.add(source, line, f"{pool.value}.{category.id}", message)


def check_rules(library: Library) -> list[str]:
    """Every authoring-rule problem, as ``file:line: field: message``."""
    problems = Problems()
    _grammar_and_quotes(library, problems)
    _balance(library, problems)
    return problems.render()


def rules_of(library: Library) -> dict[str, PolicyRule]:
    """Each scenario's policy rule, for scenarios whose excerpt is in the grammar."""
    out: dict[str, PolicyRule] = {}
    for spec in library.scenarios:
        rule = parse_rule(spec.policy)
        if rule is not None:
            out[spec.id] = rule
    return out
