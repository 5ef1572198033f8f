"""The four-week fixture's training weeks (9–10) and the people's voices: check-ins, labs, sign-offs,
reflections, Friday lessons and the post-switchover survey.

Every step goes through the domain's own functions, as the flows call them, with its own
seeded RNG (``ctx.fork``): adding these left the older steps' figures as they were.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.db.engine import transaction
from bot.db.models import Person
from bot.domain import post_survey as ps
from bot.domain.errors import Conflict
from bot.domain.lessons import WAS_HARD, WENT_WELL, submit_lesson
from bot.domain.people import find_by_slack_id
from bot.domain.reflections import reflection_days, save_reflection, validate_reflection
from bot.domain.scheduling import people_with_roles
from bot.domain.surveys import SurveyAnswers, submit_survey
from bot.domain.training import (
    REAL_EXCEPTIONS,
    TESTING_ENVIRONMENT,
    check_in,
    correct_attendance,
    mark_lab,
    planned_sessions,
    sign_off,
)
from bot.domain.weeks import iso_week
from bot.program import Phase
from bot.sandbox.program_seed import PILOTS, SeedContext, engineer_ids, mentor_of

CORRECTED = ("U0ADA", "w9-tue-am")  # Ada's phone died: no check-in, and her mentor Mo corrects it
LEARNED = (
    "Reading the policy excerpt before the request changed how I weigh customer exemptions.",
    "Escalating is a decision too: I now write down who owns the call before I escalate.",
    "The blast radius question comes first; I used to start with the customer's ask.",
)
UNSURE = (
    "Change freezes with a security fix inside still feel unclear to me.",
    "Rollbacks past the retention window: I am never sure who signs them off.",
    "Config conflicts across two services, where both owners disagree.",
)
WELL = (
    "Pairing with a mentor on the first real exceptions.",
    "The capstone scenarios were close to what we see in the queue.",
    "Reviews came back within the hour, with a reason.",
    "The decision tree worksheet is on my desk now.",
)
HARD = (
    "Too many practice cards on the same category in one day.",
    "The freeze policy wording around hotfixes.",
    "Finding the policy owner for security exceptions.",
    "Keeping up with the review channel during the parallel run.",
)


def _person(session: Session, uid: str) -> Person:
    person = find_by_slack_id(session=session, slack_user_id=uid)
    assert person is not None
    return person


def _reliability(uid: str) -> float:
    """Each engineer's chance of attending a session (stable per person; most above the target)."""
    return 0.78 + random.Random(f"attend:{uid}").uniform(0.0, 0.21)


def seed_training(ctx: SeedContext) -> None:
    """Weeks 9–10: each session's check-ins ("I'm here" / "Can't make it" / no answer) and its labs."""
    rng = ctx.fork("training")
    opens = timedelta(minutes=ctx.program.training.checkin_opens_minutes)
    for planned in planned_sessions(ctx.program):
        with transaction(ctx.sessions) as session:
            for uid in engineer_ids():
                person = _person(session, uid)
                roll = rng.random()
                here = roll < _reliability(uid) and (uid, planned.id) != CORRECTED
                if here or roll < _reliability(uid) + 0.05:  # the rest never answer (a no-show)
                    when = (
                        planned.start + timedelta(minutes=rng.randint(-10, 8))
                        if here
                        else planned.start - opens
                    )
                    check_in(
                        session=session, now=when, person=person, planned=planned, present=here, opens=opens
                    )
                    ctx.counts["training_checkins"] += 1
                if (uid, planned.id) == CORRECTED:
                    mentor = _person(session, mentor_of(uid))
                    correct_attendance(
                        session=session,
                        now=planned.end + timedelta(hours=1),
                        actor=mentor,
                        mentee=person,
                        planned=planned,
                        present=True,
                    )
                    ctx.counts["attendance_corrections"] += 1
                    here = True
                for lab in planned.labs:
                    if rng.random() < (0.95 if here else 0.4):
                        done = planned.end + timedelta(hours=rng.randint(0, 20))
                        mark_lab(session=session, now=done, person=person, lab=lab, planned=planned)
                        ctx.counts["labs_done"] += 1


