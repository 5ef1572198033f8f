"""People, roles and mentor pairs: lookup, permissions and the roster import."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.audit import append_event
from bot.db.models import MentorPair, Person, PersonRole
from bot.domain.attrition import ensure_another_admin, mark_active, mark_left
from bot.domain.availability import set_ooo
from bot.domain.errors import DomainError
from bot.domain.vocab import ROLES, Role
from bot.domain.weeks import local_midnight

ROSTER_COLUMNS = ("slack_user_id", "name", "email", "roles", "mentor", "timezone")
# Optional columns: a roster without them imports exactly as before.
ROSTER_OPTIONAL_COLUMNS = ("status",)
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")


@dataclass(frozen=True)
class PersonView:
    """A detached, read-only snapshot of a person for use outside a session."""

    id: int
    slack_user_id: str
    name: str
    roles: frozenset[str]
    timezone: str | None
    status: str

    def has_any(self, roles: Iterable[str]) -> bool:
        return bool(self.roles & frozenset(roles))

    @property
    def active(self) -> bool:
        return self.status == "active"


def view_of(person: Person) -> PersonView:
    return PersonView(
        id=person.id,
        slack_user_id=person.slack_user_id,
        name=person.name,
        roles=person.role_names,
        timezone=person.slack_tz or person.timezone,
        status=person.status,
    )


def find_by_slack_id(*, session: Session, slack_user_id: str) -> Person | None:
    return session.execute(select(Person).where(Person.slack_user_id == slack_user_id)).scalar_one_or_none()


def active_with_role(
    *,
    session: Session,
    slack_user_id: str,
    roles: AbstractSet[str],
    refusal: str,
    error: type[DomainError] = DomainError,
) -> Person:
    """The active person holding one of ``roles``; else ``error(refusal)``, in the caller's words."""
    person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
    if person is None or person.status != "active" or not person.role_names & roles:
        raise error(refusal)
    return person


def get_view(*, session: Session, slack_user_id: str) -> PersonView | None:
    person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
    return view_of(person) if person else None


def mentor_of(*, session: Session, person_id: int) -> Person | None:
    pair = session.execute(select(MentorPair).where(MentorPair.mentee_id == person_id)).scalar_one_or_none()
    return session.get(Person, pair.mentor_id) if pair else None


def mentees_of(*, session: Session, mentor_id: int) -> list[Person]:
    return list(
        session.execute(
            select(Person)
            .join(MentorPair, MentorPair.mentee_id == Person.id)
            .where(MentorPair.mentor_id == mentor_id)
            .order_by(Person.name)
        ).scalars()
    )


def mentor_pairs(*, session: Session) -> dict[int, int]:
    """Every mentee's mentor, as ``{mentee_id: mentor_id}``."""
    return {pair.mentee_id: pair.mentor_id for pair in session.execute(select(MentorPair)).scalars()}


def people_by_id(*, session: Session, ids: Iterable[int]) -> list[Person]:
    """The people with these ids, in no particular order."""
    return list(session.execute(select(Person).where(Person.id.in_(set(ids)))).scalars())


def _replace_roles(*, session: Session, person: Person, wanted: Iterable[str]) -> None:
    """Give ``person`` exactly the roles ``wanted`` (refused if it would leave no other admin)."""
    target = set(wanted)
    if Role.ADMIN not in target:
        ensure_another_admin(session=session, person=person)
    current = {r.role: r for r in person.roles}
    for role in set(current) - target:
        person.roles.remove(current[role])
    for role in target - set(current):
        person.roles.append(PersonRole(role=role))


