"""Practice and assessment cards end to end: deal, open the modal, record the decision, follow up.

Listeners call these after acking; each function owns one transaction, enqueues what
Slack must receive in it (the outbox), then kicks the dispatcher.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.db.engine import read_transaction, transaction
from bot.db.models import Person
from bot.deps import Deps
from bot.domain.card_context import CardContext, load_card
from bot.domain.decisions import Recorded, record_decision
from bot.domain.errors import Forbidden, NotFound
from bot.domain.justification import Justification, is_sound, reasoning_of
from bot.domain.library import Library, Pool
from bot.domain.people import PersonView
from bot.domain.practice import (
    GOOD_OUTCOMES,
    Candidate,
    Dealt,
    choose_card,
    deal_practice,
    grade,
)
from bot.domain.practice_hints import hints
from bot.domain.progress import engineer_progress
from bot.domain.vocab import ENGINEERS
from bot.flows import assessment as assessment_flow
from bot.flows.cards import (
    card_view,
    decided_card_payload,
    enqueue_card,
    enqueue_decided_card,
    enqueue_note,
    remember_location,
)
from bot.flows.notify import enqueue_dm, enqueue_review_post
from bot.slack.blocks.card import justification_modal
from bot.slack.blocks.common import to_dicts
from bot.slack.blocks.engineer_home import engineer_home_blocks
from bot.slack.blocks.feedback import FeedbackView, feedback_blocks, feedback_text
from bot.slack.metadata import JustifyMeta

log = logging.getLogger(__name__)
FEEDBACK_JOB = "practice-feedback"
NOT_YOURS = "This card belongs to someone else."
GONE = "This card no longer exists."
LEFT = "You're recorded as having left the program, so this card can't take a decision any more."


def owner_refusal(*, owner: Person | None, user_id: str) -> str | None:
    """Why ``user_id`` may not act on a card owned by ``owner``: someone else's, or a leaver's."""
    if owner is None or owner.slack_user_id != user_id:
        return NOT_YOURS
    return LEFT if owner.status != "active" else None


def library_of(deps: Deps) -> Library:
    if deps.library is None:
        raise RuntimeError("the scenario library was not loaded")
    return deps.library


def deal_practice_card(
    *,
    deps: Deps,
    person: PersonView,
    category: str | None,
    after: int | None = None,
    request: str | None = None,
) -> Dealt:
    """Choose, assign and send the next practice card (a repeat of ``after``, or a replay of the
    stored ``request`` that dealt one, sends nothing)."""
    library = library_of(deps)
    now = deps.clock.now()
    # The hints and the choice are read before the write transaction, which then only inserts:
    # on SQLite the worker's writers queue on one lock (see ``choose_card``).
    slugs = library.slugs(Pool.PRACTICE)  # the assessment pool stays unseen
    with read_transaction(deps.sessions) as session:
        tz, settings = deps.program.tz, deps.program.calibration
        hint = hints(session=session, person_id=person.id, now=now, tz=tz, settings=settings)
        try:
            choice: Candidate | None = choose_card(
                session=session,
                person_id=person.id,
                categories=library.category_ids,
                category=category,
                slugs=slugs,
                retests=hint.retests,
                prefer=hint.prefer,
            )
        except NotFound:
            choice = None  # decided under the lock: a replayed request still finds its card
    with transaction(deps.sessions) as session:
        dealt = deal_practice(
            session=session,
            now=now,
            person_id=person.id,
            categories=library.category_ids,
            category=category,
            after=after,
            slugs=slugs,
            retests=hint.retests,
            prefer=hint.prefer,
            request=request,
            choice=choice,
        )
        if dealt.created:
            ctx = load_card(session=session, assignment_id=dealt.assignment.id)
            view = card_view(session=session, library=library, ctx=ctx)
            enqueue_card(session=session, now=now, view=view, slack_user_id=person.slack_user_id)
    deps.dispatcher.kick()
    return dealt


def already_decided(ctx: CardContext) -> str | None:
    if ctx.decision is None:
        return None
    return (
        f"You already decided this card: {ctx.decision.verdict.capitalize()}. "
        "A card takes exactly one decision; ask for the next one instead."
    )


def justification_view(
    *, deps: Deps, user_id: str, assignment_id: int, verdict: str, channel: str | None, ts: str | None
) -> View | str:
    """The modal for a card click, or a note for the clicker when the card cannot take it."""
    # A read first: most clicks find the card's location already kept, and on SQLite a write
    # transaction queues on the process's one write lock (benchmarks/NOTES.md, sixth round).
    with read_transaction(deps.sessions) as session:
        ctx = load_card(session=session, assignment_id=assignment_id)
        refused = owner_refusal(owner=ctx.person, user_id=user_id)
        if refused:
            return refused
        note = already_decided(ctx)
        if note:
            return note
        located = bool(ctx.assignment.channel and ctx.assignment.message_ts)
    if not located:
        with transaction(deps.sessions) as session:
            here = load_card(session=session, assignment_id=assignment_id)
            remember_location(session=session, ctx=here, channel=channel, ts=ts)
    meta = JustifyMeta(assignment_id=assignment_id, verdict=verdict, channel=channel, message_ts=ts)
    return justification_modal(meta=meta, title=ctx.spec.title)


@dataclass(frozen=True)
class Submitted:
    created: bool
    verdict: str
    note: str | None  # for the submitter when nothing new was recorded


@dataclass(frozen=True)
class _Sends:
    """What a new decision sends: the decided card and, for practice, the feedback DM."""

    card: dict[str, object]  # chat.update's text and blocks
    feedback: tuple[str, list[dict[str, object]]] | None  # text and blocks; None for assessments


def _outcome(ctx: CardContext, verdict: str) -> str:
    spec = ctx.spec
    return grade(expected=spec.expected.decision, acceptable=spec.expected.acceptable, verdict=verdict)


def _seconds(now: datetime, ctx: CardContext) -> float:
    return max(0.0, (now - ctx.assignment.shown_at).total_seconds())


def _sends(
    *, deps: Deps, session: Session, now: datetime, ctx: CardContext, verdict: str, answer: Justification
) -> _Sends:
    """Everything a new decision on ``ctx`` sends, built from the card alone (Block Kit, grade,
    key points): pure work, done before the write transaction (see ``submit_decision``)."""
    view = card_view(session=session, library=library_of(deps), ctx=ctx)
    card = decided_card_payload(view=view, verdict=verdict, reasoning=answer.policy)
    if ctx.assignment.kind != "practice":
        return _Sends(card, None)
    spec = ctx.spec
    keys = reasoning_of(
        key_points=[(k.point, k.keywords) for k in spec.key_points], justification=answer.as_dict()
    )
    outcome = _outcome(ctx, verdict)
    fb = FeedbackView(
        assignment_id=ctx.assignment.id,
        title=spec.title,
        verdict=verdict,
        outcome=outcome,
        expected=spec.expected.decision,
        acceptable=spec.expected.acceptable,
        rationale=spec.rationale,
        named=keys.named,
        missed=keys.missed,
        category=library_of(deps).category(spec.category),
        seconds=_seconds(now, ctx),
        posted_to_review=_posts_to_review(deps, ctx),
        sound=is_sound(good_verdict=outcome in GOOD_OUTCOMES, found=keys),
    )
    return _Sends(card, (feedback_text(fb), to_dicts(feedback_blocks(fb))))


def _posts_to_review(deps: Deps, ctx: CardContext) -> bool:
    return ctx.assignment.kind == "practice" and deps.program.practice.post_to_review


def _practice_follow_up(
    *,
    deps: Deps,
    session: Session,
    now: datetime,
    ctx: CardContext,
    decision_id: int,
    feedback: tuple[str, list[dict[str, object]]],
) -> None:
    """Feedback by DM (with Next scenario) and, when configured, the review-channel post."""
    text, blocks = feedback
    enqueue_dm(
        session=session,
        now=now,
        job=FEEDBACK_JOB,
        user_id=ctx.person.slack_user_id,
        period=f"assignment:{ctx.assignment.id}",
        text=text,
        blocks=blocks,
    )
    if _posts_to_review(deps, ctx):
        enqueue_review_post(
            session=session,
            now=now,
            channel=deps.program.channel("review"),
            decision_id=decision_id,
            new=True,
        )


def _record(
    *,
    session: Session,
    now: datetime,
    ctx: CardContext,
    user_id: str,
    meta: JustifyMeta,
    justification: Justification,
    post_to_review: bool,
) -> Recorded:
    """The card's one decision, graded against the scenario's expected answer."""
    spec = ctx.spec
    return record_decision(
        session=session,
        now=now,
        person_id=ctx.person.id,
        actor=user_id,
        kind=ctx.assignment.kind,
        verdict=meta.verdict,
        justification=justification,
        idempotency_key=f"assignment:{ctx.assignment.id}",
        category=spec.category,
        title=spec.title,
        assignment_id=ctx.assignment.id,
        scenario_version_id=ctx.version.id,
        outcome=_outcome(ctx, meta.verdict),
        seconds_to_decide=_seconds(now, ctx),
        review_required=post_to_review,
    )


def submit_decision(
    *, deps: Deps, user_id: str, meta: JustifyMeta, justification: Justification
) -> Submitted:
    """Record the one decision a card takes, then update the card and follow up, all in one go."""
    now = deps.clock.now()
    # What a new decision sends is built from the card as read, before the write transaction:
    # on SQLite the process's writers queue on one lock, and its holds bound the throughput
    # (benchmarks/NOTES.md, fifth round). The card's content cannot change in between; its
    # decision and owner are checked again under the lock.
    with read_transaction(deps.sessions) as session:
        seen = load_card(session=session, assignment_id=meta.assignment_id)
        fresh = seen.decision is None and not owner_refusal(owner=seen.person, user_id=user_id)
        sends = (
            _sends(deps=deps, session=session, now=now, ctx=seen, verdict=meta.verdict, answer=justification)
            if fresh
            else None
        )
    with transaction(deps.sessions) as session:
        ctx = load_card(session=session, assignment_id=meta.assignment_id)
        refused = owner_refusal(owner=ctx.person, user_id=user_id)
        if refused:
            raise Forbidden(refused)
        recorded = _record(
            session=session,
            now=now,
            ctx=ctx,
            user_id=user_id,
            meta=meta,
            justification=justification,
            post_to_review=_posts_to_review(deps, ctx),
        )
        first = recorded.decision
        if not recorded.created:
            same = first.verdict == meta.verdict and first.justification == justification.as_dict()
            note = None if same else already_decided(replace(ctx, decision=first))
            if note:
                enqueue_note(session=session, now=now, slack_user_id=user_id, channel=meta.channel, text=note)
            deps.dispatcher.kick()
            return Submitted(False, first.verdict, note)
        if sends is None:  # decided or refused when read, not now (a rare race): build it here
            sends = _sends(
                deps=deps, session=session, now=now, ctx=ctx, verdict=meta.verdict, answer=justification
            )
        remember_location(session=session, ctx=ctx, channel=meta.channel, ts=meta.message_ts)
        enqueue_decided_card(
            session=session,
            now=now,
            assignment_id=ctx.assignment.id,
            slack_user_id=user_id,
            payload=sends.card,
        )
        if sends.feedback is not None:  # a practice card
            _practice_follow_up(
                deps=deps, session=session, now=now, ctx=ctx, decision_id=first.id, feedback=sends.feedback
            )
        else:
            assessment_flow.after_answer(deps=deps, session=session, now=now, ctx=ctx)
    deps.dispatcher.kick()
    return Submitted(True, meta.verdict, None)


def practice_home_section(deps: Deps, session: Session, person: PersonView, _now: datetime) -> list[Block]:
    """App Home: an engineer's practice progress and readiness."""
    if not person.has_any(ENGINEERS) or deps.library is None:
        return []
    categories = [(c.id, c.name) for c in deps.library.categories]
    progress = engineer_progress(session=session, person_id=person.id, categories=categories)
    return engineer_home_blocks(progress)
