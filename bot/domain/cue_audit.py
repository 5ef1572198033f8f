"""The cue audit: can a pool be answered without reading the facts? (issue 12, item 4)

Per pool: the verdict balance by category and complexity, ggen's agreement with
the key, the outcomes each policy rule leads to, and the leave-one-out accuracy
of the strongest surface-only rules (``bot.domain.cue_learners``) by family:
policy text, title, ggen's line, length, and the best pair of surface features.
Targets: every surface rule at or below 50%, ggen's agreement within 40-60%.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.domain.cue_learners import (
    Example,
    Predict,
    Row,
    Score,
    follow_ggen,
    leave_one_out,
    lookup,
    naive_bayes,
    title_bayes,
    title_neighbour,
)
from bot.domain.library import Library
from bot.domain.policy_grammar import NO_APPROVER, OPS_APPROVER, parse_rule
from bot.domain.scenario_spec import COMPLEXITIES, Pool, ScenarioSpec
from bot.domain.vocab import VERDICTS

SURFACE_MAX = 0.5
CHANCE_ROUNDS = 10
GGEN_RANGE = (0.4, 0.6)
STRONG_WORDS = re.compile(r"forbid|never|prohibit|not permitted|no exception|must not|otherwise: deny")
POLICY_KEYS = (
    "policy.approver",
    "policy.on_failure",
    "policy.action",
    "policy.rule",
    "policy.strong_words",
    "policy.duration",
    "policy.conditions",
)
LENGTH_KEYS = ("length.2", "length.3", "length.4")
PAIR_KEYS = (*POLICY_KEYS, "ggen", "length.3", "category", "complexity")


def _policy_features(spec: ScenarioSpec) -> Row:
    """The excerpt's shape; excerpts outside the grammar are read with patterns (for old libraries)."""
    text = spec.policy.lower()
    rule = parse_rule(spec.policy)
    strong = "yes" if STRONG_WORDS.search(text) else "no"
    if rule is not None:
        approver = (
            "ops" if rule.approver == OPS_APPROVER else "none" if rule.approver == NO_APPROVER else "other"
        )
        return {
            "policy.approver": approver,
            "policy.on_failure": rule.on_condition_failure.split(" ")[0],
            "policy.action": rule.action,
            "policy.rule": f"{rule.policy}/{rule.rule}",
            "policy.strong_words": strong,
            "policy.duration": "yes" if rule.max_duration else "no",
            "policy.conditions": str(len(rule.conditions)),
        }
    found = re.search(r"approver:\s*\"?([\w-]+)", text)
    approver = "none" if found is None else "ops" if "ops" in found.group(1) else "other"
    ident = re.search(r"id:\s*([\w-]+)", text)
    return {
        "policy.approver": approver,
        "policy.on_failure": "deny" if "deny" in text else "escalate" if "escalat" in text else "other",
        "policy.action": "block" if "block" in text else "require_exception",
        "policy.rule": ident.group(1) if ident else text[:40],
        "policy.strong_words": strong,
        "policy.duration": "yes" if "duration" in text else "no",
        "policy.conditions": str(text.count("\n  - ") + text.count("\n    - ")),
    }


def _length(spec: ScenarioSpec) -> int:
    return len(spec.context) + sum(len(f) for f in spec.facts)


