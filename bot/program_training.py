"""The program file's ``training:`` section: weeks 9–10 sessions, modules, labs and the attendance target.

A session is given either by ``date`` or by ``week`` (the program's week number, counted
from ``first_week``, the week ``start_date`` falls in) plus ``day``; its ``start`` is
program-local time. Session and lab ids are what buttons, commands and the report use,
so they are short, unique and stable.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.program_time import parse_time

_ID = r"^[a-z0-9][a-z0-9-]*$"
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrainingModule(_Strict):
    """A module of the curriculum (the roadmap's Modules 1–5)."""

    id: str = Field(min_length=1, max_length=32, pattern=_ID)
    title: str = Field(min_length=1, max_length=150)


class Lab(_Strict):
    """A lab an engineer marks done (on App Home or with `/casebook lab done <id>`)."""

    id: str = Field(min_length=1, max_length=32, pattern=_ID)
    title: str = Field(min_length=1, max_length=150)


class TrainingSession(_Strict):
    """One scheduled session: when, how long, which module, and the labs it hands out."""

    id: str = Field(min_length=1, max_length=32, pattern=_ID)
    date: dt.date | None = None
    week: int | None = Field(default=None, ge=1, le=60)
    day: str | None = None
    start: dt.time
    title: str = Field(min_length=1, max_length=150)
    hours: float = Field(gt=0, le=12)
    module: str | None = None
    labs: list[Lab] = Field(default_factory=list, max_length=10)

    _start = field_validator("start", mode="before")(parse_time)

    @field_validator("day", mode="before")
    @classmethod
    def _day(cls, value: object) -> str | None:
        if value is None:
            return None
        day = str(value).lower()[:3]
        if day not in _DAYS:
            raise ValueError(f"unknown weekday {value!r} (use mon, tue, wed, thu, fri, sat, sun)")
        return day

    @model_validator(mode="after")
    def _when(self) -> TrainingSession:
        if self.date is not None and (self.week is not None or self.day is not None):
            raise ValueError(f"session {self.id!r}: give either date, or week and day, not both")
        if self.date is None and (self.week is None or self.day is None):
            raise ValueError(
                f"session {self.id!r}: give its date, or its week and day (e.g. week: 9, day: mon)"
            )
        end = dt.datetime.combine(dt.date(2000, 1, 1), self.start) + dt.timedelta(hours=self.hours)
        if end.date() != dt.date(2000, 1, 1) and end.time() != dt.time(0):
            raise ValueError(f"session {self.id!r}: start plus hours runs past midnight")
        return self


class Training(_Strict):
    """Weeks 9–10: the sessions, the modules they belong to, and the attendance target."""

    first_week: int = Field(default=9, ge=1, le=60)  # the program week that start_date falls in
    attendance_target: float = Field(default=0.85, gt=0, le=1)  # attendance must be above it
    min_cohort: int = Field(default=3, ge=1)  # engineers needed before a cohort figure is shown
    # Mock decisions (practice and assessment) needed before the testing-environment sign-off.
    mock_exceptions: int = Field(default=20, ge=1, le=1000)
    checkin_opens_minutes: int = Field(default=15, ge=0, le=240)  # how early "I'm here" counts
    modules: list[TrainingModule] = Field(default_factory=list, max_length=30)
    sessions: list[TrainingSession] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _consistent(self) -> Training:
        modules = [m.id for m in self.modules]
        if len(set(modules)) != len(modules):
            raise ValueError("modules: module ids must be unique")
        ids = [s.id for s in self.sessions]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"sessions: session id {dupes[0]!r} is used twice; ids must be unique")
        labs = [lab.id for s in self.sessions for lab in s.labs]
        lab_dupes = sorted({i for i in labs if labs.count(i) > 1})
        if lab_dupes:
            raise ValueError(f"sessions: lab id {lab_dupes[0]!r} is listed twice; lab ids must be unique")
        for s in self.sessions:
            if s.module is not None and s.module not in modules:
                raise ValueError(
                    f"sessions: session {s.id!r} names module {s.module!r}, which is not under "
                    f"training.modules ({', '.join(modules) or 'none listed'})"
                )
            if s.week is not None and s.week < self.first_week:
                raise ValueError(
                    f"sessions: session {s.id!r} is in week {s.week}, before first_week {self.first_week}"
                )
        return self
