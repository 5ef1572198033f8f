"""Program-file settings for blind second reviews and the exception expiry register.

``review_quality`` in the program file; every field has a default, so a program file
without the section loads as before.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.program_time import parse_time


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

    _time = field_validator("expiry_check_time", mode="before")(parse_time)
