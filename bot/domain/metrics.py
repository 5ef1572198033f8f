"""The metric registry and the scorecard: one row per metric, graded the same way for every surface.

Each ``MetricSpec`` row says what a metric is called, how its value reads, which
threshold fields set its target, close band and minimum sample, how its facts are
computed (``bot.domain.measures`` for week 11, ``bot.domain.week12`` for week 12),
what the digest chart calls it, and from which phase it applies. The scorecard,
chart, App Home, digest, ``casebook metrics --json`` and ``/casebook metrics`` all
read this table, so a new metric is one row here plus its computation.

Each metric is graded by ``grading.grade``; a sample below its minimum is
"insufficient data", never a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.domain import measures, week12
from bot.domain.cohort_facts import collect_cohorts
from bot.domain.facts import WeekFacts
from bot.domain.grading import Metric, Op, Reading, Unit, grade
from bot.domain.vocab import Cohort
from bot.domain.weeks import Week
from bot.program import MinSample, Phase, Program, Thresholds


class MetricKey(StrEnum):
    """Every metric's key, as stored in JSON and used by the surfaces that single one out."""

    HANDLING_RATE = "handling_rate"
    REWORK = "rework"
    SATISFACTION = "satisfaction"
    INCIDENT_SLO = "incident_slo"
    RETENTION = "retention"
    ADOPTION = "adoption"
    ESCALATION_TREND = "escalation_trend"
    ABSOLUTE_SLO = "absolute_slo"
    CONFIDENCE = "confidence"


@dataclass(frozen=True)
class MetricSpec:
    """One metric: its words, its target and how its facts are computed."""

    key: MetricKey
    label: str
    short: str  # a column heading of at most 9 characters (Home's weekly figures)
    unit: Unit
    op: Op
    target: Callable[[Thresholds], float]
    band: Callable[[Thresholds], float]  # how far short of the target still counts as "close"
    min_sample: Callable[[MinSample], int]
    compute: Callable[[WeekFacts, Program], Reading]
    chart_title: str
    phase: Phase  # the phase whose go/no-go it judges: week 11 is the parallel run, week 12 the switchover
    sample_noun: str  # what one unit of the sample is, for "needs 3 more survey responses"
    chart_ylim: tuple[float, float] | None = None


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        key=MetricKey.HANDLING_RATE,
        label="Handling rate",
        short="handling",
        unit=Unit.RATIO,
        op=Op.ABOVE,
        target=lambda t: t.handling_rate,
        band=lambda t: t.close_band.handling_rate,
        min_sample=lambda m: m.live_decisions,
        compute=measures.handling_rate,
        chart_title="Handling rate (%)",
        phase=Phase.PARALLEL_RUN,
        sample_noun="live decision",
        chart_ylim=(0, 108),
    ),
    MetricSpec(
        key=MetricKey.REWORK,
        label="Rework",
        short="rework",
        unit=Unit.RATIO,
        op=Op.AT_MOST,
        target=lambda t: t.rework,
        band=lambda t: t.close_band.rework,
        min_sample=lambda m: m.reviews,
        compute=measures.rework,
        chart_title="Rework (%)",
        phase=Phase.PARALLEL_RUN,
        sample_noun="reviewed live decision",
    ),
    MetricSpec(
        key=MetricKey.SATISFACTION,
        label="Satisfaction",
        short="satisf.",
        unit=Unit.SCORE,
        op=Op.ABOVE,
        target=lambda t: t.satisfaction,
        band=lambda t: t.close_band.satisfaction,
        min_sample=lambda m: m.survey_responses,
        compute=measures.satisfaction,
        chart_title="Satisfaction (1–5)",
        phase=Phase.PARALLEL_RUN,
        sample_noun="survey response",
        chart_ylim=(1, 5.3),
    ),
    MetricSpec(
        key=MetricKey.INCIDENT_SLO,
        label="Incident SLO",
        short="SLO",
        unit=Unit.SLOWDOWN,
        op=Op.AT_MOST,
        target=lambda t: t.slo_slowdown,
        band=lambda t: t.close_band.slo_slowdown,
        min_sample=lambda m: m.incidents,
        compute=measures.incident_slo,
        chart_title="Incident SLO: slowdown vs baseline (%)",
        phase=Phase.PARALLEL_RUN,
        sample_noun="P1/P2 incident",
    ),
    MetricSpec(
        key=MetricKey.RETENTION,
        label="Retention",
        short="left",
        unit=Unit.COUNT,
        op=Op.AT_MOST,
        target=lambda t: float(t.retention_leavers),
        band=lambda t: 0.0,
        min_sample=lambda m: m.engineers,
        compute=measures.retention,
        chart_title="People who left",
        phase=Phase.PARALLEL_RUN,
        sample_noun="engineer",
    ),
    MetricSpec(
        key=MetricKey.ADOPTION,
        label="Adoption",
        short="adoption",
        unit=Unit.RATIO,
        op=Op.AT_LEAST,
        target=lambda t: t.adoption,
        band=lambda t: t.close_band.adoption,
        min_sample=lambda m: m.engineers,
        compute=week12.adoption,
        chart_title="Adoption (%)",
        phase=Phase.SWITCHOVER,
        sample_noun="engineer",
        chart_ylim=(0, 108),
    ),
    MetricSpec(
        key=MetricKey.ESCALATION_TREND,
        label="Escalation trend",
        short="esc.trend",
        unit=Unit.SLOPE,
        op=Op.AT_MOST,
        target=lambda t: t.escalation_slope,
        band=lambda t: t.close_band.escalation_slope,
        min_sample=lambda m: m.live_decisions,
        compute=week12.escalation_trend,
        chart_title="Escalation trend (pts/day)",
        phase=Phase.SWITCHOVER,
        sample_noun="live decision",
    ),
    MetricSpec(
        key=MetricKey.ABSOLUTE_SLO,
        label="Absolute SLO",
        short="abs.SLO",
        unit=Unit.BREACHES,
        op=Op.AT_MOST,
        target=lambda t: 0.0,  # no breach at all
        band=lambda t: 0.0,
        min_sample=lambda m: m.incidents,
        compute=week12.absolute_slo,
        chart_title="Absolute SLO breaches",
        phase=Phase.SWITCHOVER,
        sample_noun="P1/P2 incident",
    ),
    MetricSpec(
        key=MetricKey.CONFIDENCE,
        label="Confidence",
        short="confid.",
        unit=Unit.SCORE,
        op=Op.ABOVE,
        target=lambda t: t.confidence,
        band=lambda t: t.close_band.confidence,
        min_sample=lambda m: m.survey_responses,
        compute=week12.confidence,
        chart_title="Confidence (1–5)",
        phase=Phase.SWITCHOVER,
        sample_noun="confidence answer",
        chart_ylim=(1, 5.3),
    ),
)
SPECS: dict[str, MetricSpec] = {spec.key: spec for spec in METRICS}
CORE_SPECS = tuple(spec for spec in METRICS if spec.phase is Phase.PARALLEL_RUN)
WEEK12_SPECS = tuple(spec for spec in METRICS if spec.phase is Phase.SWITCHOVER)
CORE_KEYS: tuple[MetricKey, ...] = tuple(spec.key for spec in CORE_SPECS)