def upsert_person(
    *,
    session: Session,
    now: datetime,
    actor: str,
    slack_user_id: str,
    name: str,
    email: str | None,
    roles: Iterable[str],
    timezone: str | None,
) -> Person:
    """Create or update one person and their roles, auditing what changed."""
    person = find_by_slack_id(session=session, slack_user_id=slack_user_id)
    wanted = sorted(set(roles))
    before = None
    if person is None:
        person = Person(
            slack_user_id=slack_user_id,
            name=name,
            email=email,
            timezone=timezone,
            status="active",
            created_at=now,
            updated_at=now,
        )
        session.add(person)
        session.flush()
    else:
        before = {
            "name": person.name,
            "email": person.email,
            "timezone": person.timezone,
            "roles": sorted(person.role_names),
        }
        person.name, person.email, person.timezone, person.updated_at = name, email, timezone, now
    _replace_roles(session=session, person=person, wanted=wanted)
    session.flush()
    after = {"name": name, "email": email, "timezone": timezone, "roles": wanted}
    if before != after:
        append_event(
            session=session,
            now=now,
            actor=actor,
            action="person.created" if before is None else "person.updated",
            subject_type="person",
            subject_id=slack_user_id,
            payload={"before": before, "after": after},
        )
    return person


def set_roles(
    *, session: Session, now: datetime, actor: str, person: Person, roles: Iterable[str], reason: str
) -> None:
    """Replace a person's roles (the `/casebook role` command), with an audit event."""
    before = sorted(person.role_names)
    wanted = sorted(set(roles))
    bad = [r for r in wanted if r not in ROLES]
    if bad:
        raise DomainError(f"Unknown role `{bad[0]}`. Roles are: {', '.join(ROLES)}.")
    _replace_roles(session=session, person=person, wanted=wanted)
    person.updated_at = now
    session.flush()
    append_event(
        session=session,
        now=now,
        actor=actor,
        action="person.roles_changed",
        subject_type="person",
        subject_id=person.slack_user_id,
        reason=reason,
        payload={"before": before, "after": wanted},
    )


def set_mentor(*, session: Session, now: datetime, actor: str, mentee: Person, mentor: Person | None) -> None:
    """Pair a mentee with a mentor (or unpair with None), auditing the change."""
    if mentor is not None and mentor.id == mentee.id:
        raise DomainError("Someone cannot mentor themselves.")
    pair = session.execute(select(MentorPair).where(MentorPair.mentee_id == mentee.id)).scalar_one_or_none()
    if pair is None and mentor is None:
        return
    before = None
    if pair is not None:
        old = session.get(Person, pair.mentor_id)
        before = old.slack_user_id if old else None
        if mentor is not None and pair.mentor_id == mentor.id:
            return
        session.delete(pair)
        session.flush()
    if mentor is not None:
        session.add(MentorPair(mentee_id=mentee.id, mentor_id=mentor.id, since=now))
        session.flush()
    append_event(
        session=session,
        now=now,
        actor=actor,
        action="mentor.paired",
        subject_type="person",
        subject_id=mentee.slack_user_id,
        payload={"before": before, "after": mentor.slack_user_id if mentor else None},
    )


@dataclass(frozen=True)
class RosterRow:
    line: int
    slack_user_id: str
    name: str
    email: str | None
    roles: tuple[str, ...]
    mentor: str | None
    timezone: str | None
    status: str | None = None  # None: leave as is; "active" | "left"
    left_on: date | None = None
    left_reason: str | None = None
    ooo_until: date | None = None  # optional roster column; empty leaves the stored date alone


def parse_status(value: str) -> tuple[str | None, date | None, str | None]:
    """The roster's ``status`` cell: empty, ``active`` or ``left:YYYY-MM-DD:reason``."""
    text = value.strip()
    if not text:
        return None, None, None
    if text.lower() == "active":
        return "active", None, None
    kind, _, rest = text.partition(":")
    if kind.strip().lower() != "left":
        raise ValueError(f"{text!r} is not a status (use active or left:YYYY-MM-DD:reason)")
    day_text, _, reason = rest.partition(":")
    try:
        day = date.fromisoformat(day_text.strip())
    except ValueError:
        raise ValueError(f"{day_text.strip()!r} is not a date (use left:YYYY-MM-DD:reason)") from None
    if not reason.strip():
        raise ValueError("a leaver needs a reason (use left:YYYY-MM-DD:reason)")
    return "left", day, " ".join(reason.split())


