"""The sandbox's demo workspace: a small roster, the program's channels and a sample alert.

Everything here is seeded through the same doors a real deployment uses: people go
in with ``import_roster`` (as `casebook roster import` does) and appear in the fake
workspace with their Slack timezone; channels are the ids from the program YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import transaction
from bot.domain.people import RosterRow, find_by_slack_id, import_roster, parse_roster
from bot.program import Phase, Program
from bot.sandbox.fakeslack import FakeSlack

# Three engineers (one a pilot), a mentor, a PM and an admin, in two timezones.
DEMO_ROSTER_CSV = """slack_user_id,name,email,roles,mentor,timezone
U0ADA,Ada Park,ada@example.com,engineer,U0MO,America/New_York
U0BEN,Ben Okafor,ben@example.com,engineer,U0MO,Europe/Berlin
U0CY,Cy Rivera,cy@example.com,engineer;pilot,U0MO,America/New_York
U0MO,Mo Haddad,mo@example.com,mentor,,Europe/Berlin
U0PAT,Pat Kim,pat@example.com,pm,,America/New_York
U0ARI,Ari Novak,ari@example.com,admin,,Europe/Berlin
"""
PROGRAM_CHANNEL_NAMES = {
    "review": "exception-review",
    "pm": "pilot-pm",
    "announcements": "ops-announcements",
}
ALERTS_CHANNEL = ("C0ALERTS", "alerts")
GENERAL_CHANNEL = ("C0CBGENERAL", "general")
GGEN_USER = ("U0GGEN", "ggen")
SAMPLE_ALERT = (
    ":rotating_light: ggen could not decide deploy-config `payments-eu/rate-limits.yaml`: "
    "customer Acme asks for burst 800 but policy says max-burst <= 500. "
    "Needs a human decision (use ⋮ → Handle as exception)."
)


@dataclass(frozen=True)
class DemoChannel:
    id: str
    name: str
    purpose: str


def demo_rows() -> list[RosterRow]:
    return parse_roster(DEMO_ROSTER_CSV, source="sandbox demo roster")


def demo_channels(program: Program) -> list[DemoChannel]:
    """The program's review, PM and announcements channels, plus #alerts and #general."""
    channels = [
        DemoChannel(program.channel(key), name, f"program channel `{key}`")
        for key, name in PROGRAM_CHANNEL_NAMES.items()
    ]
    channels.append(DemoChannel(ALERTS_CHANNEL[0], ALERTS_CHANNEL[1], "ggen alerts"))
    channels.append(DemoChannel(GENERAL_CHANNEL[0], GENERAL_CHANNEL[1], "everyone"))
    seen: set[str] = set()
    unique = []
    for channel in channels:  # a program may point two purposes at one channel
        if channel.id not in seen:
            seen.add(channel.id)
            unique.append(channel)
    return unique


def seed_workspace(fake: FakeSlack, program: Program) -> None:
    """Users (with their Slack timezone) and channels in the fake, and one sample alert."""
    for row in demo_rows():
        fake.add_user(row.slack_user_id, row.name, row.timezone or program.timezone)
    fake.add_user(GGEN_USER[0], GGEN_USER[1], program.timezone, is_bot=True)
    for channel in demo_channels(program):
        fake.add_channel(channel.id, name=channel.name)
    fake.post_as_user(ALERTS_CHANNEL[0], GGEN_USER[0], SAMPLE_ALERT)


def seed_database(sessions: sessionmaker[Session], now: datetime) -> int:
    """Import the demo roster (idempotent: an upsert, like `casebook roster import`)."""
    with transaction(sessions) as session:
        return import_roster(session=session, now=now, actor="sandbox:demo", rows=demo_rows())


def backdate_roster(sessions: sessionmaker[Session], program: Program, when: datetime) -> int:
    """Travelling back before the parallel run dates the demo people from the program's first day.

    The roster is imported at the sandbox's start, in the parallel run, and jobs skip anyone
    who joined after a message was due: moving the clock (or running a job) back into the
    training weeks would find nobody for the check-ins and reflections, where a real team was
    already on the roster. Times in the parallel run leave it alone, so the tour's daily sync
    does not report the Monday before the sandbox started as missed. How many people moved.
    """
    run_starts = default_start(program).replace(hour=0, minute=0) - timedelta(days=1)
    if when >= run_starts:
        return 0
    when = min(when, datetime.combine(program.start_date, time(0, 0), program.tz))
    moved = 0
    with transaction(sessions) as session:
        for row in demo_rows():
            person = find_by_slack_id(session=session, slack_user_id=row.slack_user_id)
            if person is not None and person.created_at > when:
                person.created_at = when
                moved += 1
    return moved


def default_start(program: Program) -> datetime:
    """Tuesday 09:00 (program time) of the parallel run, so every flow has something to do."""
    window = next((p for p in program.phases if p.name == Phase.PARALLEL_RUN), None)
    day = window.start if window else program.start_date
    if window and window.end > window.start:
        day = window.start.fromordinal(window.start.toordinal() + 1)
    return datetime.combine(day, time(9, 0), program.tz)


def program_roster_at(program: Program) -> datetime:
    """09:00 (program time) on the Monday a week before the program starts: when the four-week
    program's roster is imported, so every training session's check-in reaches everyone."""
    day = program.start_date - timedelta(days=7 + program.start_date.weekday())
    return datetime.combine(day, time(9, 0), program.tz)
