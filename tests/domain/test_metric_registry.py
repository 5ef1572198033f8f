"""The metric registry: one row per key, and every surface reads its rows."""

from __future__ import annotations

import dataclasses

from bot.domain import measures
from bot.domain import metrics as registry
from bot.domain.grading import Op, Reading, Status, Unit
from bot.domain.metrics import CORE_SPECS, METRICS, WEEK12_SPECS, MetricKey, MetricSpec
from bot.jobs import chart
from bot.program import Phase
from bot.slack.blocks import pm_home
from tests.jobs.test_chart import empty_card


def test_every_key_has_exactly_one_row() -> None:
    assert sorted(spec.key for spec in METRICS) == sorted(MetricKey)
    assert [s.key for s in CORE_SPECS] == [
        MetricKey.HANDLING_RATE,
        MetricKey.REWORK,
        MetricKey.SATISFACTION,
        MetricKey.INCIDENT_SLO,
        MetricKey.RETENTION,
    ]
    assert {s.phase for s in WEEK12_SPECS} == {Phase.SWITCHOVER}
    assert all(len(s.short) <= 9 for s in METRICS)


def test_each_row_grades_against_its_own_threshold_fields(program) -> None:
    card = empty_card(program, "2026-W45")
    t = program.thresholds
    for spec in METRICS:
        metric = card.metric(spec.key)
        assert (metric.label, metric.unit, metric.op) == (spec.label, spec.unit, spec.op)
        assert metric.target == spec.target(t)
        assert metric.min_sample == spec.min_sample(t.min_sample)


def _newcomer(facts, program) -> Reading:
    return Reading(value=0.9, sample=10, detail="ten practice decisions", parts={})


def test_a_new_metric_is_one_row_and_its_computation(program, monkeypatch) -> None:
    row = MetricSpec(
        key=MetricKey.HANDLING_RATE,  # any key: the row, not the enum, drives every surface
        label="Practice accuracy",
        short="practice",
        unit=Unit.RATIO,
        op=Op.AT_LEAST,
        target=lambda t: 0.8,
        band=lambda t: 0.1,
        min_sample=lambda m: 5,
        compute=_newcomer,
        chart_title="Practice accuracy (%)",
        phase=Phase.PARALLEL_RUN,
        sample_noun="practice decision",
    )
    specs = (row, *CORE_SPECS[1:])
    monkeypatch.setattr(registry, "CORE_SPECS", specs)
    monkeypatch.setattr(pm_home, "CORE_SPECS", specs)
    monkeypatch.setattr(chart, "CORE_SPECS", specs)
    card = empty_card(program, "2026-W45")
    metric = card.metric(MetricKey.HANDLING_RATE)
    assert (metric.label, metric.value, metric.status) == ("Practice accuracy", 0.9, Status.PASS)
    figures = pm_home.weekly_figures([card])
    assert "practice" in figures and "90%" in figures
    assert chart.chart_png([card], program=program, title="t")[:4] == b"\x89PNG"


def test_computations_are_plain_functions_of_the_facts(program) -> None:
    card = empty_card(program, "2026-W45")
    reading = measures.handling_rate(card.facts, program)
    assert dataclasses.astuple(reading)[:2] == (None, 0)
