"""Charts as inline SVG: grouped bars with a dashed target line (no JavaScript, prints as vectors)."""

from __future__ import annotations

from html import escape

from bot.domain.evidence import Chart

WIDTH, HEIGHT = 680, 230
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 48
COLOURS = ("#2f6f9f", "#d08c2e", "#7a9a3a", "#9b4f8f", "#5a5a5a")


def _scale(chart: Chart) -> tuple[float, float]:
    values = [v for s in chart.series for v in s.values if v is not None]
    if chart.unit == "share":
        return 0.0, 1.0
    if chart.unit == "score":
        return 0.0, 5.0
    top = max([*values, chart.target or 0.0, 1.0])
    step = 10 ** max(0, len(str(int(top))) - 1)
    high = -(-top // step) * step
    if high < 20 and high % 4:  # four grid steps: small counts need a top of whole quarters (0 1 2 3 4)
        high = -(-high // 4) * 4
    return 0.0, float(high)


def _tick(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value:.0%}"
    return f"{value:g}" if unit == "score" else f"{int(value)}"


def _axis(unit: str, low: float, high: float, plot_h: float) -> list[str]:
    parts: list[str] = []
    for i in range(5):
        value = low + (high - low) * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_tick(value, unit)}</text>')
    return parts


def chart_svg(chart: Chart) -> str:
    """The chart as an ``<svg>`` element with a title and a legend; empty series draw "no data"."""
    low, high = _scale(chart)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n, k = max(1, len(chart.labels)), max(1, len(chart.series))
    slot = plot_w / n
    bar = min(40.0, slot * 0.7 / k)
    parts = _axis(chart.unit, low, high, plot_h)
    for i, label in enumerate(chart.labels):
        x0 = LEFT + slot * i + (slot - bar * k) / 2
        fit = max(6, int(slot / 6.5))  # about 6.5 px per character at 11 px
        plain = label.replace("_", " ")
        text = escape(plain if len(plain) <= fit else plain[: fit - 1] + "…")
        parts.append(
            f'<text x="{LEFT + slot * (i + 0.5):.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle">{text}</text>'
        )
        for j, series in enumerate(chart.series):
            value = series.values[i] if i < len(series.values) else None
            x = x0 + bar * j
            if value is None:
                parts.append(
                    f'<text x="{x + bar / 2:.1f}" y="{TOP + plot_h - 4:.1f}" '
                    'text-anchor="middle" class="none">–</text>'
                )
                continue
            h = plot_h * (min(max(value, low), high) - low) / (high - low)
            title = escape(
                f"{series.name}, {label}: {_tick(value, chart.unit) if chart.unit != 'score' else value}"
            )
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar - 2:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[j % len(COLOURS)]}"><title>{title}</title></rect>'
            )
    if chart.target is not None:
        y = TOP + plot_h - plot_h * (chart.target - low) / (high - low)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="target"/>')
        parts.append(
            f'<text x="{WIDTH - RIGHT}" y="{y - 4:.1f}" text-anchor="end" class="target-label">'
            f"target {_tick(chart.target, chart.unit)}</text>"
        )
    for j, series in enumerate(chart.series if k > 1 else ()):
        x = LEFT + j * 120
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 18}" width="10" height="10" fill="{COLOURS[j % len(COLOURS)]}"/>'
        )
        parts.append(f'<text x="{x + 14}" y="{HEIGHT - 9}">{escape(series.name)}</text>')
    label = escape(chart.title)
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{label}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{label}</title>{"".join(parts)}</svg>'
    )
