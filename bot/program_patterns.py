"""Program-file settings for exception patterns and precedents (issue 18 items 6–8).

The ``patterns:`` section of the program file; every field has a default, so a program
file without the section still loads.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProposalThresholds(_Strict):
    """When a policy rule's live decisions become a proposal to leads."""

    # "Consider a standing rule": this many approvals with the same conditions in the window ...
    min_approvals: int = Field(default=7, ge=2, le=1000)
    window_weeks: int = Field(default=3, ge=1, le=52)
    # ... and at most this many of the rule's decisions overturned in the window.
    max_overturns: int = Field(default=0, ge=0, le=1000)
    # "Clarify this rule": at least this many overturns, and at least this share of the reviewed.
    clarify_min_overturns: int = Field(default=3, ge=1, le=1000)
    clarify_min_share: float = Field(default=0.5, gt=0, le=1)


class PatternsRun(_Strict):
    """When the `patterns` job looks for proposals (program time)."""

    time: dt.time = dt.time(8, 30)
    days: list[str] = Field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])

    @field_validator("time", mode="before")
    @classmethod
    def _time(cls, value: object) -> object:
        if isinstance(value, str):
            return dt.time.fromisoformat(value)
        return value

    @field_validator("days")
    @classmethod
    def _days(cls, value: list[str]) -> list[str]:
        known = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        bad = [d for d in value if d not in known]
        if bad or not value:
            raise ValueError(f"days must be some of {', '.join(known)}")
        return value


class PrecedentSettings(_Strict):
    """Past live decisions shown on the log form, to reviewers and by `/casebook precedents`."""

    anonymise: bool = True  # hide the engineer's name
    limit: int = Field(default=4, ge=3, le=5)


class PatternsSettings(_Strict):
    proposals: ProposalThresholds = ProposalThresholds()
    run: PatternsRun = PatternsRun()
    precedents: PrecedentSettings = PrecedentSettings()

    @model_validator(mode="after")
    def _sane(self) -> PatternsSettings:
        if self.proposals.max_overturns >= self.proposals.clarify_min_overturns:
            raise ValueError("proposals.max_overturns must be below proposals.clarify_min_overturns")
        return self