class RosterError(DomainError):
    """One or more bad roster rows; each message names its line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _roster_row(*, where: str, line: int, uid: str, data: dict[str, str]) -> tuple[RosterRow, list[str]]:
    """One roster line as a row, with every problem in it."""
    problems: list[str] = []
    if not data["name"]:
        problems.append(f"{where}: name: is empty")
    roles = tuple(r.strip().lower() for r in data["roles"].split(";") if r.strip())
    if not roles:
        problems.append(f"{where}: roles: is empty (use ;-separated {', '.join(ROLES)})")
    problems += [
        f"{where}: roles: unknown role {r!r} (use {', '.join(ROLES)})" for r in roles if r not in ROLES
    ]
    email = data["email"] or None
    if email and "@" not in email:
        problems.append(f"{where}: email: {email!r} is not an email address")
    mentor = data["mentor"] or None
    if mentor and not _USER_ID.match(mentor):
        problems.append(f"{where}: mentor: {mentor!r} is not a Slack user id")
    if mentor == uid:
        problems.append(f"{where}: mentor: someone cannot mentor themselves")
    tz = data["timezone"] or None
    if tz:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"{where}: timezone: unknown timezone {tz!r} (use e.g. Europe/Berlin)")
    status: tuple[str | None, date | None, str | None] = (None, None, None)
    try:
        status = parse_status(data.get("status", ""))
    except ValueError as exc:
        problems.append(f"{where}: status: {exc}")
    ooo_until = None
    if data.get("ooo_until"):
        try:
            ooo_until = date.fromisoformat(data["ooo_until"])
        except ValueError:
            problems.append(f"{where}: ooo_until: {data['ooo_until']!r} is not a date (use YYYY-MM-DD)")
    return RosterRow(line, uid, data["name"], email, roles, mentor, tz, *status, ooo_until), problems


def parse_roster(text: str, *, source: str = "roster") -> list[RosterRow]:
    """Parse and validate roster CSV; every problem is reported with its line number."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    if missing:
        raise RosterError([f"{source}:1: header: missing column(s) {', '.join(missing)}"])
    rows: list[RosterRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(reader, start=2):
        line = reader.line_num if reader.line_num else index
        data = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        uid = data["slack_user_id"]
        where = f"{source}:{line}"
        if not _USER_ID.match(uid):
            problems.append(f"{where}: slack_user_id: {uid!r} is not a Slack user id (like U012ABCDEF)")
            continue
        if uid in seen:
            problems.append(f"{where}: slack_user_id: {uid} already appears on line {seen[uid]}")
            continue
        seen[uid] = line
        row, row_problems = _roster_row(where=where, line=line, uid=uid, data=data)
        rows.append(row)
        problems.extend(row_problems)
    known = {r.slack_user_id for r in rows}
    for row in rows:
        if row.mentor and row.mentor not in known:
            problems.append(f"{source}:{row.line}: mentor: {row.mentor} is not in this roster")
    if problems:
        raise RosterError(problems)
    return rows


def import_roster(
    *, session: Session, now: datetime, actor: str, rows: list[RosterRow], tz: ZoneInfo | None = None
) -> int:
    """Upsert people, roles, mentor pairs and statuses; the caller's transaction makes it all-or-nothing.

    A ``left:YYYY-MM-DD:reason`` status records the leaver from the start of that day in
    ``tz`` (the program timezone; UTC when not given).
    """
    people = {
        row.slack_user_id: upsert_person(
            session=session,
            now=now,
            actor=actor,
            slack_user_id=row.slack_user_id,
            name=row.name,
            email=row.email,
            roles=row.roles,
            timezone=row.timezone,
        )
        for row in rows
    }
    for row in rows:
        mentor = people[row.mentor] if row.mentor else None
        set_mentor(session=session, now=now, actor=actor, mentee=people[row.slack_user_id], mentor=mentor)
    for row in rows:
        person = people[row.slack_user_id]
        if row.status == "active":
            mark_active(session=session, now=now, actor=actor, person=person)
        elif row.status == "left" and row.left_on is not None:
            left_at = local_midnight(row.left_on, tz or UTC)
            mark_left(
                session=session,
                now=now,
                actor=actor,
                person=person,
                left_at=left_at,
                reason=row.left_reason or "",
                correct=True,
            )
        if row.ooo_until is not None:
            set_ooo(
                session=session, now=now, actor=actor, person=people[row.slack_user_id], until=row.ooo_until
            )
    return len(rows)
