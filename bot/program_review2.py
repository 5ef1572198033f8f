"""Program-file settings for blind second reviews and the exception expiry register.

``review_quality`` in the program file; every field has a default, so a program file
without the section loads as before.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class ReviewQuality(BaseModel):
    """How many live decisions get a blind second review, when figures show, when expiries are asked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Share of live decisions also sent, blind, to a second mentor (chosen by a hash of the
    # decision id, so the same decisions are picked on every replica and every replay).
    blind_share: float = Field(default=0.10, ge=0.0, le=1.0)
    # Pairs of (first, blind second) verdicts needed before agreement and kappa are shown.
    min_pairs: int = Field(default=10, ge=2, le=1000)
    # When (program time, every day) approved exceptions past their expiry are asked about.
    expiry_check_time: dt.time = dt.time(9, 0)
    expiry_grace_minutes: int = Field(default=240, ge=0, le=24 * 60)

    @field_validator("expiry_check_time", mode="before")
    @classmethod
    def _time(cls, value: object) -> dt.time:
        if isinstance(value, dt.time):
            return value
        if isinstance(value, int) and 0 <= value < 24 * 60:  # YAML 1.1 reads 09:00 as base-60
            return dt.time(value // 60, value % 60)
        if not isinstance(value, str) or not _TIME.match(value):
            raise ValueError(f"invalid time {value!r} (use HH:MM, 24-hour)")
        hours, minutes = value.split(":")
        return dt.time(int(hours), int(minutes))
