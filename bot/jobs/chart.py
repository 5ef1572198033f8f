"""The digest chart: the five pilot metrics over the program's weeks against their targets (PNG).

Drawn with matplotlib's object API on the Agg canvas (no pyplot, so no global state
and safe from any thread). Each metric gets its own panel because their units differ:
the target is a dashed line, the "close" band is shaded, and each week's point is
coloured by its status. Weeks without enough data leave a gap.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from bot.domain.grading import Metric, Op, Status, Unit
from bot.domain.metricfmt import value_text
from bot.domain.metrics import CORE_SPECS, MetricSpec, Scorecard
from bot.program import Program

COLOURS = {
    Status.PASS: "#2e7d32",
    Status.CLOSE: "#f9a825",
    Status.FAIL: "#c62828",
    Status.INSUFFICIENT: "#9e9e9e",
}


def _scale(metric: Metric, value: float) -> float:
    return value * 100 if metric.unit in (Unit.RATIO, Unit.SLOWDOWN) else value


def chart_png(history: Sequence[Scorecard], *, program: Program, title: str) -> bytes:
    """Render the five core metrics for every week in ``history`` as a PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 6.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    cells = len(CORE_SPECS) + 1  # a panel per metric (the registry's rows), then the legend
    axes = fig.subplots(-(-cells // 3), 3)
    for ax, spec in zip(axes.flat, CORE_SPECS, strict=False):
        _panel(ax, spec, history, program)
    for spare in axes.flat[cells:]:
        spare.axis("off")
    _legend(axes.flat[len(CORE_SPECS)])
    fig.suptitle(title, fontsize=12)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _panel(ax: Any, spec: MetricSpec, history: Sequence[Scorecard], program: Program) -> None:
    """One metric's panel: target, close band, each week's value coloured by status."""
    labels = [card.week.label.split("-")[1] for card in history]
    xs = list(range(len(history)))
    metrics = [card.metric(spec.key) for card in history]
    first = metrics[-1]
    target = _scale(first, first.target)
    band = _scale(first, spec.band(program.thresholds))
    if band:
        low, high = (target - band, target) if first.op is not Op.AT_MOST else (target, target + band)
        ax.axhspan(low, high, color=COLOURS[Status.CLOSE], alpha=0.15, linewidth=0)
    ax.axhline(target, color="#555555", linestyle="--", linewidth=1, label="target")
    ys = [
        _scale(m, m.value) if m.value is not None and m.status is not Status.INSUFFICIENT else None
        for m in metrics
    ]
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
    if points:
        ax.plot([p[0] for p in points], [p[1] for p in points], color="#1565c0", linewidth=1.5)
    else:
        ax.text(0.5, 0.5, "not enough data yet", transform=ax.transAxes, ha="center", color="#757575")
    if spec.unit == Unit.SLOWDOWN:
        ax.axhline(0, color="#bdbdbd", linewidth=0.8)  # "no slower than baseline" stays in view
    for x, y, m in zip(xs, ys, metrics, strict=True):
        if y is not None:
            ax.scatter([x], [y], color=COLOURS[m.status], s=50, zorder=3)
            ax.annotate(
                value_text(m), (x, y), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8
            )
    ax.set_title(spec.chart_title, fontsize=10)
    ax.set_xticks(xs, labels, fontsize=8)
    ax.set_xlim(-0.5, max(len(xs) - 0.5, 0.5))
    _y_range(ax, spec, ys)
    ax.grid(axis="y", alpha=0.3)


def _y_range(ax: Any, spec: MetricSpec, ys: list[float | None]) -> None:
    from matplotlib.ticker import MaxNLocator

    if spec.chart_ylim:
        ax.set_ylim(*spec.chart_ylim)
    elif spec.unit == Unit.COUNT:
        top = max([y for y in ys if y is not None] + [1.0])
        ax.set_ylim(-0.2, top + 0.8)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _legend(legend: Any) -> None:
    legend.axis("off")
    keys = (
        (Status.PASS, "pass"),
        (Status.CLOSE, "close"),
        (Status.FAIL, "fail"),
        (Status.INSUFFICIENT, "no data"),
    )
    for i, (status, label) in enumerate(keys):
        legend.scatter([0.1], [0.8 - i * 0.15], color=COLOURS[status], s=50)
        legend.text(0.18, 0.8 - i * 0.15, label, va="center", fontsize=10)
    legend.text(0.1, 0.15, "dashed: target · shaded: close band", fontsize=9, color="#555555")
    legend.set_xlim(0, 1)
    legend.set_ylim(0, 1)


def chart_alt_text(history: Sequence[Scorecard]) -> str:
    """What the chart shows, for screen readers (files.upload_v2's alt_txt)."""
    last = history[-1]
    values = ", ".join(f"{m.label} {value_text(m)}" for m in last.core)
    span = history[0].week.label if len(history) == 1 else f"{history[0].week.label} to {last.week.label}"
    return f"Five pilot metrics against target for {span}. Latest week: {values}."[:1000]
