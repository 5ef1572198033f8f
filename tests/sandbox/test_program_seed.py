"""The four-week fixture's roster and justifications (fast checks; the whole seed runs in the CLI test)."""

from __future__ import annotations

import random
from collections import Counter

from bot.domain.justification import reasoning
from bot.domain.library import load_library, resolve_dir
from bot.domain.people import parse_roster
from bot.program import Phase, Program
from bot.sandbox.program_seed import SeedContext, engineer_ids, justification_for, mentor_of, roster_csv


def test_the_roster_is_the_roadmaps_cohort() -> None:
    rows = parse_roster(roster_csv())
    roles = Counter(role for row in rows for role in row.roles)
    assert (roles["engineer"], roles["pilot"], roles["mentor"], roles["lead"]) == (20, 3, 5, 3)
    assert (roles["pm"], roles["admin"]) == (1, 1)
    assert len(engineer_ids()) == 20 == len({r.slack_user_id for r in rows if "engineer" in r.roles})
    mentors = {r.slack_user_id for r in rows if "mentor" in r.roles}
    assert all(mentor_of(uid) in mentors for uid in engineer_ids())
    assert {"U0ADA", "U0BEN", "U0CY", "U0MO", "U0PAT", "U0ARI"} <= {r.slack_user_id for r in rows}


def test_a_sound_justification_names_enough_key_points_and_an_unsound_one_does_not() -> None:
    library = load_library(resolve_dir("scenarios"))
    rng = random.Random(1)
    for spec in library.scenarios:
        points = [(k.point, k.keywords) for k in spec.key_points]
        for sound in (True, False):
            made = justification_for(spec, sound=sound, rng=rng, confidence=3)
            found = reasoning(key_points=points, fields=(made.policy, made.evidence, made.risk))
            assert found.enough is sound, (spec.id, sound, found)


def test_the_calendar_comes_from_the_program(program: Program) -> None:
    ctx = SeedContext(sessions=None, program=program, library=None, rng=random.Random(0))  # type: ignore[arg-type]
    training = ctx.days(Phase.TRAINING)
    assert (training[0].isoformat(), training[-1].isoformat(), len(training)) == (
        "2026-11-02",
        "2026-11-13",
        10,
    )
    assert len(ctx.days(Phase.PARALLEL_RUN)) == len(ctx.days(Phase.SWITCHOVER)) == 5
    assert ctx.at(training[0], 9).isoformat() == "2026-11-02T09:00:00-05:00"
