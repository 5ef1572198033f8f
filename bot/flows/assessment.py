"""The readiness assessment in Slack: start, serve the next card, score, notify, sign off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.db.engine import read_transaction, transaction
from bot.db.models import Assessment, Person
from bot.deps import Deps
from bot.domain import assessment as domain
from bot.domain.card_context import CardContext, load_card
from bot.domain.deliveries import enqueue, find_delivery
from bot.domain.errors import Conflict, Forbidden, NotFound
from bot.domain.library import Pool
from bot.domain.people import PersonView, find_by_slack_id, mentor_of
from bot.domain.practice import create_assignment
from bot.domain.progress import sign_off_queue
from bot.domain.retests import sign_off_refusal
from bot.domain.vocab import REVIEWERS
from bot.flows.cards import card_view, enqueue_card
from bot.flows.notify import enqueue_dm
from bot.slack.blocks.assessment import (
    ResultView,
    engineer_result_blocks,
    mentor_result_blocks,
    result_text,
    signed_off_notice_blocks,
)
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.engineer_home import sign_off_home_blocks

RESULT_JOB = "assessment-result"
MENTOR_JOB = "assessment-mentor"
MENTOR_UPDATE_JOB = "assessment-mentor-update"
SIGNED_OFF_JOB = "assessment-signed-off"


def _period(assessment_id: int) -> str:
    return f"assessment:{assessment_id}"


def _deal(deps: Deps, *, session: Session, now: datetime, assessment: Assessment, position: int) -> None:
    person = session.get(Person, assessment.person_id)
    assert person is not None
    assignment, created = create_assignment(
        session=session,
        now=now,
        person_id=assessment.person_id,
        version_id=int(assessment.plan[position - 1]),
        kind="assessment",
        assessment_id=assessment.id,
        position=position,
    )
    if created:
        ctx = load_card(session=session, assignment_id=assignment.id)
        view = card_view(session=session, library=deps.library, ctx=ctx)
        enqueue_card(session=session, now=now, view=view, slack_user_id=person.slack_user_id)


@dataclass(frozen=True)
class StartOutcome:
    size: int
    resumed_at: int | None  # answered so far, when one was already in progress


def current(*, deps: Deps, person: PersonView) -> StartOutcome | None:
    """The assessment ``person`` has in progress (how far they are), or None: starting would begin one."""
    with read_transaction(deps.sessions) as session:
        assessment = domain.in_progress(session=session, person_id=person.id)
        if assessment is None:
            return None
        return StartOutcome(assessment.size, domain.answered(session=session, assessment_id=assessment.id))


def start(*, deps: Deps, person: PersonView) -> StartOutcome:
    """Start an assessment and deal its first card, or report the one in progress."""
    library = deps.library
    if library is None:
        raise NotFound("The scenario library is not loaded.")
    now = deps.clock.now()
    size = deps.program.practice.assessment_size
    with transaction(deps.sessions) as session:
        started = domain.start_assessment(
            session=session,
            now=now,
            person_id=person.id,
            actor=person.slack_user_id,
            categories=library.category_ids,
            size=size,
            slugs=library.slugs(Pool.ASSESSMENT),  # held out: practice never deals these
        )
        assessment = started.assessment
        if not started.created:
            done = domain.answered(session=session, assessment_id=assessment.id)
            return StartOutcome(assessment.size, done)
        _deal(deps, session=session, now=now, assessment=assessment, position=1)
    deps.dispatcher.kick()
    return StartOutcome(size, None)


def _result_view(deps: Deps, session: Session, result: domain.AssessmentResult) -> ResultView:
    engineer = session.get(Person, result.person_id)
    assert engineer is not None
    mentor = mentor_of(session=session, person_id=engineer.id)
    names = {c.id: c.name for c in deps.library.categories} if deps.library else {}
    return ResultView(
        result=result,
        engineer_name=engineer.name,
        engineer_slack_id=engineer.slack_user_id,
        category_names=names,
        mentor_slack_id=mentor.slack_user_id if mentor else None,
    )


def after_answer(*, deps: Deps, session: Session, now: datetime, ctx: CardContext) -> None:
    """Serve the next question, or score the assessment and tell engineer and mentor."""
    assessment = session.get(Assessment, ctx.assignment.assessment_id)
    assert assessment is not None
    position = ctx.assignment.position or 0
    if position < assessment.size:
        _deal(deps, session=session, now=now, assessment=assessment, position=position + 1)
        return
    thresholds = deps.program.thresholds
    result = domain.complete(
        session=session,
        now=now,
        assessment=assessment,
        threshold=thresholds.assessment_pass,
        reasoning_threshold=thresholds.reasoning_pass,
        actor=ctx.person.slack_user_id,
    )
    if result is None:
        return
    view = _result_view(deps, session, result)
    enqueue_dm(
        session=session,
        now=now,
        job=RESULT_JOB,
        user_id=view.engineer_slack_id,
        period=_period(assessment.id),
        text=result_text(view, for_mentor=False),
        blocks=to_dicts(engineer_result_blocks(view)),
    )
    if view.mentor_slack_id is None:
        return
    enqueue_dm(
        session=session,
        now=now,
        job=MENTOR_JOB,
        user_id=view.mentor_slack_id,
        period=_period(assessment.id),
        text=result_text(view, for_mentor=True),
        blocks=to_dicts(mentor_result_blocks(view)),
    )


def _update_mentor_result(
    *, session: Session, now: datetime, view: ResultView, assessment_id: int, signer_slack_id: str
) -> None:
    """Turn the mentor's result DM into its signed-off form (once it has been sent)."""
    if not view.mentor_slack_id:
        return
    parent = find_delivery(
        session=session, job=MENTOR_JOB, period=_period(assessment_id), recipient=view.mentor_slack_id
    )
    if parent is None:
        return
    blocks = mentor_result_blocks(view, signed_off_by=signer_slack_id)
    enqueue(
        session=session,
        now=now,
        job=MENTOR_UPDATE_JOB,
        recipient=view.mentor_slack_id,
        period=_period(assessment_id),
        method="chat.update",
        payload={"_parent": "ts", "text": result_text(view, for_mentor=True), "blocks": to_dicts(blocks)},
        parent=parent,
    )


