"""What the four-week program fixture's steps share: the roster, the calendar, the RNG and the counts."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.domain.justification import Justification
from bot.domain.library import Library
from bot.domain.scenario_spec import ScenarioSpec
from bot.program import Phase, Program
from bot.sandbox.demo import DEMO_ROSTER_CSV

EXTRA_ENGINEERS = (
    "Dana Wu",
    "Eli Mensah",
    "Farah Aziz",
    "Gus Lindqvist",
    "Hana Sato",
    "Ivo Petrov",
    "Jade Morales",
    "Kofi Boateng",
    "Lena Fischer",
    "Marco Bianchi",
    "Nia Evans",
    "Omar Haddad",
    "Priya Nair",
    "Quinn Walsh",
    "Rosa Ortiz",
    "Sam Tanaka",
    "Tara Singh",
)
EXTRA_MENTORS = ("Uma Reyes", "Victor Lam", "Wen Zhou", "Yara Costa")
PILOTS = {"U0CY", "U0E05", "U0E12"}  # Cy from the demo roster and two volunteers
LEADS = {"U0M2", "U0M3", "U0M4"}  # three mentors who also lead (design policy, review any queue)
ZONES = ("America/New_York", "Europe/Berlin", "America/Chicago")


@dataclass(frozen=True)
class LiveSeeded:
    """A live decision the fixture recorded (later steps flag its policy, for instance)."""

    decision_id: int
    engineer: str  # Slack id
    policy_rule: str | None
    title: str
    at: datetime


@dataclass
class SeedContext:
    """What every step reads: the program, its library, the RNG, and the counts of what was added."""

    sessions: sessionmaker[Session]
    program: Program
    library: Library
    rng: random.Random
    counts: Counter[str] = field(default_factory=Counter)
    practice: list[tuple[int, str, datetime]] = field(default_factory=list)  # (decision, engineer, at)
    live: list[LiveSeeded] = field(default_factory=list)
    seed: int = 12

    def fork(self, name: str) -> random.Random:
        """A step's own RNG: a step added later leaves the earlier steps' draws (and figures) alone."""
        return random.Random(f"{self.seed}:{name}")

    def days(self, phase: Phase) -> list[date]:
        """The weekdays of a program phase, in order."""
        window = next((p for p in self.program.phases if p.name == phase), None)
        if window is None:
            return []
        span = (window.end - window.start).days + 1
        every = (window.start + timedelta(days=i) for i in range(span))
        return [d for d in every if d.weekday() < 5]

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A moment on ``day`` in program time, as an aware datetime."""
        return datetime.combine(day, time(hour, minute), self.program.tz)


def roster_csv() -> str:
    """The demo roster plus 17 engineers and 4 mentors: 20 engineers, 5 mentors, a PM and an admin."""
    lines = DEMO_ROSTER_CSV.strip().splitlines()
    mentors = ["U0MO", *(f"U0M{i}" for i in range(2, 6))]
    for i, name in enumerate(EXTRA_MENTORS, start=2):
        roles = "mentor;lead" if f"U0M{i}" in LEADS else "mentor"
        lines.append(f"U0M{i},{name},{name.split()[0].lower()}@example.com,{roles},,{ZONES[i % 3]}")
    for i, name in enumerate(EXTRA_ENGINEERS, start=4):
        uid = f"U0E{i:02d}"
        roles = "engineer;pilot" if uid in PILOTS else "engineer"
        mentor = mentors[(i - 4) % len(mentors)] if i > 6 else "U0MO"
        lines.append(f"{uid},{name},{name.split()[0].lower()}@example.com,{roles},{mentor},{ZONES[i % 3]}")
    return "\n".join(lines) + "\n"


def engineer_ids() -> list[str]:
    """Every engineer's Slack id, demo people first."""
    return ["U0ADA", "U0BEN", "U0CY", *(f"U0E{i:02d}" for i in range(4, 4 + len(EXTRA_ENGINEERS)))]


def mentor_of(uid: str) -> str:
    """The Slack id of ``uid``'s mentor in the roster above."""
    for line in roster_csv().splitlines()[1:]:
        cells = line.split(",")
        if cells[0] == uid:
            return cells[4] or "U0MO"
    return "U0MO"


def justification_for(
    spec: ScenarioSpec, *, sound: bool, rng: random.Random, confidence: int
) -> Justification:
    """A justification naming the scenario's key points in real sentences (too few when not ``sound``)."""
    points = spec.key_points if sound else spec.key_points[: max(0, len(spec.key_points) // 2 - 1)]
    said = [
        f"The call turns on {rng.choice(p.keywords)}, which would affect the outcome here." for p in points
    ]
    half = (len(said) + 1) // 2
    return Justification(
        policy=" ".join(said[:half]) or "The policy is what I read first and it was not clear to me.",
        evidence=" ".join(said[half:]) or "I checked the request and the generator output for this case.",
        risk="If this is wrong it would reach customers, so the rollback has to be ready.",
        conditions="Time-boxed, with the rollback plan attached.",
        escalation=None,
        confidence=confidence,
    )
