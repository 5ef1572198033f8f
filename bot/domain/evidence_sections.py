"""Report sections computed from what Casebook records today: scorecards, practice, readiness, surveys.

Each function is a ``SectionBuild`` (``bot.domain.evidence``): it reads through the
domain's own repositories in the report's one session and returns rows, summary
lines and a chart. Figures from too small a sample are left blank and said so.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import select

from bot.db.models import Assessment, Decision, MentorPair, Person
from bot.domain.assessment import readiness
from bot.domain.evidence import Chart, ExtraFile, ReportScope, SectionResult, Series
from bot.domain.gonogo import ACTION, recommend
from bot.domain.metricfmt import STATUS_LABEL, value_text
from bot.domain.metrics import Scorecard, compute_scorecard
from bot.domain.practice import GOOD_OUTCOMES
from bot.domain.report import scorecard_report
from bot.domain.supporting import supporting
from bot.domain.surveys import aggregate
from bot.domain.vocab import ENGINEERS
from bot.domain.weeks import Week
from bot.program import Program

SCORECARDS_FILE = "scorecard-weeks.json"
MIN_GROUP = 3  # no mean score of fewer people than this: it would be someone's own score
READINESS_WORDS = {
    "not_taken": "not taken",
    "in_progress": "in progress",
    "failed": "did not pass",
    "awaiting_sign_off": "passed, awaiting sign-off",
    "ready": "ready (signed off)",
}


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def phase_of(program: Program, week: Week) -> str:
    """The program phase the week's Monday falls in ("training", …), or "" outside every phase."""
    found = next((p for p in program.phases if p.start <= week.sunday and week.monday <= p.end), None)
    return found.name.value.replace("_", " ") if found else ""


def scorecards(scope: ReportScope) -> SectionResult:
    """Per week: every metric's value and status, and the go/no-go recommendation."""
    rows: list[dict[str, Any]] = []
    handling: list[float | None] = []
    full: list[dict[str, Any]] = []  # each week as `casebook metrics --json` prints it (docs/metrics.md)
    previous: Scorecard | None = None
    for week in scope.weeks:
        card = compute_scorecard(session=scope.session, program=scope.program, week=week)
        verdict = recommend(card.core, week=card.week, at=scope.at)
        support = supporting(session=scope.session, week=week)
        full.append(
            scorecard_report(
                card=card,
                previous=previous,
                verdict=verdict,
                support=support,
                timezone=scope.program.timezone,
                generated_at=scope.at,
            )
        )
        previous = card
        row: dict[str, Any] = {
            "week": week.label,
            "phase": phase_of(scope.program, week),
            "recommendation": verdict.recommendation.heading,
            "action": ACTION[verdict.recommendation],
            "why": verdict.summary,
        }
        for metric in (*card.core, *(card.week12 if card.week12_due else ())):
            row[metric.key] = value_text(metric)
            row[f"{metric.key}_status"] = STATUS_LABEL[metric.status]
        rows.append(row)
        handling.append(card.metric("handling_rate").value)
    last = rows[-1] if rows else None
    summary = (
        (f"Latest week {last['week']}: {last['recommendation']} — {last['action']}.", str(last["why"]))
        if last
        else ("No weeks to report.",)
    )
    chart = Chart(
        "Live decisions handled without escalation, by week",
        tuple(w.label for w in scope.weeks),
        (Series("handling rate", tuple(handling)),),
        unit="share",
        target=scope.program.thresholds.handling_rate,
    )
    columns = tuple(dict.fromkeys(k for r in rows for k in r))
    display = tuple(c for c in columns if not c.endswith("_status") and c not in ("action", "why"))
    weekly = ExtraFile(SCORECARDS_FILE, json.dumps(full, indent=2, ensure_ascii=False) + "\n")
    return SectionResult(columns, tuple(rows), summary, chart, display=display, files=(weekly,))


def practice(scope: ReportScope) -> SectionResult:
    """Per week: practice and assessment answers, how many people practised, share graded right."""
    rows: list[dict[str, Any]] = []
    for week in scope.weeks:
        found = scope.session.execute(
            select(Decision.person_id, Decision.kind, Decision.outcome).where(
                Decision.kind.in_(("practice", "assessment")),
                Decision.decided_at >= week.start,
                Decision.decided_at < week.end,
            )
        ).all()
        graded = [r for r in found if r.outcome is not None]
        good = sum(r.outcome in GOOD_OUTCOMES for r in graded)
        rows.append(
            {
                "week": week.label,
                "phase": phase_of(scope.program, week),
                "practice_answers": sum(r.kind == "practice" for r in found),
                "assessment_answers": sum(r.kind == "assessment" for r in found),
                "people": len({r.person_id for r in found}),
                "graded": len(graded),
                "right_or_acceptable": good,
                "accuracy": round(good / len(graded), 3) if graded else None,
            }
        )
    total = sum(r["practice_answers"] for r in rows)
    best = max((r for r in rows if r["graded"]), key=lambda r: r["practice_answers"], default=None)
    summary = [f"{total} practice answers over {len(rows)} weeks."]
    if best:
        summary.append(
            f"Busiest week {best['week']}: accuracy {_pct(best['right_or_acceptable'], best['graded'])}."
        )
    chart = Chart(
        "Practice and assessment answers graded right or acceptable, by week",
        tuple(r["week"] for r in rows),
        (Series("accuracy", tuple(r["accuracy"] for r in rows)),),
        unit="share",
        target=scope.program.thresholds.assessment_pass,
    )
    return SectionResult(tuple(rows[0]) if rows else (), tuple(rows), tuple(summary), chart)