def measure(spec: MetricSpec, facts: WeekFacts, program: Program) -> Metric:
    """Compute one metric's reading for the week and grade it against its row's thresholds."""
    t = program.thresholds
    reading = spec.compute(facts, program)
    target, min_sample = spec.target(t), spec.min_sample(t.min_sample)
    return Metric(
        key=spec.key,
        label=spec.label,
        status=grade(
            reading.value,
            op=spec.op,
            target=target,
            band=spec.band(t),
            sample=max(reading.sample, min_sample) if reading.decisive else reading.sample,
            min_sample=min_sample,
        ),
        value=reading.value,
        target=target,
        op=spec.op,
        unit=spec.unit,
        sample=reading.sample,
        min_sample=min_sample,
        detail=reading.detail,
        parts=reading.parts,
        sample_noun=spec.sample_noun,
    )


@dataclass(frozen=True)
class Scorecard:
    week: Week
    core: tuple[Metric, ...]
    week12: tuple[Metric, ...]  # always computed (JSON lists them); shown once ``week12_due``
    facts: WeekFacts  # the week-11 cohort's (the parallel run's)
    week12_due: bool = True  # the week reaches the switchover: week-12 metrics apply
    week12_facts: WeekFacts | None = None  # the switchover cohort's, when it differs

    @property
    def cohort(self) -> tuple[Cohort, int]:
        """Whose numbers the week-11 metrics judge, and how many people that is."""
        return self.facts.cohort, self.facts.people.engineers

    @property
    def week12_cohort(self) -> tuple[Cohort, int]:
        facts = self.week12_facts or self.facts
        return facts.cohort, facts.people.engineers

    @property
    def empty(self) -> bool:
        return self.facts.empty

    def metric(self, key: str) -> Metric:
        for metric in (*self.core, *self.week12):
            if metric.key == key:
                return metric
        raise KeyError(key)


def phase_reached(program: Program, phase: Phase, week: Week) -> bool:
    """Whether ``phase`` has begun by the end of ``week`` (a week-12 metric says nothing in week 9)."""
    return any(w.name is phase and w.start <= week.sunday for w in program.phases)


COHORT_WORDS = {Cohort.PILOTS: "the pilots", Cohort.ENGINEERS: "every engineer"}


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def cohort_text(card: Scorecard) -> str:
    """Whose numbers the scorecard judges: ``Week-11 metrics: the pilots (3 people).``"""
    (first, n), (second, m) = card.cohort, card.week12_cohort
    text = f"Week-11 metrics: {COHORT_WORDS[first]} ({_people(n)})"
    if card.week12_due:
        text += f"; week-12 metrics: {COHORT_WORDS[second]} ({_people(m)})"
    return text + "."


def scorecard_from_facts(
    facts: WeekFacts, program: Program, week12_facts: WeekFacts | None = None
) -> Scorecard:
    """Grade every metric: week-11 ones on ``facts``, week-12 ones on ``week12_facts`` (default: the same)."""
    later = week12_facts or facts
    return Scorecard(
        week=facts.week,
        core=tuple(measure(spec, facts, program) for spec in CORE_SPECS),
        week12=tuple(measure(spec, later, program) for spec in WEEK12_SPECS),
        facts=facts,
        week12_due=phase_reached(program, Phase.SWITCHOVER, facts.week),
        week12_facts=week12_facts,
    )


def compute_scorecard(*, session: Session, program: Program, week: Week) -> Scorecard:
    """Gather each phase's cohort's counts with SQL aggregates and grade every metric."""
    first, second = program.cohort(Phase.PARALLEL_RUN), program.cohort(Phase.SWITCHOVER)
    # Both cohorts in one pass over each table (the second cohort's figures cost no second scan).
    facts = collect_cohorts(session=session, program=program, week=week, cohorts=(first, second))
    return scorecard_from_facts(facts[first], program, facts[second] if second != first else None)
