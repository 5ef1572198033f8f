"""The digest chart: the five go/no-go metrics over the program's weeks against their targets (PNG).

Drawn with matplotlib's object API on the Agg canvas (no pyplot, so no global state
and safe from any thread). Each metric gets its own panel because their units differ:
the target is a dashed line, the "close" band is shaded, and each graded week's point
is coloured by its status and labelled with its value. A week with a figure from too
few data points is drawn hollow and grey (its value is shown, not judged) and is not
joined to the line; a week with no figure is a shaded gap with a note. Labels and notes
are placed where they cross no line and no other label (:mod:`bot.jobs.chart_labels`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.domain.grading import Metric, Op, Status, Unit
from bot.domain.metricfmt import value_text
from bot.domain.metrics import CORE_SPECS, MetricSpec, Scorecard
from bot.jobs.chart_labels import Placed, label_point, place_note, track_hline, track_lines
from bot.program import Program

COLOURS = {
    Status.PASS: "#2e7d32",
    Status.CLOSE: "#f9a825",
    Status.FAIL: "#c62828",
    Status.INSUFFICIENT: "#9e9e9e",
}
LINE = "#1565c0"
GAP = "#eeeeee"
NOTE = "#616161"
LABEL_SIZE = 9
MAX_TICKS = 8
HOLLOW: dict[str, Any] = {
    "facecolors": "white",
    "edgecolors": COLOURS[Status.INSUFFICIENT],
    "linewidths": 1.5,
}


@dataclass
class Panel:
    """One metric's axes, what it plots, and (after layout) where its text went."""

    ax: Any
    spec: MetricSpec
    metrics: list[Metric]
    target: float = 0.0  # on the panel's scale (percent for ratios)
    placed: Placed = field(default_factory=Placed)

    @property
    def graded(self) -> list[float | None]:
        return [_y(m) if m.status is not Status.INSUFFICIENT else None for m in self.metrics]


def _scale(metric: Metric, value: float) -> float:
    return value * 100 if metric.unit in (Unit.RATIO, Unit.SLOWDOWN) else value


def _y(metric: Metric) -> float | None:
    return _scale(metric, metric.value) if metric.value is not None else None


