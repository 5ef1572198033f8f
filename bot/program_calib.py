"""The program file's ``calibration`` section: confidence calibration, overturn patterns, re-tests.

Every threshold here is explained in docs/calibration.md. A program file without the
section loads with these defaults.
"""

from __future__ import annotations

import itertools
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

Days = Annotated[int, Field(ge=1, le=90)]


class Calibration(BaseModel):
    """How calibration, the overconfidence flag, overturn patterns and spaced re-tests behave."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # A confidence level's share of sound calls is shown from this many calls at that level.
    min_sample: int = Field(default=5, ge=1, le=1000)
    # The overconfidence flag: at least this many high-confidence (4-5) calls with an outcome…
    flag_min_high: int = Field(default=5, ge=1, le=1000)
    # …of which at least this share were not sound.
    flag_unsound_share: float = Field(default=0.4, gt=0.0, le=1.0)
    # "3 of your 4 overturns: missing rollback conditions": from this many reviews with reasons…
    pattern_min_reviews: int = Field(default=3, ge=1, le=1000)
    # …when the most named part is in at least this share of them.
    pattern_min_share: float = Field(default=0.5, gt=0.0, le=1.0)
    # The digest's cohort pattern looks back this many days.
    pattern_window_days: Days = 28
    # A practice scenario answered unsoundly comes back this many local days after the mistake.
    retest_days: Annotated[list[Days], Field(min_length=1, max_length=10)] = Field(
        default_factory=lambda: [1, 3, 7]
    )
    # …until it has been answered soundly this many times (in total, not necessarily in a row).
    retest_sound_needed: int = Field(default=2, ge=1, le=10)
    # A re-test is overdue this many days after its due day.
    retest_overdue_after_days: int = Field(default=2, ge=0, le=90)
    # Readiness sign-off refuses while the engineer has an overdue re-test.
    readiness_requires_no_overdue_retests: bool = False

    @field_validator("retest_days")
    @classmethod
    def _increasing(cls, value: list[int]) -> list[int]:
        if any(b <= a for a, b in itertools.pairwise(value)):
            raise ValueError("retest_days must increase, e.g. [1, 3, 7]")
        return value
