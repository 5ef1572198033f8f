"""The PM's weekly digest as data: scorecard with changes, recommendation, table, red flags.

Red flags come from the roadmap's "what if it fails" column and the role-design
seed's "Red Flags to Monitor": escalation rate rising two weeks running, satisfaction
falling, reviews not happening (decisions waiting beyond the review SLA, or none
reviewed all week), an engineer with no decisions all week (people out of office that
week are not flagged), someone leaving (turnover), a survey most engineers skipped
(under half, when a survey went out that week), and overturns in a category ("mentor
pilots on that category"). The channel post shows the three that weigh most on the
go / no-go (:data:`FLAG_WEIGHT`); the thread lists them all. The role design's measured red
flags (turnover, process improvements, satisfaction gap) come from bot.domain.red_flags.

Survey comments come from :func:`bot.domain.surveys.aggregate` only with the published
averages, without names, and are shuffled here with a generator seeded by the
operating system (never by who answered or when), so their order tells nothing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import Decision, Delivery, Person, Review
from bot.domain.calib_digest import cohort_calibration
from bot.domain.exception_register import delayed_rework_count
from bot.domain.facts import engineer_filter, in_week
from bot.domain.gonogo import Verdict, recommend
from bot.domain.grading import EPS, Metric, Status
from bot.domain.metricfmt import duration, pct
from bot.domain.metrics import MetricKey, Scorecard, compute_scorecard
from bot.domain.red_flags import digest_red_flags
from bot.domain.supporting import Supporting, supporting
from bot.domain.surveys import aggregate
from bot.domain.training import planned_sessions
from bot.domain.training_report import TrainingProgress, training_progress
from bot.domain.vocab import Cohort
from bot.domain.weeks import Week, previous, week_of_date, weeks_between
from bot.program import WEEKDAYS, Program

DIGEST_JOB = "digest"
LOW_SURVEY_RESPONSE = 0.5
MAX_HISTORY_WEEKS = 26  # the chart and the red flags look back at most half a year
MAX_NAMES = 10
TOP_FLAGS = 3
# Most serious first: people leaving and falling satisfaction threaten the pilot itself;
# quality and review coverage next; a quiet engineer or a skipped survey last.
FLAG_WEIGHT = (
    "attrition",
    "satisfaction_falling",
    "escalation_rising",
    "overturns_in_category",
    "overturn_pattern",
    "overconfidence",
    "reviews_overdue",
    "no_reviews",
    "low_survey_response",
    "idle_engineers",
)


@dataclass(frozen=True)
class ScoreRow:
    metric: Metric
    previous: Metric | None


@dataclass(frozen=True)
class OverdueReviews:
    sla_hours: float
    overdue: int  # decisions waiting longer than the SLA
    oldest_hours: float | None
    pending: int  # all decisions waiting for a review
    reviewed_this_week: int
    # Approved exceptions whose expiry answer came this week, and how many were delayed rework (issue 18).
    expiry_answers: int = 0
    delayed_rework: int = 0


@dataclass(frozen=True)
class SurveyRate:
    expected: bool  # a survey went out this week (its day falls in a survey phase)
    responded: int
    engineers: int

    @property
    def value(self) -> float | None:
        return self.responded / self.engineers if self.engineers else None


@dataclass(frozen=True)
class RedFlag:
    key: str
    text: str  # plain text; builders escape it


@dataclass(frozen=True)
class DigestData:
    week: Week
    at: datetime
    card: Scorecard
    verdict: Verdict
    rows: tuple[ScoreRow, ...]
    week12_rows: tuple[ScoreRow, ...]
    support: Supporting
    reviews: OverdueReviews
    survey: SurveyRate
    red_flags: tuple[RedFlag, ...]
    history: tuple[Scorecard, ...]  # program weeks so far, oldest first, ending with this week
    survey_comments: tuple[str, ...] = ()  # only with published results, unattributed
    training: TrainingProgress | None = None  # in a week with training sessions (docs/training.md)
    calibration: str | None = None  # the cohort's calibration line (bot.domain.calib_digest)

    @property
    def empty(self) -> bool:
        return self.card.empty

    @property
    def top_flags(self) -> tuple[RedFlag, ...]:
        """The red flags that weigh most on the go / no-go (``red_flags`` is ranked), at most three."""
        return self.red_flags[:TOP_FLAGS]


def _rows(card: Scorecard, prev: Scorecard | None, keys: list[str]) -> tuple[ScoreRow, ...]:
    return tuple(ScoreRow(card.metric(k), prev.metric(k) if prev else None) for k in keys)


def overdue_reviews(*, session: Session, program: Program, week: Week, at: datetime) -> OverdueReviews:
    sla = program.thresholds.review_sla_hours
    cutoff = at - timedelta(hours=sla)
    pending = Decision.review_status == "pending"
    overdue, oldest = session.execute(
        select(func.count(), func.min(Decision.decided_at)).where(pending, Decision.decided_at < cutoff)
    ).one()
    waiting = session.execute(select(func.count()).where(pending)).scalar_one()
    reviewed = session.execute(select(func.count()).where(in_week(Review.reviewed_at, week))).scalar_one()
    rework, answered = delayed_rework_count(session=session, start=week.start, end=week.end)
    return OverdueReviews(
        sla_hours=sla,
        overdue=int(overdue or 0),
        oldest_hours=(at - oldest).total_seconds() / 3600 if oldest is not None else None,
        pending=int(waiting or 0),
        reviewed_this_week=int(reviewed or 0),
        delayed_rework=rework,
        expiry_answers=answered,
    )


def survey_day(program: Program, week: Week) -> date:
    return week.monday + timedelta(days=WEEKDAYS.index(program.schedule.survey.day))


def survey_sent(program: Program, week: Week, at: datetime) -> bool:
    """A survey went out this week by ``at`` (no "only 0 of 3 answered" before it was sent)."""
    day, job = survey_day(program, week), program.schedule.survey
    sent_at = datetime.combine(day, job.time, tzinfo=program.tz)
    return program.phase_on(day) in job.phases and at >= sent_at


def in_program(program: Program, week: Week) -> bool:
    return any(program.phase_on(week.monday + timedelta(days=i)) for i in range(7))


def idle_engineers(*, session: Session, week: Week) -> list[str]:
    """Active engineers with no decision of any kind this week (out-of-office people excluded)."""
    decided = select(Decision.id).where(Decision.person_id == Person.id, in_week(Decision.decided_at, week))
    return list(
        session.execute(
            select(Person.name)
            .where(
                *engineer_filter(week),
                Person.status == "active",
                or_(Person.ooo_until.is_(None), Person.ooo_until < week.monday),
                ~decided.exists(),
            )
            .order_by(Person.name)
        ).scalars()
    )


def _rate(card: Scorecard) -> float | None:
    live = card.facts.live
    return live.escalated / live.total if live.total else None


def _trend_flags(card: Scorecard, history: list[Scorecard]) -> list[RedFlag]:
    """Escalation rising two weeks running; satisfaction falling (both weeks measured)."""
    flags: list[RedFlag] = []
    rates = [_rate(c) for c in history[-3:]]
    if len(rates) == 3 and None not in rates:
        a, b, c = (float(r or 0) for r in rates)
        if a + EPS < b and b + EPS < c:
            flags.append(
                RedFlag(
                    "escalation_rising",
                    f"Escalation rate rising two weeks running: {pct(a)} → {pct(b)} → {pct(c)}.",
                )
            )
    if len(history) >= 2:
        now_m, before_m = card.metric(MetricKey.SATISFACTION), history[-2].metric(MetricKey.SATISFACTION)
        now_sat, before = now_m.value, before_m.value
        measured = Status.INSUFFICIENT not in (now_m.status, before_m.status)
        if measured and now_sat is not None and before is not None and now_sat < before - EPS:
            flags.append(
                RedFlag("satisfaction_falling", f"Satisfaction fell from {before:.2f} to {now_sat:.2f}.")
            )
    return flags


def red_flags(
    *,
    session: Session,
    program: Program,
    card: Scorecard,
    history: list[Scorecard],
    reviews: OverdueReviews,
    survey: SurveyRate,
    support: Supporting,
    extra: Sequence[RedFlag] = (),
) -> tuple[RedFlag, ...]:
    """Every red flag of the week, most serious first (:data:`FLAG_WEIGHT`); ``extra`` joins them."""
    flags = _trend_flags(card, history) + list(extra)
    if reviews.overdue:
        oldest = duration(reviews.oldest_hours or 0)
        flags.append(
            RedFlag(
                "reviews_overdue",
                f"{reviews.overdue} {'decision has' if reviews.overdue == 1 else 'decisions have'} waited "
                f"more than {reviews.sla_hours:g} h for a review (oldest {oldest}).",
            )
        )
    if reviews.pending and not reviews.reviewed_this_week:
        flags.append(RedFlag("no_reviews", f"No reviews were recorded this week; {reviews.pending} waiting."))
    if in_program(program, card.week):
        idle = idle_engineers(session=session, week=card.week)
        if idle:
            names = ", ".join(idle[:MAX_NAMES]) + (
                f" and {len(idle) - MAX_NAMES} more" if len(idle) > MAX_NAMES else ""
            )
            flags.append(RedFlag("idle_engineers", f"No decisions all week from: {names}."))
    for leaver in card.facts.people.leavers_this_week:
        local = leaver.left_at.astimezone(program.tz)
        why = f" ({leaver.reason})" if leaver.reason else ""
        flags.append(RedFlag("attrition", f"{leaver.name} left the program on {local:%b} {local.day}{why}."))
    rate = survey.value
    if survey.expected and rate is not None and rate < LOW_SURVEY_RESPONSE:
        flags.append(
            RedFlag(
                "low_survey_response",
                f"Only {survey.responded} of {survey.engineers} engineers answered the survey ({pct(rate)}).",
            )
        )
    for row in support.categories:
        if row.overturned:
            flags.append(
                RedFlag(
                    "overturns_in_category",
                    f"{row.overturned} overturned in {row.category.replace('_', ' ')}: "
                    "mentor pilots on that category.",
                )
            )
    rank = {key: i for i, key in enumerate(FLAG_WEIGHT)}
    return tuple(sorted(flags, key=lambda f: rank.get(f.key, len(rank))))  # stable within a kind


def shuffled(comments: tuple[str, ...], rng: random.Random | None = None) -> tuple[str, ...]:
    """The comments in a random order: by default seeded by the OS, not by who wrote them or when."""
    order = list(comments)
    (rng or random.SystemRandom()).shuffle(order)
    return tuple(order)


def build_digest(
    *, session: Session, program: Program, week: Week, at: datetime, rng: random.Random | None = None
) -> DigestData:
    """Everything the Friday digest shows for ``week``, computed as of ``at``.

    ``rng`` orders the survey comments (tests pass a seeded one; by default the OS seeds it).
    """
    tz = program.tz
    first = min(week_of_date(program.start_date, tz).monday, previous(previous(week, tz), tz).monday)
    weeks = weeks_between(week_of_date(first, tz), week, tz)[-MAX_HISTORY_WEEKS:]
    history = [compute_scorecard(session=session, program=program, week=w) for w in weeks]
    card, prev = history[-1], history[-2] if len(history) >= 2 else None
    support = supporting(session=session, week=week)
    reviews = overdue_reviews(session=session, program=program, week=week, at=at)
    # The survey goes to every engineer, whichever cohort the metrics judge.
    asked = next(
        (f for f in (card.week12_facts, card.facts) if f and f.cohort is Cohort.ENGINEERS), card.facts
    )
    survey = SurveyRate(
        expected=survey_sent(program, week, at),
        responded=asked.survey.engineer_responses,
        engineers=asked.people.engineers,
    )
    program_start = week_of_date(program.start_date, tz).monday
    shown = tuple(c for c in history if c.week.monday >= program_start) or (card,)
    calib = cohort_calibration(session=session, settings=program.calibration, at=at)
    return DigestData(
        week=week,
        at=at,
        card=card,
        verdict=recommend(card.core, week=week, at=at),
        rows=_rows(card, prev, [m.key for m in card.core]),
        week12_rows=_rows(card, prev, [m.key for m in card.week12] if card.week12_due else []),
        support=support,
        reviews=reviews,
        survey=survey,
        red_flags=red_flags(
            session=session,
            program=program,
            card=card,
            history=history,
            reviews=reviews,
            survey=survey,
            support=support,
            extra=[RedFlag(key, text) for key, text in calib.flags],
        )
        + tuple(RedFlag(k, t) for k, t in digest_red_flags(session=session, program=program, at=at)),
        history=shown,
        survey_comments=shuffled(
            aggregate(
                session=session, week=week.label, minimum=program.thresholds.survey_anonymity_min
            ).comments,
            rng,
        ),
        training=_training(session=session, program=program, week=week, at=at),
        calibration=calib.line,
    )


def _training(*, session: Session, program: Program, week: Week, at: datetime) -> TrainingProgress | None:
    """Training progress as of ``at``, for a week that holds training sessions."""
    if not any(week.monday <= s.day <= week.sunday for s in planned_sessions(program)):
        return None
    return training_progress(session=session, program=program, now=at)


def find_digest(*, session: Session, channel: str, period: str) -> Delivery | None:
    """The ledger row of the digest for ``period`` in ``channel``, if it was enqueued."""
    return session.execute(
        select(Delivery).where(
            Delivery.job == DIGEST_JOB, Delivery.recipient == channel, Delivery.period == period
        )
    ).scalar_one_or_none()


@dataclass(frozen=True)
class PostedDigest:
    period: str
    channel: str
    ts: str


def last_posted_digest(*, session: Session) -> PostedDigest | None:
    """The most recently sent digest (for the App Home link)."""
    row = session.execute(
        select(Delivery.period, Delivery.channel, Delivery.ts)
        .where(
            Delivery.job == DIGEST_JOB,
            Delivery.status == "sent",
            Delivery.channel.is_not(None),
            Delivery.ts.is_not(None),
        )
        .order_by(Delivery.sent_at.desc(), Delivery.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return PostedDigest(period=row[0], channel=str(row[1]), ts=str(row[2]))
