"""The program file's ``red_flags:`` section: thresholds of the role-design red flags (001 Part 6)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RedFlagSettings(BaseModel):
    """When each measurable red flag fires, and how much data it needs first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # "High turnover of 2.0s (>20% in year 1)": either many leavers, or the rate annualised.
    turnover_engineers: float = Field(default=2.0, gt=0)
    turnover_annualised: float = Field(default=0.20, gt=0, le=10)
    turnover_min_days: int = Field(default=28, ge=1)  # annualising a week's leavers says little
    # "No process improvements documented": accepted or done feedback per lead and month.
    improvements_per_lead_month: int = Field(default=1, ge=1)
    # Pilots and leads against everyone else, weekly survey means (1-5 scale).
    satisfaction_gap: float = Field(default=0.5, gt=0, le=4)