def _engineers(scope: ReportScope) -> list[Person]:
    people = scope.session.execute(select(Person).order_by(Person.name)).scalars()
    return [p for p in people if p.role_names & ENGINEERS]


def readiness_section(scope: ReportScope) -> SectionResult:
    """Per engineer: the latest assessment, its score and who signed off their readiness."""
    session = scope.session
    pairs = select(MentorPair.mentee_id, Person.name).join(Person, Person.id == MentorPair.mentor_id)
    mentors: dict[int, str] = {int(mentee): str(name) for mentee, name in session.execute(pairs)}
    attempts = Counter(session.execute(select(Assessment.person_id)).scalars())
    rows: list[dict[str, Any]] = []
    for person in _engineers(scope):
        state = readiness(session=session, person_id=person.id)
        latest = state.latest
        rows.append(
            {
                "engineer": person.name,
                "slack_user_id": person.slack_user_id,
                "mentor": mentors.get(person.id, ""),
                "status": person.status,
                "attempts": attempts[person.id],
                "score": round(latest.score, 3) if latest and latest.score is not None else None,
                "passed": latest.passed if latest else None,
                "readiness": READINESS_WORDS.get(state.state, state.state),
                "signed_off_by": state.signed_off_by or "",
            }
        )
    counts = Counter(str(r["readiness"]) for r in rows)
    passed = sum(bool(r["passed"]) for r in rows)
    summary = (
        f"{passed} of {len(rows)} engineers passed the readiness assessment ({_pct(passed, len(rows))}; "
        f"target above {scope.program.thresholds.assessment_pass:.0%} of answers right).",
        f"{counts[READINESS_WORDS['ready']]} signed off as ready by a mentor or lead.",
    )
    labels = tuple(READINESS_WORDS.values())
    chart = Chart(
        "Engineers by readiness", labels, (Series("engineers", tuple(float(counts[w]) for w in labels)),)
    )
    # The page shows counts only: one engineer's score is for their mentor, leads and admins
    # (as `/casebook stats @user`); the per-person rows stay in the files, for operators.
    table = tuple(
        {
            "readiness": word,
            "engineers": counts[word],
            "mean score": _mean([r["score"] for r in rows if r["readiness"] == word])
            if counts[word] >= MIN_GROUP
            else None,
        }
        for word in labels
        if counts[word]
    )
    return SectionResult(tuple(rows[0]) if rows else (), tuple(rows), summary, chart, table=table)


def _mean(values: list[Any]) -> float | None:
    found = [float(v) for v in values if v is not None]
    return round(sum(found) / len(found), 3) if found else None


def surveys(scope: ReportScope) -> SectionResult:
    """Per week: the weekly survey's response count and means, blank below the anonymity minimum."""
    minimum = scope.program.thresholds.survey_anonymity_min
    questions = [q.id for q in scope.program.survey.questions]
    rows: list[dict[str, Any]] = []
    comments: list[str] = []
    for week in scope.weeks:
        agg = aggregate(session=scope.session, week=week.label, minimum=minimum)
        shown = not agg.suppressed and agg.satisfaction_mean is not None
        row: dict[str, Any] = {
            "week": week.label,
            "responses": agg.responses,
            "published": shown,
            "satisfaction_mean": agg.satisfaction_mean if shown else None,
            "confidence_mean": agg.confidence_mean if shown else None,
        }
        row |= {f"mean_{q}": agg.question_means.get(q) if shown else None for q in questions}
        rows.append(row)
        if shown:
            comments.extend(f"{week.label}: {c}" for c in agg.comments)
    published = [r for r in rows if r["published"]]
    summary = [f"Answers are shown only in groups of at least {minimum}, never by person."]
    if published:
        last = published[-1]
        summary.insert(
            0,
            f"{last['week']}: satisfaction {last['satisfaction_mean']} of 5 "
            f"({last['responses']} responses), confidence {last['confidence_mean']}.",
        )
    else:
        summary.insert(0, "Not enough data yet: no week has enough survey answers to show.")
    chart = Chart(
        "Weekly survey: mean satisfaction (1–5), by week",
        tuple(r["week"] for r in rows),
        (Series("satisfaction", tuple(r["satisfaction_mean"] for r in rows)),),
        unit="score",
        target=scope.program.thresholds.satisfaction,
    )
    notes = tuple(f"Comment, {c}" for c in comments)
    return SectionResult(tuple(rows[0]) if rows else (), tuple(rows), tuple(summary), chart, notes=notes)