def seed_sign_offs(ctx: SeedContext) -> None:
    """Week 10: mentors sign off "5 real exceptions observed" (Monday) and the testing environment
    (Friday, after the assessment: only for those with the 20 mock exceptions)."""
    rng = ctx.fork("sign-offs")
    days = ctx.days(Phase.TRAINING)
    monday, friday = days[5], days[-1]
    needed = ctx.program.training.mock_exceptions
    with transaction(ctx.sessions) as session:
        for uid in engineer_ids():
            person, mentor = _person(session, uid), _person(session, mentor_of(uid))
            for milestone, when, chance in (
                (REAL_EXCEPTIONS, ctx.at(monday, 14, rng.randint(0, 50)), 0.9),
                (TESTING_ENVIRONMENT, ctx.at(friday, 16, rng.randint(0, 50)), 0.95),
            ):
                if rng.random() >= chance:
                    continue
                try:
                    sign_off(
                        session=session,
                        now=when,
                        actor=mentor,
                        mentee=person,
                        milestone=milestone,
                        mock_needed=needed,
                    )
                except Conflict:  # fewer than 20 mock exceptions: the mentor waits
                    continue
                ctx.counts["training_sign_offs"] += 1


def seed_reflections(ctx: SeedContext) -> None:
    """The Friday reflection(s): most engineers write one; some share it with the PM."""
    rng = ctx.fork("reflections")
    questions = ctx.program.voices.reflections.questions
    pools = (LEARNED, UNSURE)
    for day in reflection_days(ctx.program):
        with transaction(ctx.sessions) as session:
            for uid in engineer_ids():
                if rng.random() > 0.85:
                    continue
                values: dict[str, str | None] = {
                    q.id: rng.choice(pools[i % 2]) if not q.optional or rng.random() < 0.5 else None
                    for i, q in enumerate(questions)
                }
                answers, errors = validate_reflection(questions=questions, values=values)
                assert answers is not None, errors
                now = ctx.at(day, 14, rng.randint(10, 59))
                save_reflection(
                    session=session,
                    now=now,
                    person=_person(session, uid),
                    day=day,
                    answers=answers,
                    share=rng.random() < 0.3,
                )
                ctx.counts["reflections"] += 1


def seed_lessons(ctx: SeedContext) -> None:
    """The Friday wrap-ups of weeks 9–12: went well / was hard, about half given anonymously."""
    rng = ctx.fork("lessons")
    fridays = [d for p in Phase for d in ctx.days(p) if d.weekday() == 4]
    people = [*engineer_ids(), "U0MO", "U0M2", "U0M3", "U0M4", "U0M5"]
    for friday in fridays:
        with transaction(ctx.sessions) as session:
            for uid in people:
                for kind, pool, chance in ((WENT_WELL, WELL, 0.5), (WAS_HARD, HARD, 0.4)):
                    if rng.random() >= chance:
                        continue
                    submit_lesson(
                        session=session,
                        now=ctx.at(friday, 16, rng.randint(0, 59)),
                        person=_person(session, uid),
                        week=iso_week(friday),
                        kind=kind,
                        text=rng.choice(pool),
                        attributed=rng.random() < 0.5,
                    )
                    ctx.counts["lessons"] += 1


def seed_post_survey(ctx: SeedContext) -> None:
    """Friday of week 12: engineers, mentors and leads answer the post-switchover survey."""
    rng = ctx.fork("post-survey")
    program = ctx.program
    day = program.voices.post_survey.date(program.start_date)
    questions = ps.questions(program)
    with transaction(ctx.sessions) as session:
        for person in people_with_roles(session=session, roles=ps.RESPONDENTS):
            if rng.random() > 0.85:
                continue
            group = ps.group_of(person.role_names)
            leading = group == ps.LEADS_GROUP or person.slack_user_id in PILOTS
            weights = (0, 1, 4, 5) if leading else (1, 3, 6, 3)
            answers = {q.id: rng.choices((2, 3, 4, 5), weights=weights)[0] for q in questions}
            submit_survey(
                session=session,
                now=ctx.at(day, 14, rng.randint(5, 59)),
                person=person,
                week=iso_week(day),
                questions=questions,
                submitted=SurveyAnswers(answers, None),
                minimum=program.thresholds.survey_anonymity_min,
                survey=ps.SURVEY,
                answers_as=ps.answers_under(group),
            )
            ctx.counts["post_survey_responses"] += 1
