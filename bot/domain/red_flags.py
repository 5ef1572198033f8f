"""The role-design red flags (001 Part 6, "Watch for these signals"), with data source and threshold.

Three are measured here, each with its threshold in the program file's ``red_flags:``
section (bot.program_policy):

- ``turnover``: engineers who left the program (the roster's leavers, bot.domain.attrition)
  since it started: fires at ``turnover_engineers`` leavers, or when the rate annualised
  is over ``turnover_annualised`` (only once ``turnover_min_days`` have passed: a week's
  leavers annualised say little).
- ``no_improvements``: per lead and per calendar month that has ended, the process
  improvements they documented (policy feedback they accepted, later done or not, and
  exception-pattern proposals they accepted, bot.domain.patterns; the sources are
  :data:`DEFAULT_SOURCES`, which the PM's Home, the digest and the report all use): fires for a lead under
  ``improvements_per_lead_month``.
- ``satisfaction_gap``: the weekly survey's mean satisfaction of pilots and leads against
  everyone else (bot.domain.survey_groups): fires when they differ by at least
  ``satisfaction_gap``, and only when each group reached ``survey_anonymity_min``.

Each check is ``fired``, ``quiet`` or ``not_enough_data`` (never fired on too little).
The other Part 6 signals are not in Casebook's data: :data:`QUESTIONS` lists them as
questions for the post-switchover survey instead of inventing numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Person, PersonRole
from bot.db.models_policy import PolicyFeedback
from bot.domain.patterns import accepted_improvements
from bot.domain.survey_groups import OTHERS, PILOTS_LEADS, grouped_satisfaction
from bot.domain.vocab import ENGINEERS, Role
from bot.domain.weeks import local_midnight, previous, week_of
from bot.program import Program

FIRED, QUIET, NOT_ENOUGH = "fired", "quiet", "not_enough_data"
DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class FlagCheck:
    """One red flag as measured: its plain sentence, where the data comes from, and the bar."""

    key: str
    signal: str  # the Part 6 row it watches
    state: str  # fired | quiet | not_enough_data
    text: str  # plain sentence (builders escape it)
    source: str
    threshold: str

    @property
    def fired(self) -> bool:
        return self.state == FIRED


@dataclass(frozen=True)
class SurveyQuestionFlag:
    """A Part 6 signal Casebook cannot measure: the question to ask instead, and why."""

    key: str
    signal: str
    question: str
    why: str


QUESTIONS: tuple[SurveyQuestionFlag, ...] = (
    SurveyQuestionFlag(
        "still_task_execution",
        "2.0 engineers still doing task execution",
        "In a typical week now, how much of your time goes to routine execution "
        "(running deploy configs) rather than deciding exceptions or improving processes?",
        "Casebook sees the exception decisions people log, not the routine work they do elsewhere.",
    ),
    SurveyQuestionFlag(
        "coding_frustration",
        "2.0 engineers frustrated with coding expectations",
        "Do the coding expectations of the new role match what you were told "
        "(troubleshooting, not software engineering)?",
        "Nothing in Casebook records coding work or how people feel about it.",
    ),
    SurveyQuestionFlag(
        "undervalued",
        "1.0 engineers feel undervalued",
        "If you are not (yet) in the new role: do you feel your work is valued as much as before?",
        "Only partly measured: the satisfaction gap compares pilots and leads with the other engineers "
        "in the program; engineers outside it are not surveyed by Casebook.",
    ),
)


@dataclass(frozen=True)
class RedFlagsReport:
    """Every measured red flag as of ``at``, and the ones left to the post-switchover survey."""

    at: datetime
    checks: tuple[FlagCheck, ...]
    questions: tuple[SurveyQuestionFlag, ...] = QUESTIONS

    @property
    def fired(self) -> tuple[FlagCheck, ...]:
        return tuple(c for c in self.checks if c.fired)


def _program_start(program: Program) -> datetime:
    return local_midnight(program.start_date, program.tz)


def _engineers(session: Session) -> list[Person]:
    engineer = select(PersonRole.person_id).where(PersonRole.role.in_(sorted(ENGINEERS)))
    return list(session.execute(select(Person).where(Person.id.in_(engineer))).scalars())


def turnover_check(*, session: Session, program: Program, at: datetime) -> FlagCheck:
    """Engineers who left since the program started, as a count and as an annualised rate."""
    settings, start = program.red_flags, _program_start(program)
    source = "the roster's leavers (`/casebook left`, roster import), engineers and pilots"
    threshold = (
        f"{settings.turnover_engineers:g} engineers, or over {settings.turnover_annualised:.0%} a year "
        f"annualised (after {settings.turnover_min_days} days)"
    )

    def check(state: str, text: str) -> FlagCheck:
        return FlagCheck("turnover", "High turnover of 2.0s (>20% in year 1)", state, text, source, threshold)

    people = [p for p in _engineers(session) if p.left_at is None or p.left_at >= start]
    if at <= start or not people:
        return check(NOT_ENOUGH, "Not enough data yet: the program has not started or has no engineers.")
    left = [p for p in people if p.status == "left" and p.left_at is not None and p.left_at <= at]
    days = (at - start).total_seconds() / 86400
    rate = len(left) / len(people) * DAYS_PER_YEAR / days
    counted = f"{len(left)} of {len(people)} engineers left in {days:.0f} days"
    if len(left) >= settings.turnover_engineers:
        return check(FIRED, f"Turnover: {counted} (threshold {settings.turnover_engineers:g}).")
    if days < settings.turnover_min_days:
        return check(
            NOT_ENOUGH,
            f"Not enough data yet for an annualised rate: {counted}; "
            f"it needs {settings.turnover_min_days} days.",
        )
    if rate > settings.turnover_annualised:
        return check(FIRED, f"Turnover: {counted}, {rate:.0%} a year annualised.")
    return check(QUIET, f"Turnover: {counted} ({rate:.0%} a year annualised).")


# (session, start, end) → (lead's person id, when) for each improvement in [start, end)
ImprovementSource = Callable[[Session, datetime, datetime], Iterable[tuple[int, datetime]]]


def accepted_feedback(session: Session, start: datetime, end: datetime) -> list[tuple[int, datetime]]:
    """Policy feedback a lead accepted in [start, end) and did not later reject."""
    rows = session.execute(
        select(PolicyFeedback.accepted_by_id, PolicyFeedback.accepted_at).where(
            PolicyFeedback.status.in_(("accepted", "done")),
            PolicyFeedback.accepted_at >= start,
            PolicyFeedback.accepted_at < end,
        )
    ).all()
    return [(int(lead), when) for lead, when in rows if lead is not None and when is not None]


def accepted_proposals(session: Session, start: datetime, end: datetime) -> list[tuple[int, datetime]]:
    """Exception-pattern proposals a lead accepted in [start, end): each a documented improvement."""
    found = accepted_improvements(session=session, since=start, until=end)
    return [(i.recorded_by, i.recorded_at) for i in found if i.recorded_by is not None]


# Every kind of documented process improvement; the PM's Home, the digest and the report use these.
DEFAULT_SOURCES: tuple[ImprovementSource, ...] = (accepted_feedback, accepted_proposals)


def count_improvements(
    *,
    session: Session,
    start: datetime,
    end: datetime,
    sources: Sequence[ImprovementSource] = DEFAULT_SOURCES,
) -> dict[int, int]:
    """Documented process improvements per lead (person id) in [start, end), over every source."""
    counts: dict[int, int] = {}
    for source in sources:
        for lead_id, _ in source(session, start, end):
            counts[lead_id] = counts.get(lead_id, 0) + 1
    return counts


def ended_months(program: Program, at: datetime) -> list[date]:
    """First days of the calendar months (program time) the program ran in that ended by ``at``."""
    end = max(w.end for w in program.phases)
    today = at.astimezone(program.tz).date()
    month, out = program.start_date.replace(day=1), []
    while month <= end:
        following = (month + timedelta(days=32)).replace(day=1)
        if following <= today:
            out.append(month)
        month = following
    return out


def improvements_check(
    *,
    session: Session,
    program: Program,
    at: datetime,
    sources: Sequence[ImprovementSource] = DEFAULT_SOURCES,
) -> FlagCheck:
    """Leads with fewer documented process improvements than the bar in a month that has ended."""
    bar, tz = program.red_flags.improvements_per_lead_month, program.tz
    source = (
        "policy feedback (accepted or done) and exception-pattern proposals accepted by each lead, "
        "per calendar month"
    )
    threshold = f"at least {bar} a lead a month"

    def check(state: str, text: str) -> FlagCheck:
        return FlagCheck(
            "no_improvements", "No process improvements documented", state, text, source, threshold
        )

    leads = list(
        session.execute(
            select(Person)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role == Role.LEAD, Person.status == "active")
            .order_by(Person.name)
        ).scalars()
    )
    months = ended_months(program, at)
    last_end = local_midnight((months[-1] + timedelta(days=32)).replace(day=1), tz) if months else None
    if last_end is None or not [p for p in leads if p.created_at < last_end]:
        return check(
            NOT_ENOUGH, "Not enough data yet: no month of the program has ended with a lead on the roster."
        )
    short: list[str] = []
    for month in months:
        start = local_midnight(month, tz)
        end = local_midnight((month + timedelta(days=32)).replace(day=1), tz)
        counts = count_improvements(session=session, start=start, end=end, sources=sources)
        short += [
            f"{p.name} ({month:%B %Y}: {counts.get(p.id, 0)})"
            for p in leads
            if p.created_at < end and counts.get(p.id, 0) < bar  # a lead added later owes nothing for it
        ]
    if short:
        return check(FIRED, "No process improvements documented: " + ", ".join(short) + ".")
    return check(QUIET, f"Every lead documented at least {bar} process improvement a month.")


def satisfaction_gap_check(*, session: Session, program: Program, at: datetime) -> FlagCheck:
    """Pilots and leads against everyone else, this week or last (the latest with both groups big enough)."""
    minimum, bar, tz = program.thresholds.survey_anonymity_min, program.red_flags.satisfaction_gap, program.tz
    source = "the weekly survey's satisfaction answers, by group, published groups only"
    threshold = f"a gap of {bar:g} points or more (1–5 scale); each group at least {minimum} answers"

    def check(state: str, text: str) -> FlagCheck:
        return FlagCheck(
            "satisfaction_gap",
            "1.0 engineers feel undervalued (two-tier morale)",
            state,
            text,
            source,
            threshold,
        )

    this_week = week_of(at, tz)
    for week in (this_week, previous(this_week, tz)):
        groups = grouped_satisfaction(session=session, week=week.label, minimum=minimum)
        pilots, others = groups[PILOTS_LEADS].mean, groups[OTHERS].mean
        if pilots is None or others is None:
            continue
        gap = abs(pilots - others)
        line = f"{week.label}: pilots and leads {pilots:.2f}, everyone else {others:.2f}"
        if gap >= bar - 1e-9:
            lower = "everyone else" if others < pilots else "pilots and leads"
            return check(FIRED, f"Satisfaction gap of {gap:.2f} ({line}); {lower} lower.")
        return check(QUIET, f"No satisfaction gap ({line}).")
    return check(
        NOT_ENOUGH,
        f"Not enough data yet: each group needs {minimum} survey answers in a week before it is compared.",
    )


def red_flags_report(
    *,
    session: Session,
    program: Program,
    at: datetime,
    sources: Sequence[ImprovementSource] = DEFAULT_SOURCES,
) -> RedFlagsReport:
    """Every role-design red flag as of ``at`` (plain data), and the questions left to the survey."""
    return RedFlagsReport(
        at=at,
        checks=(
            turnover_check(session=session, program=program, at=at),
            improvements_check(session=session, program=program, at=at, sources=sources),
            satisfaction_gap_check(session=session, program=program, at=at),
        ),
    )


def digest_red_flags(*, session: Session, program: Program, at: datetime) -> list[tuple[str, str]]:
    """The role-design flags that fired, as (key, sentence) for the digest's red flags."""
    return [(c.key, c.text) for c in red_flags_report(session=session, program=program, at=at).fired]