def sign_off(*, deps: Deps, user_id: str, assessment_id: int) -> tuple[str, str]:
    """Record the sign-off and tell everyone; returns (engineer, signer) Slack ids.

    Raises Forbidden for anyone but the engineer's mentor or a lead/admin, Conflict when
    it is not passed or already signed off."""
    now = deps.clock.now()
    with transaction(deps.sessions) as session:
        signer = find_by_slack_id(session=session, slack_user_id=user_id)
        if signer is None or signer.status != "active":
            raise Forbidden("Only a mentor or a lead on the roster can sign off readiness.")
        assessment = domain.sign_off(session=session, now=now, assessment_id=assessment_id, signer=signer)
        # After the permission and state checks (so only a signer hears why); raising rolls it back.
        tz, settings = deps.program.tz, deps.program.calibration
        late = sign_off_refusal(
            session=session, assessment_id=assessment.id, now=now, tz=tz, settings=settings
        )
        if late:
            raise Conflict(late)
        thresholds = deps.program.thresholds
        result = domain.result_of(
            session=session,
            assessment=assessment,
            threshold=thresholds.assessment_pass,
            reasoning_threshold=thresholds.reasoning_pass,
        )
        view = _result_view(deps, session, result)
        _update_mentor_result(
            session=session, now=now, view=view, assessment_id=assessment_id, signer_slack_id=user_id
        )
        enqueue_dm(
            session=session,
            now=now,
            job=SIGNED_OFF_JOB,
            user_id=view.engineer_slack_id,
            period=_period(assessment_id),
            text="Your readiness was signed off: you're ready.",
            blocks=to_dicts(signed_off_notice_blocks(signer_slack_id=user_id)),
        )
    deps.dispatcher.kick()
    return view.engineer_slack_id, user_id


def sign_off_home_section(session: Session, person: PersonView, _now: datetime) -> list[Block]:
    """App Home: the readiness of the mentees this reviewer may sign off."""
    if not person.has_any(REVIEWERS):
        return []
    signer = find_by_slack_id(session=session, slack_user_id=person.slack_user_id)
    assert signer is not None
    return sign_off_home_blocks(sign_off_queue(session=session, signer=signer))
