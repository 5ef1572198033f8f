"""Placing the chart's text so that no label crosses a plotted line or another label.

Matplotlib does not avoid collisions by itself. After the figure's layout is fixed,
each label tries a few positions around its point (above, below, right, left) and
keeps the first whose box stays inside the panel, clears every line of the panel
(the series, the target, the zero line) and every label already placed. Notes
("no data") try a few heights the same way. What was placed is recorded so tests
can check the rule on the finished figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# (dx, dy) in points, then alignment: above, below, right, left, then the diagonals, then well above.
LABEL_OFFSETS: tuple[tuple[int, int, str, str], ...] = (
    (0, 8, "center", "bottom"),
    (0, -9, "center", "top"),
    (8, 0, "left", "center"),
    (-8, 0, "right", "center"),
    (-6, 6, "right", "bottom"),
    (6, -6, "left", "top"),
    (-6, -6, "right", "top"),
    (6, 6, "left", "bottom"),
    (0, 20, "center", "bottom"),
    (0, -21, "center", "top"),
    (12, 12, "left", "bottom"),
    (12, -12, "left", "top"),
)
NOTE_HEIGHTS = (0.5, 0.3, 0.7, 0.15, 0.85)
PAD = 4.0  # pixels of clearance around a label's box
NOTE_PAD = 12.0  # notes sit well away from lines: they read as a gap, not a label


@dataclass
class Placed:
    """The boxes (display pixels) of a panel's text and the lines they must not cross."""

    boxes: list[Any] = field(default_factory=list)
    lines: list[Any] = field(default_factory=list)  # matplotlib Paths in display pixels
    clashes: int = 0  # required labels that found no clear spot (kept at their least-bad one)
    omitted: int = 0  # optional labels left out for want of a clear spot


def _clear(box: Any, placed: Placed, frame: Any, pad: float = PAD) -> int:
    """How many things ``box`` (grown by ``pad`` pixels) collides with (0: a clear spot)."""
    grow_x, grow_y = (box.width + 2 * pad) / max(box.width, 1), (box.height + 2 * pad) / max(box.height, 1)
    grown = box.expanded(grow_x, grow_y)
    hits = sum(1 for other in placed.boxes if grown.overlaps(other))
    hits += sum(1 for path in placed.lines if path.intersects_bbox(grown, filled=False))
    inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    return hits + (0 if inside else 10)


def track_lines(ax: Any, placed: Placed, segments: Sequence[tuple[tuple[float, float], ...]]) -> None:
    """Record polylines given in data coordinates as display-pixel paths."""
    from matplotlib.path import Path

    for points in segments:
        if len(points) >= 2:
            placed.lines.append(Path(ax.transData.transform(points)))


def track_hline(ax: Any, placed: Placed, y: float) -> None:
    """Record a horizontal line across the panel (a target or the zero line)."""
    low, high = ax.get_xlim()
    track_lines(ax, placed, [((low, y), (high, y))])


def _place(*, ax: Any, placed: Placed, tries: Iterable[Any], pad: float, required: bool) -> Any | None:
    """Draw the ``tries`` in turn until one is clear and keep the least-bad (none, if not ``required``).

    ``tries`` is lazy: a try is only drawn once the ones before it clashed.
    """
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    best: tuple[int, Any] | None = None
    for note in tries:
        hits = _clear(note.get_window_extent(renderer), placed, frame, pad)
        if best is None or hits < best[0]:
            if best is not None:
                best[1].remove()
            best = (hits, note)
        else:
            note.remove()
        if hits == 0:
            break
    assert best is not None
    if best[0] and not required:
        best[1].remove()
        placed.omitted += 1
        return None
    placed.clashes += best[0] > 0
    placed.boxes.append(best[1].get_window_extent(renderer))
    return best[1]


def label_point(
    ax: Any, placed: Placed, x: float, y: float, text: str, *, required: bool = True, **style: Any
) -> Any | None:
    """Annotate (x, y) with ``text`` at the first clear spot around it.

    Without a clear spot, a ``required`` label takes its least-bad one; any other is
    left out (and counted), since a label over a line or a label reads as neither.
    """
    tries = (
        ax.annotate(
            text, (x, y), textcoords="offset points", xytext=(dx, dy), ha=ha, va=va, zorder=4, **style
        )
        for dx, dy, ha, va in LABEL_OFFSETS
    )
    return _place(ax=ax, placed=placed, tries=tries, pad=PAD, required=required)


def place_note(ax: Any, placed: Placed, x: float, text: str, **style: Any) -> Any:
    """Write a note at data x, at the first height (a fraction of the panel) where it is clear."""
    transform = ax.get_xaxis_transform()  # x in data, y in panel fractions
    tries = (
        ax.text(x, height, text, transform=transform, ha="center", va="center", zorder=4, **style)
        for height in NOTE_HEIGHTS
    )
    return _place(ax=ax, placed=placed, tries=tries, pad=NOTE_PAD, required=True)
