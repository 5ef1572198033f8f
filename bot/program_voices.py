"""Program-file settings for the people's voices: reflections and the post-switchover survey.

``reflections:`` names the Fridays (program weeks or dates) engineers are asked for a
short written reflection, at what local time, and its 2–3 questions.
``post_survey:`` is the Friday-of-week-12 survey of engineers, mentors and leads: when,
and its 1–5 questions (exactly one of them the confidence item the week-12 metric reads).
The wrap-up lessons need no settings: they hang off the ``wrap-up`` announcement.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.program_time import parse_time

FIRST_WEEK = 9  # the roadmap numbers its weeks from 9: program.start_date is the Monday of week 9


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleQuestion(_Strict):
    """A 1–5 statement (the same shape as the weekly survey's questions)."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1, max_length=150)
    kind: str = Field(default="satisfaction", pattern=r"^(satisfaction|confidence)$")


class ReflectionDay(_Strict):
    """One reflection day: a program week (its Friday) or a date."""

    week: int | None = Field(default=None, ge=FIRST_WEEK, le=60)
    date: dt.date | None = None

    @model_validator(mode="after")
    def _one(self) -> ReflectionDay:
        if (self.week is None) == (self.date is None):
            raise ValueError("give either week (its Friday) or date, not both")
        return self


class ReflectionQuestion(_Strict):
    id: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1, max_length=150)
    max_length: int = Field(default=1000, ge=50, le=3000)
    optional: bool = False


def _default_reflection_questions() -> list[ReflectionQuestion]:
    return [
        ReflectionQuestion(id="learned", text="What did you learn this week that changed how you decide?"),
        ReflectionQuestion(id="unsure", text="Which kind of exception still feels unclear or hard?"),
        ReflectionQuestion(
            id="next", text="What would help you most next week?", max_length=500, optional=True
        ),
    ]


class Reflections(_Strict):
    days: Annotated[list[ReflectionDay], Field(max_length=20)] = Field(
        default_factory=lambda: [ReflectionDay(week=FIRST_WEEK)]
    )
    time: dt.time = dt.time(14, 0)
    questions: Annotated[list[ReflectionQuestion], Field(min_length=2, max_length=3)] = Field(
        default_factory=_default_reflection_questions
    )

    _time = field_validator("time", mode="before")(parse_time)

    @model_validator(mode="after")
    def _unique(self) -> Reflections:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("reflection question ids must be unique")
        return self

    def dates(self, start_date: date) -> list[date]:
        """Every reflection day as a date, in order (a week means its Friday)."""
        monday = start_date - dt.timedelta(days=start_date.weekday())
        days = {
            d.date
            if d.date is not None
            else monday + dt.timedelta(weeks=(d.week or FIRST_WEEK) - FIRST_WEEK, days=4)
            for d in self.days
        }
        return sorted(days)


def _default_post_questions() -> list[ScaleQuestion]:
    # The roadmap's "Team Confidence" item, then its other week-12 promises and the role-design
    # red flags Casebook cannot measure directly (001 Part 6), each as a 1–5 statement.
    return [
        ScaleQuestion(id="confidence", text="I'm confident in this new model.", kind="confidence"),
        ScaleQuestion(id="ready", text="I feel ready to work this way for the long term."),
        ScaleQuestion(id="prepared", text="The training prepared me for the new role."),
        ScaleQuestion(id="support", text="The leads' mentoring gives me the support I need."),
        ScaleQuestion(
            id="design_time",
            text="My time goes to deciding exceptions and shaping policy, not executing configs.",
        ),
        ScaleQuestion(id="skills", text="What is expected of me technically is clear and fair."),
        ScaleQuestion(id="valued", text="I feel my work is valued, whichever path I am on."),
    ]


class PostSurvey(_Strict):
    day: ReflectionDay = ReflectionDay(week=12)
    time: dt.time = dt.time(14, 0)
    questions: Annotated[list[ScaleQuestion], Field(min_length=1, max_length=10)] = Field(
        default_factory=_default_post_questions
    )

    _time = field_validator("time", mode="before")(parse_time)

    @model_validator(mode="after")
    def _one_confidence(self) -> PostSurvey:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        if [q.kind for q in self.questions].count("confidence") != 1:
            raise ValueError("exactly one question must be kind: confidence (the week-12 metric reads it)")
        return self

    def date(self, start_date: date) -> date:
        """The survey's day (a week means its Friday)."""
        return Reflections(days=[self.day]).dates(start_date)[0]


class Voices(_Strict):
    reflections: Reflections = Reflections()
    post_survey: PostSurvey = PostSurvey()
