"""The digest chart: renders for any history; every value readable; no text crosses a line or text."""

from __future__ import annotations

from typing import Any

import pytest
from matplotlib.path import Path

from bot.domain.metricfmt import value_text
from bot.jobs.chart import chart_alt_text, chart_figure, chart_png
from tests.jobs import chart_weeks as weeks


def empty_card(program, label: str):
    return weeks.empty(program, label)


def test_a_week_without_data_still_draws_a_png(program) -> None:
    card = empty_card(program, "2026-W45")
    assert card.empty
    png = chart_png([card], program=program, title="pilot")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart_alt_text([card]).startswith("Five pilot metrics against target for 2026-W45.")


def _texts(ax: Any) -> list[tuple[str, Any]]:
    renderer = ax.figure.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if t.get_text()]


def _lines(ax: Any) -> list[Path]:
    paths = []
    for line in ax.get_lines():
        xy = line.get_xydata()
        if line.get_transform() is not ax.transData:  # axhline: x in panel fractions
            xy = [(x, y) for x, y in zip(ax.get_xlim(), [xy[0][1]] * 2, strict=True)]
        paths.append(Path(ax.transData.transform(xy)))
    return paths


HISTORIES = {
    "empty": lambda p: [weeks.empty(p, "2026-W47")],
    "partial": lambda p: [weeks.empty(p, "2026-W46"), weeks.partial(p, "2026-W47")],
    "full": lambda p: [weeks.partial(p, "2026-W45"), weeks.full(p, "2026-W46"), weeks.full(p, "2026-W47")],
    "failing": weeks.season,
    "twelve busy weeks": lambda p: weeks.many(p, 12),
}


@pytest.mark.parametrize("name", list(HISTORIES))
def test_no_label_crosses_a_line_or_another_label(program, name: str) -> None:
    history = HISTORIES[name](program)
    fig, panels = chart_figure(history, program=program, title="t")
    for panel in panels:
        ax = panel.ax
        texts = _texts(ax)
        frame = ax.get_window_extent(fig.canvas.get_renderer())
        for i, (text, box) in enumerate(texts):
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1, (panel.spec.key, text)
            assert frame.y0 <= box.y0 and box.y1 <= frame.y1, (panel.spec.key, text)
            assert not any(box.overlaps(other) for _, other in texts[i + 1 :]), (panel.spec.key, text)
            for path in _lines(ax):
                assert not path.intersects_bbox(box, filled=False), (panel.spec.key, text)
        assert panel.placed.clashes == 0
        if len(history) <= 5:  # a pilot's weeks: every value has its label
            assert panel.placed.omitted == 0, panel.spec.key


def test_every_value_is_labelled_and_too_few_is_plotted_not_hidden(program) -> None:
    history = weeks.season(program)  # W44 has a 50% handling rate from 2 decisions: too few to judge
    _, panels = chart_figure(history, program=program, title="t")
    handling = panels[0]
    shown = [text for text, _ in _texts(handling.ax)]
    assert sorted(shown) == sorted(["50%", "85%", "79.2%", "55%", "no data"])  # W43: a gap with a note
    offsets = [tuple(c.get_offsets()[0]) for c in handling.ax.collections if len(c.get_offsets())]
    assert (1.0, 50.0) in offsets  # plotted (hollow), though not graded
    xs = [list(line.get_xdata()) for line in handling.ax.get_lines() if len(line.get_xdata()) > 2]
    assert xs == [[2, 3, 4]]  # the line joins graded weeks only: W43 and W44 are a gap


def test_a_crowded_chart_keeps_this_weeks_labels_and_says_where_the_rest_are(program) -> None:
    fig, panels = chart_figure(weeks.many(program, 26), program=program, title="t")
    for panel in panels:
        newest = panel.metrics[-1]
        assert any(text == value_text(newest) for text, _ in _texts(panel.ax)), panel.spec.key
    assert any(p.placed.omitted for p in panels)
    notes = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("App Home's weekly figures list them all" in n for n in notes)
