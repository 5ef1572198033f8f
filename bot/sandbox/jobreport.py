"""What a sandbox "Run job" queued: for whom, and when each message will appear.

Per-person jobs (daily sync, survey) plan one ledger row per person at that person's
local time, so a run as of 09:00 queues messages that appear at 17:45 Berlin and 17:45
New York: the page lists them with a one-click "move the clock there".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.sandbox.fakeslack import FakeSlack

ZONE_FORMAT = "%a %d %b %H:%M"


@dataclass
class JobReport:
    """One run: the one-line summary, and every ledger row it created."""

    summary: str
    queued: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"result": self.summary, "queued": self.queued}


def _when(moment: datetime, tz: str) -> str:
    return f"{moment.astimezone(ZoneInfo(tz)):{ZONE_FORMAT}} ({tz})"


def _appears(row: dict[str, Any], now: datetime) -> str:
    status, due = row["status"], row["due_at"]
    if status == "sent":
        return "sent"
    if status != "pending":
        return f"{status}: {row['reason']}" if row.get("reason") else status
    return "due now: sending" if due <= now else "waits for the clock"


def describe(
    rows: list[dict[str, Any]],
    *,
    fake: FakeSlack,
    people: dict[str, dict[str, Any]],
    program_tz: str,
    now: datetime,
) -> list[dict[str, Any]]:
    """Each created row as the page shows it: who, when (their time and program time), state."""
    out = []
    for row in rows:
        recipient = str(row["recipient"])
        person = people.get(recipient)
        user = fake.users.get(recipient)  # the four-week program's people are only in the workspace
        if person is not None:
            who, tz = str(person["name"]), str(person["tz"])
        elif user is not None:
            who, tz = user.name, user.tz
        else:
            name = fake.channel_names.get(recipient)
            who, tz = (f"#{name}" if name else recipient), program_tz
        due: datetime = row["due_at"]
        out.append(
            {
                "job": row["job"],
                "recipient": recipient,
                "who": who,
                "due": due.timestamp(),
                "due_local": _when(due, tz),
                "due_program": _when(due, program_tz),
                "due_input": f"{due.astimezone(ZoneInfo(program_tz)):%Y-%m-%dT%H:%M}",
                "status": row["status"],
                "appears": _appears(row, now),
                "waiting": row["status"] == "pending" and due > now,
            }
        )
    return out
