"""The cue audit as text (one screen per pool) and as JSON."""

from __future__ import annotations

from typing import Any

from bot.domain.cue_audit import (
    GGEN_RANGE,
    SURFACE_MAX,
    Agreement,
    Family,
    LibraryAudit,
    PoolAudit,
    one_outcome,
)
from bot.domain.vocab import VERDICTS


def _mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _balance(title: str, table: dict[str, dict[str, int]]) -> list[str]:
    width = max((len(k) for k in table), default=8)
    lines = [f"  {title:<{width}}  " + "  ".join(f"{v:>8}" for v in VERDICTS) + "   total"]
    for key, counts in table.items():
        row = "  ".join(f"{counts[v]:>8}" for v in VERDICTS)
        lines.append(f"  {key:<{width}}  {row}   {sum(counts.values()):>5}")
    return lines


def _wrapped(items: list[str], width: int = 110) -> list[str]:
    """Items joined by commas, several to a line."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(item) + 2 <= width:
            lines[-1] += ", " + item
        else:
            lines.append("  " + item)
    return lines


def _agreement(label: str, agreement: Agreement) -> str:
    return f"{label} {agreement.agree}/{agreement.shown} ({_pct(agreement.rate)})"


def _surface(family: Family) -> str:
    best = family.best
    return (
        f"  {family.name:<22} {best.correct:>3}/{best.total:<3} {_pct(best.accuracy):>4}  "
        f"{_mark(family.passed)}  (shuffled answers: {_pct(family.chance)})  {best.name}"
    )


def pool_text(audit: PoolAudit) -> list[str]:
    """One pool's figures with PASS/FAIL against the targets."""
    lines = [f"== pool {audit.pool}: {audit.size} scenarios"]
    if not audit.size:
        return [*lines, "  no scenarios: FAIL", ""]
    lines += ["verdict balance by category", *_balance("category", audit.by_category)]
    lines += ["verdict balance by complexity", *_balance("complexity", audit.by_complexity)]
    low, high = GGEN_RANGE
    lines.append(
        f"ggen agrees with the key: {_agreement('', audit.ggen).strip()}  "
        f"target {_pct(low)}-{_pct(high)}: {_mark(audit.ggen_passed)}"
    )
    lines.append("  " + ", ".join(_agreement(c, a) for c, a in audit.ggen_by_category.items()))
    once = sum(1 for uses in audit.rules.values() if len(uses) == 1)
    repeated = one_outcome(audit.rules, least_uses=2)
    lines.append(
        f"policy rules: {len(audit.rules)} ({once} quoted once in this pool); "
        f"quoted more than once with a single outcome: {len(repeated)}"
    )
    lines += _wrapped([f"{name} ({len(audit.rules[name])}x {audit.rules[name][0]})" for name in repeated])
    lines.append(f"surface-only rules, leave-one-out accuracy (target <= {_pct(SURFACE_MAX)} each)")
    lines += [_surface(f) for f in audit.surface]
    lines += [f"pool {audit.pool}: {_mark(audit.passed)}", ""]
    return lines


def library_text(audit: LibraryAudit) -> str:
    lines: list[str] = []
    for pool in audit.pools:
        lines += pool_text(pool)
    single = audit.single_outcome_rules
    lines.append(f"== library: {len(audit.rules)} policy rules, {len(single)} with a single outcome")
    lines += _wrapped([f"{name} ({len(audit.rules[name])}x {audit.rules[name][0]})" for name in single])
    lines.append(f"overall: {_mark(audit.passed)}")
    return "\n".join(lines)


def _family_json(family: Family) -> dict[str, Any]:
    return {
        "family": family.name,
        "best": family.best.name,
        "correct": family.best.correct,
        "total": family.best.total,
        "accuracy": round(family.best.accuracy, 4),
        "pass": family.passed,
        "chance": round(family.chance, 4),
        "tried": {s.name: round(s.accuracy, 4) for s in family.tried},
    }


def _agreement_json(agreement: Agreement) -> dict[str, Any]:
    return {"agree": agreement.agree, "shown": agreement.shown, "rate": round(agreement.rate, 4)}


def pool_json(audit: PoolAudit) -> dict[str, Any]:
    return {
        "size": audit.size,
        "by_category": audit.by_category,
        "by_complexity": audit.by_complexity,
        "ggen": {**_agreement_json(audit.ggen), "pass": audit.ggen_passed},
        "ggen_by_category": {c: _agreement_json(a) for c, a in audit.ggen_by_category.items()},
        "rules": audit.rules,
        "single_outcome_rules": one_outcome(audit.rules, least_uses=2),
        "surface": [_family_json(f) for f in audit.surface],
        "pass": audit.passed,
    }


def library_json(audit: LibraryAudit) -> dict[str, Any]:
    return {
        "targets": {"surface_max": SURFACE_MAX, "ggen_range": list(GGEN_RANGE)},
        "pools": {p.pool: pool_json(p) for p in audit.pools},
        "rules": audit.rules,
        "single_outcome_rules": audit.single_outcome_rules,
        "pass": audit.passed,
    }
