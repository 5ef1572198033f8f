"""The program YAML: timezone, phases, channels, schedule, thresholds, survey and incidents.

Everything a program owner tunes without a code change lives here; it is validated
with pydantic so that a typo is reported as ``file: field: problem`` before start-up.
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.domain.vocab import Cohort
from bot.program_calib import Calibration
from bot.program_patterns import PatternsSettings
from bot.program_policy import RedFlagSettings
from bot.program_review2 import ReviewQuality
from bot.program_time import parse_time
from bot.program_training import Training
from bot.program_voices import Voices
from bot.textfile import InputFileError, read_text_file

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(Exception):
    """A configuration problem, already phrased as one line for a human."""


class Phase(StrEnum):
    TRAINING = "training"
    PARALLEL_RUN = "parallel_run"
    SWITCHOVER = "switchover"


# The parallel run judges the pilots who run it; the switchover, every engineer.
DEFAULT_COHORT = {
    Phase.TRAINING: Cohort.ENGINEERS,
    Phase.PARALLEL_RUN: Cohort.PILOTS,
    Phase.SWITCHOVER: Cohort.ENGINEERS,
}


def _parse_days(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValueError("must be a non-empty list of weekdays (mon..sun)")
    days = [str(d).lower()[:3] for d in value]
    bad = [d for d in days if d not in WEEKDAYS]
    if bad:
        raise ValueError(f"unknown weekday {bad[0]!r} (use mon, tue, wed, thu, fri, sat, sun)")
    return days


_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhaseWindow(_Strict):
    name: Phase
    start: date
    end: date
    cohort: Cohort | None = None  # whose numbers the phase judges (default: DEFAULT_COHORT)

    @model_validator(mode="after")
    def _ordered(self) -> PhaseWindow:
        if self.end < self.start:
            raise ValueError(f"phase {self.name.value} ends before it starts")
        return self


class Channels(_Strict):
    review: str = Field(min_length=1)
    pm: str = Field(min_length=1)
    announcements: str = Field(min_length=1)

    @field_validator("review", "pm", "announcements")
    @classmethod
    def _an_id(cls, value: str) -> str:
        # Slack's API wants ids; a name like "#general" fails at the first post, days later.
        if not _CHANNEL_ID.match(value):
            raise ValueError(
                f"{value!r} is not a channel id: use the id (C0123ABCD), shown at the bottom of "
                "the channel's details in Slack, not its name"
            )
        return value


class DailyJob(_Strict):
    time: dt.time
    days: list[str] = Field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    phases: list[Phase] = Field(default_factory=lambda: [Phase.PARALLEL_RUN, Phase.SWITCHOVER])
    grace_minutes: int = Field(default=180, ge=0, le=24 * 60)

    _time = field_validator("time", mode="before")(parse_time)
    _days = field_validator("days", mode="before")(_parse_days)


class SurveyJob(_Strict):
    day: str = "fri"
    time: dt.time = dt.time(15, 0)
    reminder_time: dt.time = dt.time(16, 30)
    phases: list[Phase] = Field(default_factory=lambda: [Phase.PARALLEL_RUN, Phase.SWITCHOVER])

    _times = field_validator("time", "reminder_time", mode="before")(parse_time)

    @field_validator("day", mode="before")
    @classmethod
    def _day(cls, value: object) -> str:
        return _parse_days([value])[0]

    @model_validator(mode="after")
    def _reminder_after(self) -> SurveyJob:
        if self.reminder_time <= self.time:
            raise ValueError("reminder_time must be later than time")
        return self


class WeeklyJob(_Strict):
    day: str = "fri"
    time: dt.time = dt.time(17, 0)

    _time = field_validator("time", mode="before")(parse_time)

    @field_validator("day", mode="before")
    @classmethod
    def _day(cls, value: object) -> str:
        return _parse_days([value])[0]


class Schedule(_Strict):
    daily_sync: DailyJob = DailyJob(time=dt.time(17, 45))
    survey: SurveyJob = SurveyJob()
    digest: WeeklyJob = WeeklyJob()
    review_reminder: DailyJob = DailyJob(time=dt.time(9, 30), grace_minutes=240)


class Announcement(_Strict):
    name: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    days: list[str]
    time: dt.time
    channel: str = "announcements"
    text: str = Field(min_length=1, max_length=3000)

    _time = field_validator("time", mode="before")(parse_time)
    _days = field_validator("days", mode="before")(_parse_days)


class CloseBand(_Strict):
    handling_rate: float = Field(default=0.10, ge=0, le=1)
    rework: float = Field(default=0.05, ge=0, le=1)
    satisfaction: float = Field(default=0.3, ge=0, le=4)
    slo_slowdown: float = Field(default=0.05, ge=0, le=10)
    confidence: float = Field(default=0.3, ge=0, le=4)
    adoption: float = Field(default=0.10, ge=0, le=1)
    escalation_slope: float = Field(default=0.02, ge=0, le=1)


class MinSample(_Strict):
    live_decisions: int = Field(default=5, ge=1)
    reviews: int = Field(default=3, ge=1)
    survey_responses: int = Field(default=3, ge=1)
    incidents: int = Field(default=3, ge=1)
    engineers: int = Field(default=1, ge=1)


class Thresholds(_Strict):
    handling_rate: float = Field(default=0.70, ge=0, le=1)
    rework: float = Field(default=0.0, ge=0, le=1)
    satisfaction: float = Field(default=3.5, ge=1, le=5)
    slo_slowdown: float = Field(default=0.05, ge=0, le=10)
    retention_leavers: int = Field(default=0, ge=0)
    confidence: float = Field(default=3.5, ge=1, le=5)
    adoption: float = Field(default=1.0, ge=0, le=1)
    p1_minutes: float = Field(default=30, gt=0)
    p2_minutes: float = Field(default=240, gt=0)
    close_band: CloseBand = CloseBand()
    min_sample: MinSample = MinSample()
    assessment_pass: float = Field(default=0.80, gt=0, le=1)  # verdicts must score above it
    # Sound cards (right call + half the key points in real sentences) needed, at least (docs/practice.md).
    reasoning_pass: float = Field(default=0.60, ge=0, le=1)
    review_sla_hours: float = Field(default=24, gt=0)
    survey_anonymity_min: int = Field(default=3, ge=1)
    # Week 12 "escalation rate stable or declining": a daily slope up to this counts as stable.
    escalation_slope: float = Field(default=0.02, ge=0, le=1)


class SurveyQuestion(_Strict):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1, max_length=150)
    kind: str = Field(default="satisfaction", pattern=r"^(satisfaction|confidence)$")


def _default_questions() -> list[SurveyQuestion]:
    return [
        SurveyQuestion(id="clarity", text="I knew what was expected of me in the new role this week."),
        SurveyQuestion(id="support", text="I got the mentoring and support I needed."),
        SurveyQuestion(id="tools", text="Casebook and the Slack workflow made exceptions easy to handle."),
        SurveyQuestion(id="workload", text="The workload of the new role was manageable."),
        SurveyQuestion(
            id="confidence", text="I'm confident in this new model for the long term.", kind="confidence"
        ),
    ]


class Survey(_Strict):
    questions: Annotated[list[SurveyQuestion], Field(min_length=1, max_length=10)] = Field(
        default_factory=_default_questions
    )

    @model_validator(mode="after")
    def _unique(self) -> Survey:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        return self


class IncidentBaseline(_Strict):
    p1_median_minutes: float = Field(default=18.0, gt=0)
    p2_median_minutes: float = Field(default=95.0, gt=0)
    min_history: int = Field(default=10, ge=1)


class Practice(_Strict):
    post_to_review: bool = True
    assessment_size: int = Field(default=20, ge=7, le=100)


class Program(_Strict):
    name: str = "Ops Engineer 2.0 pilot"
    timezone: str = "America/New_York"
    start_date: date
    admins_contact: str = "your program admin"
    phases: list[PhaseWindow]
    channels: Channels
    schedule: Schedule = Schedule()
    thresholds: Thresholds = Thresholds()
    survey: Survey = Survey()
    incidents: IncidentBaseline = IncidentBaseline()
    practice: Practice = Practice()
    calibration: Calibration = Calibration()
    announcements: list[Announcement] = Field(default_factory=list)
    training: Training = Training()
    voices: Voices = Voices()  # reflections and the post-switchover survey (bot/program_voices.py)
    red_flags: RedFlagSettings = RedFlagSettings()
    patterns: PatternsSettings = PatternsSettings()  # issue 18: proposals and precedents
    review_quality: ReviewQuality = ReviewQuality()

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (use an IANA name like Europe/Berlin)") from None
        return value

    @field_validator("phases")
    @classmethod
    def _some_phases(cls, value: list[PhaseWindow]) -> list[PhaseWindow]:
        if not value:
            raise ValueError("no phases: list at least one (name, start, end), e.g. the parallel_run")
        return value

    @model_validator(mode="after")
    def _channels_exist(self) -> Program:
        names = set(Channels.model_fields)
        for ann in self.announcements:
            if ann.channel not in names:
                raise ValueError(f"announcement {ann.name!r}: channel must be one of {sorted(names)}")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def phase_on(self, day: date) -> Phase | None:
        """The phase running on ``day`` (program-local date), if any."""
        for window in self.phases:
            if window.start <= day <= window.end:
                return window.name
        return None

    def cohort(self, phase: Phase) -> Cohort:
        """Whose numbers ``phase`` judges: the program file's choice, else the default."""
        for window in self.phases:
            if window.name is phase and window.cohort is not None:
                return window.cohort
        return DEFAULT_COHORT[phase]

    def channel(self, name: str) -> str:
        return str(getattr(self.channels, name))


def _locate(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Best-effort line number of a dotted field path in the YAML source."""
    line_no: int | None = None
    start = 0
    lines = text.splitlines()
    for part in loc:
        if isinstance(part, int):
            continue
        pattern = re.compile(rf"^\s*-?\s*{re.escape(part)}\s*:")
        for i in range(start, len(lines)):
            if pattern.match(lines[i]):
                line_no, start = i + 1, i + 1
                break
    return line_no


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping.

    Plain YAML keeps the last of two same-named sections and silently drops the first, so a
    program file edited by hand could lose a whole section without a word.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} appears twice; keep one", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_program(text: str, *, source: str) -> Program:
    """Validate program YAML text; raise ConfigError with one line per the first problem."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: YAML syntax error: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the program file must be a YAML mapping")
    try:
        return Program.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or "(top level)"
        line = _locate(text, loc)
        where = f"{source}:{line}" if line else source
        message = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{where}: {field}: {message}") from None


def load_program(path: Path) -> Program:
    """Read and validate the program YAML at ``path``."""
    try:
        text = read_text_file(path, what="program file", max_bytes=1024 * 1024)
    except InputFileError as exc:
        raise ConfigError(str(exc)) from None
    return parse_program(text, source=str(path))
