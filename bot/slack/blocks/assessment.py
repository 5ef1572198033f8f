"""Assessment messages: the start, the result (engineer and mentor), and the sign-off."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, PlainTextObject

from bot.domain.assessment import Answer, AssessmentResult
from bot.domain.reasoning import REASONING_PASS
from bot.slack.blocks.common import clip, context, esc, fields, header, section
from bot.slack.blocks.confirm import confirm_blocks
from bot.slack.ids import Action
from bot.slack.metadata import AssessmentValue


def _pct(value: float) -> str:
    return f"{round(value * 100)}%"


def started_blocks(
    *, size: int, threshold: float, resumed: int | None, reasoning: float = REASONING_PASS
) -> list[Block]:
    if resumed is not None:
        return [
            section(
                f":hourglass_flowing_sand: Your assessment is in progress: {resumed} of {size} answered. "
                "The current question is in your DMs with Casebook."
            )
        ]
    return [
        section(
            f":mortar_board: Your readiness assessment has started: {size} scenarios across every "
            "category, none of which you have seen before, one at a time in your DMs. There is no "
            f"feedback until the end; you pass with more than {_pct(threshold)} correct or acceptable "
            f"and sound reasoning (the right call and at least half its key points, in sentences) "
            f"on at least {_pct(reasoning)} of them."
        )
    ]


def assess_confirm_blocks(*, size: int, threshold: float) -> list[Block]:
    """`/casebook assess` asks first: 20 scenarios is a commitment, and every start is an attempt."""
    text = (
        f":mortar_board: *The readiness assessment: {size} scenarios* across every category, one at a "
        "time in your DMs with Casebook. There is no feedback until the end; "
        f"you pass with {_pct(threshold)} correct or acceptable, and your mentor signs off.\n"
        "Starting counts as an attempt. Start now?"
    )
    return confirm_blocks(
        text=text, action_id=Action.ASSESS_CONFIRM, value="start", label="Start the assessment"
    )


@dataclass(frozen=True)
class ResultView:
    result: AssessmentResult
    engineer_name: str
    engineer_slack_id: str
    category_names: Mapping[str, str]
    mentor_slack_id: str | None


def _breakdown(view: ResultView) -> Block:
    pairs = [
        (view.category_names.get(cat, cat), f"{good}/{asked}")
        for cat, (good, asked) in sorted(view.result.by_category().items())
    ]
    return fields(pairs)


def _score_line(result: AssessmentResult) -> str:
    return (
        f"Score: *{result.good}/{result.size}* ({_pct(result.score)}) — "
        f"the pass mark is above {_pct(result.threshold)}.\n"
        f"Reasoning: *{result.sound}/{result.size}* sound ({_pct(result.reasoning_score)}) — "
        f"at least {_pct(result.reasoning_threshold)} needed."
    )


def _card_line(a: Answer, *, for_mentor: bool = False) -> Block:
    """One card after the attempt: the call, the key, soundness, the rationale (and mentor notes)."""
    mark = ":white_check_mark:" if a.outcome != "differs" else ":x:"
    sound = "sound reasoning" if a.sound else "reasoning not sound"
    named = f"named {len(a.named)} of {len(a.named) + len(a.missed)} key points"
    return section(
        f"{mark} *Q{a.position} {esc(clip(a.title, 90))}*: *{a.verdict}*, expected *{a.expected}* "
        f"({sound}; {named})\n_{esc(clip(a.rationale, 600))}_"
        + (f"\n*Mentor notes:* {esc(clip(a.mentor_notes, 500))}" if for_mentor and a.mentor_notes else "")
    )


def cards_blocks(result: AssessmentResult, *, for_mentor: bool = False) -> list[Block]:
    """Every card with its rationale: shown only after the attempt ends, to the engineer and mentor."""
    return [_card_line(a, for_mentor=for_mentor) for a in result.answers]


def engineer_result_blocks(view: ResultView) -> list[Block]:
    result = view.result
    title = "passed" if result.passed else "not passed yet"
    blocks: list[Block] = [
        header(f"Readiness assessment: {title}"),
        section(_score_line(result)),
        _breakdown(view),
    ]
    misses = [a for a in result.answers if a.outcome == "differs"]
    if misses:
        lines = [
            f"• Q{a.position} {esc(clip(a.title, 90))}: you said *{a.verdict}*, expected *{a.expected}*"
            for a in misses
        ]
        blocks.append(section("*Where your call differed*\n" + "\n".join(lines)))
    blocks.append(section("*Every card, with the reasoning behind the expected call*"))
    blocks.extend(cards_blocks(result))
    if result.passed and view.mentor_slack_id:
        blocks.append(context(f"<@{view.mentor_slack_id}> has been asked to sign off your readiness."))
    elif result.passed:
        blocks.append(context("You have no mentor on the roster; ask a lead to sign off your readiness."))
    else:
        blocks.append(
            context(
                "Practise your weakest categories with `/casebook practice`, then retake it with "
                "`/casebook assess`."
            )
        )
    return blocks


def mentor_result_blocks(view: ResultView, *, signed_off_by: str | None = None) -> list[Block]:
    """The mentor's copy: the result and, for a pass, the Sign off button (or who signed off)."""
    result = view.result
    verdict = "passed" if result.passed else "did not pass"
    blocks: list[Block] = [
        header(f"Readiness: {clip(view.engineer_name, 80)} {verdict}"),
        section(f"<@{view.engineer_slack_id}>'s assessment. {_score_line(result)}"),
        _breakdown(view),
        *cards_blocks(result, for_mentor=True),
    ]
    if not result.passed:
        blocks.append(context("No sign-off until they pass; they can retake it after more practice."))
    elif signed_off_by:
        blocks.append(section(f":white_check_mark: Signed off by <@{signed_off_by}>. They are ready."))
    else:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        action_id=Action.SIGN_OFF,
                        text=PlainTextObject(text="Sign off readiness"),
                        style="primary",
                        value=AssessmentValue(assessment_id=result.assessment_id).dump(),
                    )
                ]
            )
        )
        blocks.append(context("Signing off says they are ready for production exception handling."))
    return blocks


def result_text(view: ResultView, *, for_mentor: bool) -> str:
    who = f"{esc(view.engineer_name)}'s" if for_mentor else "Your"
    verdict = "passed" if view.result.passed else "did not pass"
    return f"{who} readiness assessment {verdict}: {view.result.good}/{view.result.size}"


def signed_off_notice_blocks(*, signer_slack_id: str) -> list[Block]:
    return [
        section(
            f":tada: <@{signer_slack_id}> signed off your readiness assessment. "
            "You're ready for production exception handling."
        )
    ]
