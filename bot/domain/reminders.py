"""Who is reminded of which overdue reviews.

A decision waiting longer than the review SLA is the assigned mentor's to chase.
When the engineer has no mentor, or the mentor has left, lost the reviewer role or
is out of office on their local day, the leads are reminded instead (the admins
when there are no leads), so nothing waits unseen. Nobody is reminded of their own
decision. Live decisions come first in each reminder; practice reviews follow as an
optional, separate list (``Reminder.live`` / ``Reminder.practice``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Person, PersonRole
from bot.domain.blind_access import holds_blind_review
from bot.domain.people import mentor_of
from bot.domain.reviews import PendingItem, overdue
from bot.domain.vocab import REVIEWERS


@dataclass
class Reminder:
    person: Person
    local_day: date
    items: list[PendingItem] = field(default_factory=list)

    @property
    def live(self) -> list[PendingItem]:
        return [i for i in self.items if i.kind == "live"]

    @property
    def practice(self) -> list[PendingItem]:
        """Practice and assessment reviews: optional, listed apart from the live ones."""
        return [i for i in self.items if i.kind != "live"]


def local_day(person: Person, now: datetime, fallback: ZoneInfo) -> date:
    """The person's calendar date at ``now`` (Slack timezone, else roster, else program)."""
    name = person.slack_tz or person.timezone
    try:
        tz = ZoneInfo(name) if name else fallback
    except (KeyError, ValueError):
        tz = fallback
    return now.astimezone(tz).date()


def _available(person: Person, now: datetime, tz: ZoneInfo) -> bool:
    if person.status != "active" or not person.role_names & REVIEWERS:
        return False
    return person.ooo_until is None or person.ooo_until < local_day(person, now, tz)


def _fallback_reviewers(session: Session, role: str) -> list[Person]:
    return list(
        session.execute(
            select(Person)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role == role, Person.status == "active")
            .order_by(Person.name)
        ).scalars()
    )


def reminder_plan(*, session: Session, now: datetime, sla: timedelta, tz: ZoneInfo) -> list[Reminder]:
    """One reminder per reviewer with their overdue decisions, oldest first."""
    plan: dict[int, Reminder] = {}
    fallback: list[Person] | None = None
    for decision, engineer in overdue(session=session, now=now, sla=sla):
        mentor = mentor_of(session=session, person_id=engineer.id)
        if mentor is not None and _available(mentor, now, tz):
            recipients = [mentor]
        else:
            if fallback is None:
                leads = [p for p in _fallback_reviewers(session, "lead") if _available(p, now, tz)]
                admins = [p for p in _fallback_reviewers(session, "admin") if _available(p, now, tz)]
                fallback = leads or admins
            recipients = fallback
        item = PendingItem(
            decision_id=decision.id,
            kind=decision.kind,
            title=decision.title,
            category=decision.category,
            verdict=decision.verdict,
            engineer_slack_id=engineer.slack_user_id,
            engineer_name=engineer.name,
            decided_at=decision.decided_at,
            age=now - decision.decided_at,
        )
        for person in recipients:
            if person.id == engineer.id:
                continue
            if holds_blind_review(session=session, decision_id=decision.id, reviewer_id=person.id):
                continue  # its reminder links to the review post, where the first verdict will land
            reminder = plan.setdefault(person.id, Reminder(person, local_day(person, now, tz)))
            reminder.items.append(item)
    return list(plan.values())
