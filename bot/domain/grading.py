"""A metric's value graded against its target: pass, close, fail or insufficient data.

Comparisons allow a tolerance of 1e-9 so that float noise never flips a grade: a 21-min
median against a 20-min baseline is a 5.0% slowdown (``21/20 - 1`` is
0.05000000000000004 in binary floating point) and passes a "≤ 5%" target, while 5.1%
does not. A target written ``> 70%`` is strict: exactly 70% is not a pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

EPS = 1e-9


class Status(StrEnum):
    PASS = "pass"
    CLOSE = "close"
    FAIL = "fail"
    INSUFFICIENT = "insufficient_data"


class Unit(StrEnum):
    """How to read a metric's value and target (see ``Metric``)."""

    RATIO = "ratio"
    SCORE = "score"
    SLOWDOWN = "slowdown"
    COUNT = "count"
    SLOPE = "slope"
    BREACHES = "breaches"


class Op(StrEnum):
    """How a value must compare with its target to pass."""

    ABOVE = ">"
    AT_LEAST = ">="
    AT_MOST = "<="


def grade(value: float | None, *, op: Op, target: float, band: float, sample: int, min_sample: int) -> Status:
    """Pass on target, close within ``band`` short of it, else fail; too small a sample is never graded."""
    if value is None or sample < min_sample:
        return Status.INSUFFICIENT
    if op is Op.ABOVE:
        passed, close = value > target + EPS, value >= target - band - EPS
    elif op is Op.AT_LEAST:
        passed, close = value >= target - EPS, value >= target - band - EPS
    else:
        passed, close = value <= target + EPS, value <= target + band + EPS
    if passed:
        return Status.PASS
    return Status.CLOSE if close else Status.FAIL


@dataclass(frozen=True)
class Reading:
    """What a metric's computation measured for a week, before grading."""

    value: float | None
    sample: int
    detail: str
    parts: dict[str, Any] = field(default_factory=dict)
    decisive: bool = False  # the value settles the grade even below the minimum sample (a breach)


def share(part: int, whole: int, *, said: str, empty: str, parts: dict[str, Any]) -> Reading:
    """A reading of ``part`` out of ``whole``: ``said`` reads "<part> of <whole …> …"; ``empty`` when none."""
    return Reading(
        value=part / whole if whole else None,
        sample=whole,
        detail=f"{part} of {said}" if whole else empty,
        parts=parts,
    )


@dataclass(frozen=True)
class Metric:
    """One graded metric for one week.

    ``unit`` says how to read ``value`` and ``target``: ``ratio`` (0–1, shown as a
    percentage), ``score`` (1–5), ``slowdown`` (relative change, 0.05 = 5% slower),
    ``count``, ``slope`` (change of a ratio per day) or ``breaches`` (incidents over a limit).
    ``parts`` carries the figures behind the value (per-priority medians, counts …).
    """

    key: str
    label: str
    status: Status
    value: float | None
    target: float
    op: Op
    unit: str
    sample: int
    min_sample: int
    detail: str
    parts: dict[str, Any] = field(default_factory=dict)
    sample_noun: str = ""  # what one unit of the sample is, e.g. "survey response"

    @property
    def shortfall(self) -> float | None:
        """How far from the target when not passing (0.0 when exactly at a strict target)."""
        if self.value is None or self.status in (Status.PASS, Status.INSUFFICIENT):
            return None
        if self.op is Op.AT_MOST:
            return max(0.0, self.value - self.target)
        return max(0.0, self.target - self.value)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "status": self.status.value,
            "value": self.value,
            "target": self.target,
            "op": self.op.value,
            "unit": self.unit,
            "sample": self.sample,
            "min_sample": self.min_sample,
            "shortfall": self.shortfall,
            "detail": self.detail,
            "parts": dict(self.parts),
        }
