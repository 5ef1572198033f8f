"""Report sections on the training weeks and the people's voices: attendance, milestones, reflections,
the post-switchover survey and the Friday lessons.

Each function is a ``SectionBuild`` adapting a feature's own ``*_report`` (the features keep
their shapes). The page (``index.html``, also what ``/casebook report`` shares in Slack) shows
counts; names and per-person figures stay in the CSV/JSONL files, for operators. Reflection
texts never appear on the page, and in the files only when their author shared them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.domain.evidence import Chart, ReportScope, SectionResult, Series
from bot.domain.lessons import lessons_report
from bot.domain.post_survey import post_survey_aggregate, survey_by_group
from bot.domain.reflections import reflections_report
from bot.domain.training import MILESTONE_LABELS
from bot.domain.training_report import training_report
from bot.domain.weeks import iso_week


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def _columns(rows: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for r in rows for k in r))


def training(scope: ReportScope) -> SectionResult:
    """Attendance per engineer (files) and per module (page), against the >85% target."""
    data = training_report(session=scope.session, program=scope.program, now=scope.at)
    cohort = data["cohort"]
    rows = [
        {
            "engineer": p["name"],
            "slack_user_id": p["slack_user_id"],
            "sessions_held": p["held"],
            "present": p["present"],
            "attendance": round(p["rate"], 3) if p["rate"] is not None else None,
            "missed": " ".join(p["missed"]),
            "labs_done": len(p["labs_done"]),
            "labs_open": " ".join(p["labs_open"]),
            "modules_done": " ".join(p["modules_done"]),
        }
        for p in data["people"]
    ]
    if cohort["enough_data"]:
        verdict = "meets" if cohort["meets_target"] else "is under"
        head = (
            f"Cohort attendance {cohort['rate']:.0%} ({cohort['present']} of {cohort['expected']} "
            f"places over {cohort['held']} sessions) {verdict} the target of above {cohort['target']:.0%}."
        )
    else:
        head = f"Cohort attendance: {cohort['why_no_figure']}."
    summary = (
        head,
        f"Labs done: {cohort['labs_done']} of {cohort['labs_handed_out']} handed out "
        f"({_pct(cohort['labs_done'], cohort['labs_handed_out'])}).",
        f"{len(cohort['below_target'])} of {cohort['engineers']} engineers at or under the target.",
    )
    modules = cohort["modules"]
    table = tuple(
        {
            "module": m["title"],
            "sessions": sum(1 for s in data["sessions"] if s["module"] == m["id"]),
            "engineers completed": m["completed"],
            "of": cohort["engineers"],
        }
        for m in modules
    )
    chart = Chart(
        "Engineers who completed each module (every session attended, every lab done)",
        tuple(m["id"] for m in modules),
        (Series("completed", tuple(float(m["completed"]) for m in modules)),),
    )
    return SectionResult(_columns(rows), tuple(rows), summary, chart, table=table)


def milestones(scope: ReportScope) -> SectionResult:
    """The Week-10 sign-offs: per milestone, how many engineers a mentor signed off, and by whom (files)."""
    data = training_report(session=scope.session, program=scope.program, now=scope.at)
    people = data["people"]
    rows = [
        {"engineer": p["name"], "mock_exceptions": p["mock_exceptions"]}
        | {key: p["signed_off"].get(key, "") for key in MILESTONE_LABELS}
        for p in people
    ]
    counts = {key: sum(1 for p in people if key in p["signed_off"]) for key in MILESTONE_LABELS}
    summary = tuple(
        f"{label}: {counts[key]} of {len(people)} engineers signed off ({_pct(counts[key], len(people))})."
        for key, label in MILESTONE_LABELS.items()
    )
    table = tuple(
        {"milestone": label, "signed off": counts[key], "engineers": len(people)}
        for key, label in MILESTONE_LABELS.items()
    )
    chart = Chart(
        "Engineers signed off per Week-10 milestone",
        tuple(MILESTONE_LABELS.values()),
        (Series("signed off", tuple(float(counts[k]) for k in MILESTONE_LABELS)),),
    )
    return SectionResult(_columns(rows), tuple(rows), summary, chart, table=table)


def reflections(scope: ReportScope) -> SectionResult:
    """Per reflection day: how many were asked and submitted; names and shared texts in the files only."""
    days = reflections_report(session=scope.session, program=scope.program)
    rows: list[dict[str, Any]] = []
    for day in days:
        shared = {s.name: s.answers for s in day.shared}
        rows.extend(
            {"day": day.day.isoformat(), "engineer": name, "submitted": True, "shared_text": shared.get(name)}
            for name in day.submitted
        )
        rows.extend(
            {"day": day.day.isoformat(), "engineer": name, "submitted": False, "shared_text": None}
            for name in day.missing
        )
    table = tuple(
        {
            "day": f"{d.day:%a %d %b %Y}",
            "asked": d.asked,
            "submitted": len(d.submitted),
            "not yet": len(d.missing),
            "shared with the PM": len(d.shared),
        }
        for d in days
    )
    summary = tuple(
        f"{d.day:%a %d %b}: {len(d.submitted)} of {d.asked} engineers submitted "
        f"({_pct(len(d.submitted), d.asked)}); {len(d.shared)} shared theirs with the PM."
        for d in days
    ) or ("The program names no reflection day.",)
    notes = ("What engineers wrote stays with them and their mentor; this page shows counts only.",)
    return SectionResult(_columns(rows), tuple(rows), summary, table=table, notes=notes)


def post_switchover(scope: ReportScope) -> SectionResult:
    """The post-switchover survey: anonymous means per statement, per role group when all are big enough."""
    program = scope.program
    week = iso_week(program.voices.post_survey.date(program.start_date))
    agg = post_survey_aggregate(session=scope.session, program=program, week=week)
    groups = survey_by_group(session=scope.session, program=program, week=week)
    texts = {q.id: q.text for q in program.voices.post_survey.questions}
    shown = not agg.suppressed and bool(agg.question_means)
    rows = [
        {"week": week, "question": q, "statement": text, "mean": agg.question_means.get(q) if shown else None}
        for q, text in texts.items()
    ]
    table = tuple(
        {
            "group": g.group,
            "respondents": g.respondents,
            "satisfaction mean": g.satisfaction_mean,
            "confidence mean": g.confidence_mean,
        }
        for g in groups.groups.values()
    )
    if shown:
        head = (
            f"{week}: {agg.responses} answered; “{texts[_confidence_id(scope)]}” "
            f"{agg.confidence_mean} of 5, satisfaction {agg.satisfaction_mean} of 5."
        )
    else:
        head = f"Not enough data yet: {agg.responses} answers for {week}, fewer than {agg.minimum}."
    summary = (
        head,
        f"Answers are shown only in groups of at least {agg.minimum}; per role group only when "
        "every group reached that (otherwise one group's answers could be worked out).",
    )
    chart = (
        Chart(
            "Post-switchover survey: mean agreement (1–5) per statement",
            tuple(texts),
            (Series("mean", tuple(agg.question_means.get(q) for q in texts)),),
            unit="score",
        )
        if shown
        else None
    )
    notes = tuple(f"Comment: {c}" for c in agg.comments) if shown else ()
    return SectionResult(_columns(rows), tuple(rows), summary, chart, notes=notes, table=table)


def _confidence_id(scope: ReportScope) -> str:
    return next(q.id for q in scope.program.voices.post_survey.questions if q.kind == "confidence")


def _said(items: list[tuple[str, str | None]]) -> list[str]:
    """Each distinct lesson once: how many gave it, the named ones by name (most given first)."""
    by_text: dict[str, list[str | None]] = {}
    for text, author in items:
        by_text.setdefault(text, []).append(author)
    lines = []
    for text, authors in sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        named = sorted(a for a in authors if a)
        anonymous = len(authors) - len(named)
        who = ", ".join(named + ([f"{anonymous} anonymous"] if anonymous else []))
        lines.append(f"“{text}” ×{len(authors)} ({who})")
    return lines


def lessons(scope: ReportScope) -> SectionResult:
    """The Friday wrap-up lessons, per week: attributed ones by name, anonymous ones once enough."""
    weeks = lessons_report(session=scope.session, program=scope.program)
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for week in weeks:
        for kind in (week.went_well, week.was_hard):
            label = kind.kind.replace("_", " ")
            rows.extend(
                {"week": week.week, "kind": label, "text": i.text, "author": i.author} for i in kind.shown
            )
            said = _said([(i.text, i.author) for i in kind.shown])
            notes.extend(f"{week.week}, {label}: {line}" for line in said)
    table = tuple(
        {
            "week": w.week,
            "people": w.people,
            "went well": len(w.went_well.shown),
            "was hard": len(w.was_hard.shown),
            "anonymous, not shown yet": w.went_well.hidden + w.was_hard.hidden,
        }
        for w in weeks
    )
    kinds = Counter(r["kind"] for r in rows)
    summary = (
        (
            f"{len(rows)} lessons over {len(weeks)} wrap-ups: {kinds['went well']} went well, "
            f"{kinds['was hard']} was hard.",
            "Anonymous lessons are shown only once a week has enough of them to hide who wrote which.",
        )
        if weeks
        else ("No lessons recorded from the Friday wrap-ups yet.",)
    )
    columns = ("week", "kind", "text", "author")
    return SectionResult(columns, tuple(rows), summary, table=table, notes=tuple(notes))