def chart_figure(history: Sequence[Scorecard], *, program: Program, title: str) -> tuple[Any, list[Panel]]:
    """Draw the figure (panels, then labels once the layout is fixed); returns it and its panels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 6.8), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    cells = len(CORE_SPECS) + 1  # a panel per metric (the registry's rows), then the legend
    axes = fig.subplots(-(-cells // 3), 3)
    panels = [
        Panel(ax, spec, [card.metric(spec.key) for card in history])
        for ax, spec in zip(axes.flat, CORE_SPECS, strict=False)
    ]
    labels = [card.week.label.split("-")[1] for card in history]
    for panel in panels:
        _draw(panel, program, labels)
    for spare in axes.flat[cells:]:
        spare.axis("off")
    _legend(axes.flat[len(CORE_SPECS)])
    fig.suptitle(title, fontsize=13, fontweight="bold")
    fig.canvas.draw()  # run the layout once, then freeze it so label boxes stay where measured
    fig.set_layout_engine("none")
    for panel in panels:
        _annotate(panel)
    if any(panel.placed.omitted for panel in panels):
        note = "Older values without a label (no room):\nApp Home's weekly figures list them all."
        axes.flat[len(CORE_SPECS)].text(0.04, 0.02, note, fontsize=8.5, color=NOTE, va="bottom")
    return fig, panels


def chart_png(history: Sequence[Scorecard], *, program: Program, title: str) -> bytes:
    """Render the five core metrics for every week in ``history`` as a PNG."""
    fig, _ = chart_figure(history, program=program, title=title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _draw(panel: Panel, program: Program, labels: list[str]) -> None:
    """Target, close band, the graded weeks as joined runs, too-few weeks hollow, gaps shaded."""
    ax, spec, metrics = panel.ax, panel.spec, panel.metrics
    last = metrics[-1]
    target = panel.target = _scale(last, last.target)
    band = _scale(last, spec.band(program.thresholds))
    low, high = (target - band, target) if last.op is not Op.AT_MOST else (target, target + band)
    if band:
        ax.axhspan(low, high, color=COLOURS[Status.CLOSE], alpha=0.15, linewidth=0)
    ax.axhline(target, color="#555555", linestyle="--", linewidth=1)
    if spec.unit == Unit.SLOWDOWN:
        ax.axhline(0, color="#bdbdbd", linewidth=0.8)  # "no slower than baseline" stays in view
    for run in _runs(panel.graded):
        ax.plot([x for x, _ in run], [y for _, y in run], color=LINE, linewidth=1.5, zorder=2)
    for x, m in enumerate(metrics):
        y = _y(m)
        if y is None:
            ax.axvspan(x - 0.5, x + 0.5, color=GAP, linewidth=0, zorder=0)
        elif m.status is Status.INSUFFICIENT:
            ax.scatter([x], [y], s=50, zorder=3, **HOLLOW)
        else:
            ax.scatter([x], [y], color=COLOURS[m.status], s=50, zorder=3)
    ax.set_title(spec.chart_title, fontsize=10.5)
    step = -(-len(labels) // MAX_TICKS)  # every week up to MAX_TICKS, then every 2nd, 3rd …
    shown = [x for x in range(len(labels)) if (len(labels) - 1 - x) % step == 0]  # always this week
    ax.set_xticks(shown, [labels[x] for x in shown], fontsize=8.5)
    room = 0.6 if len(labels) > MAX_TICKS else 0.0  # this week's label may go to the right
    ax.set_xlim(-0.5, max(len(labels) - 0.5, 0.5) + room)
    _y_range(ax, spec, [_y(m) for m in metrics], (low, high))
    ax.grid(axis="y", alpha=0.3)


def _runs(ys: list[float | None]) -> list[list[tuple[int, float]]]:
    """Consecutive weeks with a graded value: each run is one line, gaps stay gaps."""
    runs: list[list[tuple[int, float]]] = [[]]
    for x, y in enumerate(ys):
        if y is None:
            runs.append([])
        else:
            runs[-1].append((x, y))
    return [run for run in runs if run]


def _y_range(ax: Any, spec: MetricSpec, ys: list[float | None], guides: tuple[float, ...]) -> None:
    """Room above and below every value and guide line, so labels fit inside the panel."""
    from matplotlib.ticker import MaxNLocator

    seen = [y for y in ys if y is not None]
    if spec.chart_ylim:  # a fixed scale (0–100%, 1–5) unless a value falls outside it
        low, high = min([spec.chart_ylim[0], *seen]), max([spec.chart_ylim[1], *seen])
        ax.set_ylim(low - (high - low) * 0.05, high)  # a point at the bottom stays whole
    else:
        low, high = min([0.0, *seen, *guides]), max([*seen, *guides, 1.0])
        span = high - low
        ax.set_ylim(low - span * (0.15 if low < 0 else 0.1), high + span * 0.18)
    if spec.unit == Unit.COUNT:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _annotate(panel: Panel) -> None:
    """Value labels beside every plotted point, then a note in each gap, none crossing anything."""
    ax, placed = panel.ax, panel.placed
    track_hline(ax, placed, panel.target)
    if panel.spec.unit == Unit.SLOWDOWN:
        track_hline(ax, placed, 0.0)
    track_lines(ax, placed, [tuple(run) for run in _runs(panel.graded)])
    newest = len(panel.metrics) - 1
    for x, m in reversed(list(enumerate(panel.metrics))):  # this week's label gets the best spot
        y = _y(m)
        if y is not None:
            colour = "#212121" if m.status is not Status.INSUFFICIENT else NOTE
            style = {"fontsize": LABEL_SIZE, "color": colour}
            label_point(ax, placed, x, y, value_text(m), required=x == newest, **style)
    for start, end, text in _gaps(panel.metrics):
        rotate = 0 if end > start or len(panel.metrics) <= 6 else 90
        place_note(ax, placed, (start + end) / 2, text, fontsize=8, color=NOTE, rotation=rotate)


def _gaps(metrics: list[Metric]) -> list[tuple[int, int, str]]:
    """Runs of weeks with no figure (first, last, note); one run of all weeks says "yet"."""
    gaps: list[tuple[int, int, str]] = []
    for x, m in enumerate(metrics):
        if m.value is not None:
            continue
        if gaps and gaps[-1][1] == x - 1:
            gaps[-1] = (gaps[-1][0], x, gaps[-1][2])
        else:
            gaps.append((x, x, "no data"))
    if gaps == [(0, len(metrics) - 1, "no data")]:
        return [(0, len(metrics) - 1, "no data yet")]
    return gaps


def _legend(legend: Any) -> None:
    legend.axis("off")
    rows: list[tuple[dict[str, Any], str]] = [
        ({"color": COLOURS[Status.PASS]}, "pass"),
        ({"color": COLOURS[Status.CLOSE]}, "close to target"),
        ({"color": COLOURS[Status.FAIL]}, "fail"),
        (HOLLOW, "too few to judge"),
    ]
    step = 0.11
    for i, (style, label) in enumerate(rows):
        legend.scatter([0.08], [0.92 - i * step], s=50, **style)
        legend.text(0.15, 0.92 - i * step, label, va="center", fontsize=10)
    y = 0.92 - len(rows) * step
    legend.add_patch(_box(0.04, y - 0.035, 0.08, 0.07, GAP))
    legend.text(0.15, y, "no data that week (gap)", va="center", fontsize=10)
    legend.plot([0.03, 0.13], [y - step] * 2, color="#555555", linestyle="--", linewidth=1)
    legend.text(0.15, y - step, "target", va="center", fontsize=10)
    legend.add_patch(_box(0.04, y - 2 * step - 0.035, 0.08, 0.07, COLOURS[Status.CLOSE], alpha=0.15))
    legend.text(0.15, y - 2 * step, "close band", va="center", fontsize=10)
    legend.set_xlim(0, 1)
    legend.set_ylim(0, 1)


def _box(x: float, y: float, w: float, h: float, colour: str, alpha: float = 1.0) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, color=colour, alpha=alpha, linewidth=0)


def chart_alt_text(history: Sequence[Scorecard]) -> str:
    """What the chart shows, for screen readers (files.upload_v2's alt_txt)."""
    last = history[-1]
    values = ", ".join(f"{m.label} {value_text(m)}" for m in last.core)
    span = history[0].week.label if len(history) == 1 else f"{history[0].week.label} to {last.week.label}"
    return f"Five pilot metrics against target for {span}. Latest week: {values}."[:1000]
