"""Spaced re-tests: a practice scenario answered unsoundly comes back after 1, 3 and 7 days.

Documented in docs/practice.md ("Re-tests"). Nothing is stored: the schedule is read from
the person's practice answers on each scenario (any version), oldest first.

* An unsound answer (a verdict neither expected nor acceptable) opens a *series* when
  none is open. The series closes once the scenario has been answered soundly
  ``retest_sound_needed`` times since (in total, not necessarily in a row).
* Re-test *n* (n = answers since the mistake) is due on local day ``mistake + retest_days[n]``;
  after the list runs out, ``retest_days[-1]`` days after the latest answer. A re-test is
  never due on the day of the previous answer.
* It is *overdue* more than ``retest_overdue_after_days`` days after its due day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Assessment, Decision, Person, ScenarioVersion
from bot.program_calib import Calibration as Settings

GOOD_OUTCOMES = frozenset({"correct", "acceptable"})


@dataclass(frozen=True)
class Answer:
    at: datetime
    sound: bool


@dataclass(frozen=True)
class Retest:
    """One scenario waiting for a re-test."""

    scenario_id: int
    title: str
    due_on: date  # local day
    step: int  # 1 for the first re-test after the mistake
    sound_so_far: int
    overdue: bool

    def due(self, today: date) -> bool:
        return self.due_on <= today


def next_due(answers: Sequence[Answer], *, tz: ZoneInfo, settings: Settings) -> tuple[date, int, int] | None:
    """(due day, step, sound answers since) of the open series in ``answers`` (oldest first), or None."""
    anchor: datetime | None = None
    since = sound = 0
    last: datetime | None = None
    for answer in answers:
        last = answer.at
        if anchor is None:
            if not answer.sound:
                anchor, since, sound = answer.at, 0, 0
            continue
        since += 1
        sound += answer.sound
        if sound >= settings.retest_sound_needed:
            anchor = None
    if anchor is None or last is None:
        return None
    days = settings.retest_days
    last_day = last.astimezone(tz).date()
    if since < len(days):
        due = anchor.astimezone(tz).date() + timedelta(days=days[since])
    else:
        due = last_day + timedelta(days=days[-1])
    return max(due, last_day + timedelta(days=1)), since + 1, sound


def retests(
    *, session: Session, person_id: int, now: datetime, tz: ZoneInfo, settings: Settings
) -> list[Retest]:
    """The person's open re-tests, earliest due first (due or not yet)."""
    rows = session.execute(
        select(ScenarioVersion.scenario_id, Decision.title, Decision.decided_at, Decision.outcome)
        .join(ScenarioVersion, Decision.scenario_version_id == ScenarioVersion.id)
        .where(Decision.person_id == person_id, Decision.kind == "practice", Decision.outcome.is_not(None))
        .order_by(Decision.decided_at, Decision.id)
    ).all()
    by_scenario: dict[int, list[Answer]] = {}
    titles: dict[int, str] = {}
    for scenario_id, title, decided_at, outcome in rows:
        by_scenario.setdefault(scenario_id, []).append(Answer(decided_at, outcome in GOOD_OUTCOMES))
        titles[scenario_id] = title
    today = now.astimezone(tz).date()
    grace = timedelta(days=settings.retest_overdue_after_days)
    out: list[Retest] = []
    for scenario_id, answers in by_scenario.items():
        found = next_due(answers, tz=tz, settings=settings)
        if found is None:
            continue
        due_on, step, sound = found
        out.append(Retest(scenario_id, titles[scenario_id], due_on, step, sound, today > due_on + grace))
    return sorted(out, key=lambda r: (r.due_on, r.scenario_id))


def due_scenarios(
    *, session: Session, person_id: int, now: datetime, tz: ZoneInfo, settings: Settings
) -> list[int]:
    """Scenario ids whose re-test is due today or earlier, earliest first."""
    today = now.astimezone(tz).date()
    found = retests(session=session, person_id=person_id, now=now, tz=tz, settings=settings)
    return [r.scenario_id for r in found if r.due(today)]


def overdue_refusal(
    *, session: Session, person_id: int, name: str, now: datetime, tz: ZoneInfo, settings: Settings
) -> str | None:
    """Why readiness can't be signed off while re-tests are overdue (when the program requires it)."""
    if not settings.readiness_requires_no_overdue_retests:
        return None
    late = [
        r
        for r in retests(session=session, person_id=person_id, now=now, tz=tz, settings=settings)
        if r.overdue
    ]
    if not late:
        return None
    first = late[0]
    return (
        f"{name} has {len(late)} overdue re-test{'s' if len(late) != 1 else ''} "
        f"(oldest: “{first.title}”, due {first.due_on:%b} {first.due_on.day}). The program requires "
        "no overdue re-tests before readiness is signed off: they practise, then sign off again."
    )


def sign_off_refusal(
    *, session: Session, assessment_id: int, now: datetime, tz: ZoneInfo, settings: Settings
) -> str | None:
    """:func:`overdue_refusal` for the engineer whose assessment is about to be signed off."""
    if not settings.readiness_requires_no_overdue_retests:
        return None
    assessment = session.get(Assessment, assessment_id)
    person = session.get(Person, assessment.person_id) if assessment else None
    if person is None:
        return None  # the sign-off itself reports a missing assessment
    return overdue_refusal(
        session=session, person_id=person.id, name=person.name, now=now, tz=tz, settings=settings
    )
