"""The cue audit on tiny constructed pools whose answers are known by hand."""

from __future__ import annotations

from pathlib import Path

from bot.domain.cue_audit import audit_library, audit_pool, examples, fixed_policy_rule
from bot.domain.cue_learners import Example, leave_one_out, lookup, majority
from bot.domain.library import Library, load_library
from bot.domain.scenario_spec import ScenarioSpec
from tests.domain.test_library import SHIPPED, VALID

APPROVERS = {"ops": "ops-oncall", "none": "none", "other": "security-oncall"}


def _policy(approver: str, rule: str = "keep-tls-current") -> str:
    return (
        "policy: transport-security\n"
        'version: "1.0"\n'
        f"rule: {rule}\n"
        'when: "a listener accepts TLS below 1.2"\n'
        "action: require_exception\n"
        f"approver: {APPROVERS[approver]}\n"
        "conditions:\n"
        '  - "the listener is internal only"\n'
        "on_condition_failure: deny\n"
    )


def _spec(
    index: int,
    decision: str,
    *,
    approver: str = "ops",
    ggen: str | None = None,
    title: str = "Billing listener TLS exception",
    facts: int = 4,
    category: str = "security_exception",
) -> ScenarioSpec:
    return ScenarioSpec.model_validate(
        {
            "id": f"se-{index:02d}",
            "pool": "practice",
            "title": title,
            "category": category,
            "complexity": ("low", "medium", "high")[index % 3],
            "requester": "Ana Silva, billing",
            "context": "The billing team asks to keep an old listener for a partner.",
            "policy": _policy(approver),
            "facts": [f"Fact number {n} about the listener" for n in range(facts)],
            "automation_recommendation": ggen,
            "expected": {"decision": decision, "acceptable": []},
            "rationale": "The facts decide it.",
            "key_points": [{"point": "Names the partner", "keywords": ["partner"]}],
            "mentor_notes": "Ask about the partner.",
        }
    )


DECISIONS = ["approve", "approve", "deny", "deny", "escalate", "escalate"]


def test_majority_breaks_ties_by_the_prior_then_verdict_order() -> None:
    assert majority(["deny", "escalate", "escalate"]) == "escalate"
    assert majority(["deny", "escalate"], prior=["escalate", "escalate", "deny"]) == "escalate"
    assert majority(["escalate", "deny"]) == "deny"
    assert majority([]) == "approve"


def test_an_approver_that_gives_the_answer_scores_every_card() -> None:
    approvers = ["ops", "ops", "none", "none", "other", "other"]
    specs = [_spec(i, d, approver=a) for i, (d, a) in enumerate(zip(DECISIONS, approvers, strict=True))]
    audit = audit_pool(specs, pool="practice", categories=["security_exception"])
    policy = next(f for f in audit.surface if f.name == "policy text")
    assert (policy.best.correct, policy.best.total) == (6, 6)
    assert not policy.passed and not audit.passed
    fixed = leave_one_out("fixed", examples(specs), fixed_policy_rule)
    assert fixed.correct == 6  # issue 12's four-line rule reads it too


def test_cues_that_carry_nothing_score_below_chance_with_leave_one_out() -> None:
    """Same title, same length, same policy: holding one out makes its answer the minority."""
    specs = [_spec(i, d) for i, d in enumerate(DECISIONS)]
    audit = audit_pool(specs, pool="practice", categories=["security_exception"])
    scores = {f.name: f.best.correct for f in audit.surface}
    assert scores["length"] == 0 and scores["title"] == 0
    assert all(f.passed for f in audit.surface if f.name != "policy text")


def test_ggen_agreement_and_following_ggen() -> None:
    ggen = ["approve", "deny", "deny", None, "approve", "escalate"]
    specs = [_spec(i, d, ggen=g) for i, (d, g) in enumerate(zip(DECISIONS, ggen, strict=True))]
    audit = audit_pool(specs, pool="practice", categories=["security_exception"])
    assert (audit.ggen.agree, audit.ggen.shown) == (3, 5)
    assert audit.ggen_passed
    line = next(f for f in audit.surface if f.name == "ggen's line")
    follow = next(s for s in line.tried if s.name == "follow ggen")
    # right on 3 cards; the card without a recommendation gets the training majority (approve): wrong
    assert follow.correct == 3
    assert audit.ggen_by_category["security_exception"].agree == 3


def test_a_title_that_names_the_answer_is_caught() -> None:
    titles = [
        "Routine renewal",
        "Routine renewal",
        "Risky open port",
        "Risky open port",
        "Data access",
        "Data access",
    ]
    specs = [_spec(i, d, title=t) for i, (d, t) in enumerate(zip(DECISIONS, titles, strict=True))]
    audit = audit_pool(specs, pool="practice", categories=["security_exception"])
    title = next(f for f in audit.surface if f.name == "title")
    assert title.best.correct == 6 and not title.passed


def test_approve_cases_that_are_longer_are_caught() -> None:
    facts = [7, 7, 1, 1, 4, 4]
    specs = [_spec(i, d, facts=n) for i, (d, n) in enumerate(zip(DECISIONS, facts, strict=True))]
    audit = audit_pool(specs, pool="practice", categories=["security_exception"])
    length = next(f for f in audit.surface if f.name == "length")
    assert length.best.correct == 6


def test_lookup_backs_off_when_a_combination_is_unseen() -> None:
    def ex(a: str, b: str, expected: str) -> Example:
        return Example({"a": a, "b": b}, "t", None, expected)

    train = [ex("x", "1", "deny"), ex("x", "2", "deny"), ex("y", "1", "escalate")]
    assert lookup("a", "b")(train, ex("x", "3", "approve")) == "deny"  # backs off to a=x
    assert lookup("a", "b")(train, ex("z", "3", "approve")) == "deny"  # then the overall majority


def test_rule_outcomes_and_single_outcome_rules_across_the_library() -> None:
    library = load_library(VALID)
    audit = audit_library(library)
    assert [p.pool for p in audit.pools] == ["practice", "assessment"]
    each = ["approve", "approve", "deny", "deny", "escalate", "escalate"]
    assert audit.rules == {
        "deploy-safety 3.0 change-during-incident": each,
        "deploy-safety 3.0 rollback-past-migration": each,
    }
    assert audit.single_outcome_rules == []
    one = Library(directory=Path("."), categories=library.categories, scenarios=library.scenarios[:1])
    assert audit_library(one).single_outcome_rules == ["deploy-safety 3.0 rollback-past-migration"]
    assert not audit_library(one).pools[1].passed  # an empty pool never passes


def test_the_shuffled_baseline_is_reproducible_and_bounded() -> None:
    approvers = ["ops", "ops", "none", "none", "other", "other"]
    specs = [_spec(i, d, approver=a) for i, (d, a) in enumerate(zip(DECISIONS, approvers, strict=True))]
    first = audit_pool(specs, pool="practice", categories=["security_exception"])
    again = audit_pool(specs, pool="practice", categories=["security_exception"])
    assert [f.chance for f in first.surface] == [f.chance for f in again.surface]
    policy = next(f for f in first.surface if f.name == "policy text")
    assert 0.0 <= policy.chance < policy.best.accuracy == 1.0  # a real cue beats shuffled answers


def test_the_shipped_library_meets_the_audit_targets_on_both_pools() -> None:
    audit = audit_library(load_library(SHIPPED))
    for pool in audit.pools:
        assert pool.size >= 42, pool.pool
        assert pool.ggen_passed, (pool.pool, pool.ggen)
        assert all(f.passed for f in pool.surface), [(f.name, f.best) for f in pool.surface]
    assert audit.single_outcome_rules == []