def _bin(value: int, ordered: Sequence[int], bins: int) -> str:
    """Which of ``bins`` equal-count bins of the pool's lengths ``value`` falls in (no labels used)."""
    cuts = [ordered[(len(ordered) * i) // bins] for i in range(1, bins)]
    return str(sum(value >= c for c in cuts))


def examples(specs: Sequence[ScenarioSpec]) -> list[Example]:
    """Each scenario as the surface rules see it."""
    lengths = sorted(_length(s) for s in specs)
    out = []
    for spec in specs:
        row = _policy_features(spec)
        row["ggen"] = spec.ggen.value if spec.ggen else "none"
        row["category"], row["complexity"] = spec.category, spec.complexity
        for bins in (2, 3, 4):
            row[f"length.{bins}"] = _bin(_length(spec), lengths, bins)
        ggen = spec.ggen.value if spec.ggen else None
        out.append(Example(row, spec.title, ggen, spec.expected.decision.value))
    return out


def fixed_policy_rule(_train: Sequence[Example], held: Example) -> str:
    """Issue 12's four-line reading: strong words or no approver → deny; another approver → escalate."""
    f = held.features
    if f["policy.approver"] == "none" or f["policy.strong_words"] == "yes":
        return "deny"
    return "escalate" if f["policy.approver"] == "other" else "approve"


@dataclass(frozen=True)
class Family:
    """The strongest rule of one family of surface cues, and every rule tried."""

    name: str
    best: Score
    tried: tuple[Score, ...]
    chance: float  # the best of the same rules when the answers are shuffled (mean over rounds)

    @property
    def passed(self) -> bool:
        return self.best.accuracy <= SURFACE_MAX


def _best(items: Sequence[Example], rules: Sequence[tuple[str, Predict]]) -> tuple[Score, tuple[Score, ...]]:
    scores = tuple(leave_one_out(label, items, predict) for label, predict in rules)
    return max(scores, key=lambda s: (s.correct, -scores.index(s))), scores


def _family(name: str, items: Sequence[Example], rules: Sequence[tuple[str, Predict]]) -> Family:
    """Score every rule; and, for scale, the best of them on shuffled answers.

    Picking the best of many rules finds some signal in any data; the shuffled
    figure shows how much, so a score near it is noise rather than a cue.
    """
    best, scores = _best(items, rules)
    rng = random.Random(name)
    total = 0.0
    for _ in range(CHANCE_ROUNDS):
        answers = [e.expected for e in items]
        rng.shuffle(answers)
        shuffled = [dataclasses.replace(e, expected=a) for e, a in zip(items, answers, strict=True)]
        total += _best(shuffled, rules)[0].accuracy
    return Family(name, best, scores, total / CHANCE_ROUNDS if items else 0.0)


def surface_families(items: Sequence[Example]) -> list[Family]:
    """Policy text, title, ggen's line, length, and the best pair of any two surface features."""
    policy_rules: list[tuple[str, Predict]] = [(f"lookup {k}", lookup(k)) for k in POLICY_KEYS]
    policy_rules += [(f"lookup {a} + {b}", lookup(a, b)) for a, b in itertools.combinations(POLICY_KEYS, 2)]
    policy_rules += [("naive Bayes on the policy features", naive_bayes(POLICY_KEYS))]
    policy_rules += [("fixed: approver/strong words (issue 12)", fixed_policy_rule)]
    pairs = [(f"lookup {a} + {b}", lookup(a, b)) for a, b in itertools.combinations(PAIR_KEYS, 2)]
    return [
        _family("policy text", items, policy_rules),
        _family(
            "title", items, [("naive Bayes on title words", title_bayes), ("nearest title", title_neighbour)]
        ),
        _family("ggen's line", items, [("follow ggen", follow_ggen), ("lookup ggen", lookup("ggen"))]),
        _family("length", items, [(f"lookup {k} bins", lookup(k)) for k in LENGTH_KEYS]),
        _family("best pair of features", items, pairs),
    ]


@dataclass(frozen=True)
class Agreement:
    agree: int
    shown: int

    @property
    def rate(self) -> float:
        return self.agree / self.shown if self.shown else 0.0


def _agreement(specs: Sequence[ScenarioSpec]) -> Agreement:
    shown = [s for s in specs if s.ggen is not None]
    return Agreement(sum(s.ggen == s.expected.decision for s in shown), len(shown))


def rule_outcomes(specs: Sequence[ScenarioSpec]) -> dict[str, list[str]]:
    """Each policy rule ("policy version rule") and the expected decision of every card quoting it.

    An excerpt outside the grammar counts as a rule of its own (it cannot be matched).
    """
    out: dict[str, list[str]] = defaultdict(list)
    for spec in specs:
        rule = parse_rule(spec.policy)
        name = f"{rule.policy} {rule.version} {rule.rule}" if rule else f"{spec.id} (outside the grammar)"
        out[name].append(spec.expected.decision.value)
    return {name: sorted(values, key=VERDICTS.index) for name, values in sorted(out.items())}


def one_outcome(rules: dict[str, list[str]], *, least_uses: int = 1) -> list[str]:
    """Rules quoted at least ``least_uses`` times that always lead to the same decision."""
    return [name for name, uses in rules.items() if len(uses) >= least_uses and len(set(uses)) < 2]


@dataclass(frozen=True)
class PoolAudit:
    """Everything the audit measures on one pool."""

    pool: str
    size: int
    by_category: dict[str, dict[str, int]]
    by_complexity: dict[str, dict[str, int]]
    ggen: Agreement
    ggen_by_category: dict[str, Agreement]
    rules: dict[str, list[str]]
    surface: list[Family] = field(default_factory=list)

    @property
    def ggen_passed(self) -> bool:
        return GGEN_RANGE[0] <= self.ggen.rate <= GGEN_RANGE[1]

    @property
    def passed(self) -> bool:
        return self.size > 0 and self.ggen_passed and all(f.passed for f in self.surface)


def _counts(specs: Sequence[ScenarioSpec], keys: Sequence[str], attr: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for key in keys:
        decisions = Counter(s.expected.decision.value for s in specs if getattr(s, attr) == key)
        out[key] = {verdict: decisions[verdict] for verdict in VERDICTS}
    return out


def audit_pool(specs: Sequence[ScenarioSpec], *, pool: str, categories: Sequence[str]) -> PoolAudit:
    """Audit one pool's scenarios."""
    return PoolAudit(
        pool=pool,
        size=len(specs),
        by_category=_counts(specs, categories, "category"),
        by_complexity=_counts(specs, COMPLEXITIES, "complexity"),
        ggen=_agreement(specs),
        ggen_by_category={c: _agreement([s for s in specs if s.category == c]) for c in categories},
        rules=rule_outcomes(specs),
        surface=surface_families(examples(specs)) if specs else [],
    )


@dataclass(frozen=True)
class LibraryAudit:
    pools: list[PoolAudit]
    rules: dict[str, list[str]]  # across the whole library

    @property
    def single_outcome_rules(self) -> list[str]:
        return one_outcome(self.rules)

    @property
    def passed(self) -> bool:
        return all(p.passed for p in self.pools) and not self.single_outcome_rules


def audit_library(library: Library) -> LibraryAudit:
    """Audit every pool of ``library``."""
    ids = library.category_ids
    pools = [audit_pool(library.pool(p), pool=p.value, categories=ids) for p in Pool]
    return LibraryAudit(pools=pools, rules=rule_outcomes(library.scenarios))
