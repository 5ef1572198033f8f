"""Plain-text formatting of metric values, targets, changes and shortfalls.

Shared by the Slack blocks, the CLI and the go/no-go reasons so a number reads the
same everywhere. Output is plain text; Slack builders escape it like any other text.
"""

from __future__ import annotations

from bot.domain.grading import Metric, Op, Status, Unit

STATUS_LABEL = {
    Status.PASS: "pass",
    Status.CLOSE: "close",
    Status.FAIL: "fail",
    Status.INSUFFICIENT: "insufficient data",
}
_OP = {Op.ABOVE: ">", Op.AT_LEAST: "≥", Op.AT_MOST: "≤"}


def pct(value: float, *, signed: bool = False) -> str:
    """0.705 → ``70.5%``, 0.7 → ``70%``."""
    x = value * 100
    sign = "+" if signed else ""
    if abs(x - round(x)) < 0.05:
        return f"{round(x):{sign}d}%"
    return f"{x:{sign}.1f}%"


def points(delta: float) -> str:
    """A change of a ratio in percentage points: ``+5 pts``."""
    x = delta * 100
    text = f"{round(x):+d}" if abs(x - round(x)) < 0.05 else f"{x:+.1f}"
    return "±0 pts" if text in ("+0", "-0", "+0.0", "-0.0") else f"{text} pts"


def minutes(value: float) -> str:
    """18 → ``18 min``; 240 → ``4 h``; 95.5 → ``95.5 min``."""
    if value >= 120:
        hours = value / 60
        return f"{hours:.1f}".rstrip("0").rstrip(".") + " h"
    return f"{value:.1f}".rstrip("0").rstrip(".") + " min"


def duration(hours: float) -> str:
    """Waiting times: ``50 min``, ``30 h``, ``4.3 days``."""
    if hours >= 48:
        return f"{hours / 24:.1f}".rstrip("0").rstrip(".") + " days"
    if hours >= 2:
        return f"{hours:.0f} h"
    return minutes(hours * 60)


def value_text(metric: Metric) -> str:
    if metric.value is None:
        return "—"
    v = metric.value
    if metric.unit == Unit.RATIO:
        return pct(v)
    if metric.unit == Unit.SCORE:
        return f"{v:.2f}"
    if metric.unit == Unit.SLOWDOWN:
        return pct(v, signed=True)
    if metric.unit == Unit.COUNT:
        return f"{round(v)}"
    if metric.unit == Unit.SLOPE:
        return points(v).replace("pts", "pts/day")
    if metric.unit == Unit.BREACHES:
        return _breaches(round(v))
    return f"{v:g}"


def _breaches(n: int) -> str:
    return "no breaches" if n == 0 else f"{n} {'breach' if n == 1 else 'breaches'}"


def target_text(metric: Metric) -> str:
    op, t = _OP[metric.op], metric.target
    if metric.unit == Unit.RATIO:
        if metric.op is Op.AT_MOST and t == 0:
            return "0%"
        if metric.op is Op.AT_LEAST and t == 1:
            return "100%"
        return f"{op} {pct(t)}"
    if metric.unit == Unit.SCORE:
        return f"{op} {t:g}"
    if metric.unit == Unit.SLOWDOWN:
        return f"≤ {pct(t)} slower"
    if metric.unit == Unit.COUNT:
        return f"{round(t)} leavers" if t == 0 else f"≤ {round(t)}"
    if metric.unit == Unit.SLOPE:
        return f"stable or declining, ≤ {points(t).replace('pts', 'pts/day')}"
    if metric.unit == Unit.BREACHES:
        p1 = metric.parts.get("P1", {}).get("limit_minutes")
        p2 = metric.parts.get("P2", {}).get("limit_minutes")
        if p1 is not None and p2 is not None:
            return f"every P1 ≤ {minutes(float(p1))}, every P2 ≤ {minutes(float(p2))}"
        return "no breaches"
    return f"{op} {t:g}"


def delta_text(metric: Metric, previous: Metric | None) -> str:
    """The change since the previous week, or ``—`` when either week has no value."""
    if previous is None or metric.value is None or previous.value is None:
        return "—"
    d = metric.value - previous.value
    if metric.unit in (Unit.RATIO, Unit.SLOWDOWN):
        return points(d)
    if metric.unit == Unit.SLOPE:
        return points(d).replace("pts", "pts/day")
    if metric.unit == Unit.SCORE:
        return "±0.00" if abs(d) < 0.005 else f"{d:+.2f}"
    if metric.unit == Unit.COUNT:
        return "±0" if round(d) == 0 else f"{round(d):+d}"
    if metric.unit == Unit.BREACHES:
        return "±0" if round(d) == 0 else f"{round(d):+d}"
    return f"{d:+g}"


def shortfall_text(metric: Metric) -> str:
    """How far a close or failing metric is from its target, in the metric's own terms."""
    gap = metric.shortfall
    if gap is None:
        return ""
    if gap == 0 and metric.op is Op.ABOVE:
        return "exactly at the target, which it must exceed"
    if metric.unit in (Unit.RATIO, Unit.SLOWDOWN):
        return f"{points(gap).lstrip('+')} {'over' if metric.op is Op.AT_MOST else 'short'}"
    if metric.unit == Unit.SLOPE:
        return f"{points(gap).lstrip('+')}/day over"
    if metric.unit == Unit.SCORE:
        return f"{gap:.2f} short"
    if metric.unit == Unit.COUNT:
        n = round(gap)
        return f"{n} {'leaver' if n == 1 else 'leavers'} over"
    if metric.unit == Unit.BREACHES:
        return _breaches(round(gap))
    return f"{gap:g} off"
