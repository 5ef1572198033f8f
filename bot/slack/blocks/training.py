"""Training weeks: the check-in DM, the App Home sections and the correction form (pure builders)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    InputBlock,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.training import MILESTONE_LABELS, REAL_EXCEPTIONS, TESTING_ENVIRONMENT, PlannedSession
from bot.domain.training_report import CohortTraining, PersonTraining, TrainingProgress, not_enough_text
from bot.slack.blocks.common import clip, context, divider, esc, header, section
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.metadata import CheckinValue, LabValue, MilestoneValue

LABS_SHOWN = 5
PEOPLE_SHOWN = 8
STATUS_TEXT = {"present": "I'm here :white_check_mark:", "absent": "Can't make it :no_entry_sign:"}


def _pct(value: float) -> str:
    return f"{round(value * 100)}%"


def session_when(planned: PlannedSession, tz: ZoneInfo) -> str:
    """``Mon Nov 2, 09:00–11:00``, program-local."""
    start, end = planned.start.astimezone(tz), planned.end.astimezone(tz)
    return f"{start:%a %b} {start.day}, {start:%H:%M}–{end:%H:%M}"


def checkin_blocks(
    *,
    planned: PlannedSession,
    module: str | None,
    tz: ZoneInfo,
    status: str | None,
    target: float,
    corrected: bool = False,
) -> list[Block]:
    """The check-in DM: the session, *I'm here* / *Can't make it*, and the answer once given."""
    where = f" · {esc(module)}" if module else ""
    blocks: list[Block] = [
        section(f":wave: *Training check-in* — *{esc(planned.title)}*\n{session_when(planned, tz)}{where}")
    ]
    if status is not None:
        who = "Your mentor recorded" if corrected else "You answered"
        blocks.append(section(f"{who}: *{STATUS_TEXT[status]}*"))
    value = CheckinValue(session=planned.id).dump()
    blocks.append(
        ActionsBlock(
            block_id=f"checkin_{planned.id}",
            elements=[
                ButtonElement(
                    action_id=Action.TRAINING_HERE,
                    text=PlainTextObject(text="I'm here"),
                    style="primary" if status is None else None,
                    value=value,
                ),
                ButtonElement(
                    action_id=Action.TRAINING_AWAY, text=PlainTextObject(text="Can't make it"), value=value
                ),
            ],
        )
    )
    end = planned.end.astimezone(tz)
    blocks.append(
        context(
            f"Check-in closes when the session ends ({end:%H:%M}). Attendance target: above {_pct(target)}."
        )
    )
    return blocks


def attendance_line(person: PersonTraining, target: float) -> str:
    if person.rate is None:
        return "*Attendance:* no session has ended yet."
    mark = ":white_check_mark:" if person.rate > target else ":warning:"
    return (
        f"*Attendance:* {person.present} of {person.held} sessions ({_pct(person.rate)}) {mark} "
        f"target above {_pct(target)}"
    )


def milestone_line(person: PersonTraining, mock_needed: int) -> str:
    parts = []
    for key, label in MILESTONE_LABELS.items():
        signer = person.signed_off.get(key)
        if signer:
            parts.append(f":white_check_mark: {label} (signed off by {esc(signer)})")
        elif key == TESTING_ENVIRONMENT:
            done = min(person.mock_exceptions, mock_needed)
            parts.append(f":white_circle: {label} — {done} of {mock_needed} mock exceptions")
        else:
            parts.append(f":white_circle: {label} — not yet")
    return "*Week-10 sign-offs:*\n" + "\n".join(parts)


def _labs_line(done: int, handed_out: int, share: str = "") -> str:
    # "0 of 0 handed out done" read like a bug on the first morning, before any lab session.
    if not handed_out:
        return "*Labs:* none handed out yet (they come with the lab sessions)."
    share = f", {share}" if share else ""
    return f"*Labs:* {done} of {handed_out} done{share} (the labs handed out so far)"


def _lab_row(lab_id: str, title: str) -> SectionBlock:
    return section(
        f"*Lab to do:* {esc(title)} `{esc(lab_id)}`",
        block_id=f"lab_{lab_id}",
        accessory=ButtonElement(
            action_id=Action.TRAINING_LAB_DONE,
            text=PlainTextObject(text="Mark done"),
            value=LabValue(lab=lab_id).dump(),
        ),
    )


def engineer_blocks(
    *,
    person: PersonTraining,
    target: float,
    labs: Mapping[str, str],
    modules: Mapping[str, str],
    mock_needed: int,
) -> list[Block]:
    """An engineer's own training: attendance, labs to mark done, modules, sign-offs."""
    blocks: list[Block] = [divider(), header("Training weeks")]
    total = len(person.labs_done) + len(person.labs_open)
    done_modules = ", ".join(esc(modules.get(m, m)) for m in person.modules_done) or "none yet"
    blocks.append(
        section(
            f"{attendance_line(person, target)}\n{_labs_line(len(person.labs_done), total)}\n"
            f"*Modules complete:* {done_modules}"
        )
    )
    for lab_id in person.labs_open[:LABS_SHOWN]:
        blocks.append(_lab_row(lab_id, labs.get(lab_id, lab_id)))
    more = len(person.labs_open) - LABS_SHOWN
    if more > 0:
        blocks.append(context(f"…and {more} more: `/casebook lab done <id>` marks any of them."))
    blocks.append(section(milestone_line(person, mock_needed)))
    return blocks


def _sign_off_buttons(person: PersonTraining, mock_needed: int) -> list[ButtonElement]:
    buttons = []
    for key, text in (
        (REAL_EXCEPTIONS, "Sign off: 5 real exceptions"),
        (TESTING_ENVIRONMENT, "Sign off: testing env"),
    ):
        if key == TESTING_ENVIRONMENT and person.mock_exceptions < mock_needed:
            continue  # it could only be refused; the line above says how many mock exceptions to go
        if key not in person.signed_off:
            value = MilestoneValue(slack_user_id=person.slack_user_id, milestone=key).dump()
            # A sign-off has no undo on Home: one stray click must not record it.
            confirm = ConfirmObject(
                title=PlainTextObject(text="Sign off?"),
                text=PlainTextObject(text=clip(f"Sign off {person.name}: {MILESTONE_LABELS[key]}?", 300)),
                confirm=PlainTextObject(text="Sign off"),
                deny=PlainTextObject(text="Cancel"),
            )
            buttons.append(
                ButtonElement(
                    action_id=Action.TRAINING_SIGN_OFF,
                    text=PlainTextObject(text=text),
                    value=value,
                    confirm=confirm,
                )
            )
    return buttons


MISSED_SHOWN = 3  # a mentor's Home lists many mentees; the rest are in the report


def _missed_text(missed: Sequence[str], sessions: Mapping[str, str]) -> str:
    # Session ids ("w9-mon-am") mean nothing to a mentor; the day and title do, and the id
    # stays in code for `/casebook attendance`.
    if not missed:
        return ""
    latest = list(reversed(missed))[:MISSED_SHOWN]  # the latest first: the ones still worth correcting
    shown = "; ".join(f"{esc(clip(sessions.get(m, m), 48))} `{esc(m)}`" for m in latest)
    more = f" …and {len(missed) - MISSED_SHOWN} more" if len(missed) > MISSED_SHOWN else ""
    return f"\nMissed: {shown}{more}"


def _mentee_text(person: PersonTraining, target: float, mock_needed: int, sessions: Mapping[str, str]) -> str:
    if person.rate is None:
        att = "no session ended yet"
    else:
        flag = "" if person.rate > target else " :warning:"
        att = f"{person.present}/{person.held} sessions ({_pct(person.rate)}){flag}"
    total = len(person.labs_done) + len(person.labs_open)
    signed = [MILESTONE_LABELS[k] for k in MILESTONE_LABELS if k in person.signed_off]
    missed = _missed_text(person.missed, sessions)
    return (
        f"*{esc(person.name)}* (<@{person.slack_user_id}>) — attendance {att}"
        f" · labs {len(person.labs_done)}/{total}"
        f" · mock exceptions {person.mock_exceptions}/{mock_needed}"
        f" · signed off: {', '.join(signed) or 'nothing yet'}{missed}"
    )


def mentor_blocks(
    *,
    people: Sequence[PersonTraining],
    everyone: bool,
    target: float,
    mock_needed: int,
    sessions: Mapping[str, str] | None = None,
) -> list[Block]:
    """A mentor's mentees (everyone, for leads and admins): progress, sign-off buttons, corrections."""
    scope = "every engineer" if everyone else "your mentees"
    blocks: list[Block] = [divider(), header(f"Training: {scope}")]
    if not people:
        blocks.append(section(f"No engineers to show for {scope}."))
        return blocks
    for person in people[:PEOPLE_SHOWN]:
        blocks.append(section(_mentee_text(person, target, mock_needed, sessions or {})))
        buttons = _sign_off_buttons(person, mock_needed)
        if buttons:
            blocks.append(ActionsBlock(block_id=f"signoff_{person.slack_user_id}", elements=buttons))
    more = len(people) - PEOPLE_SHOWN
    tail = (
        f"…and {more} more (`/casebook attendance` and `/casebook signoff` work for anyone). "
        if more > 0
        else ""
    )
    blocks.append(
        ActionsBlock(
            block_id="training_correct",
            elements=[
                ButtonElement(
                    action_id=Action.TRAINING_CORRECT, text=PlainTextObject(text="Correct attendance")
                )
            ],
        )
    )
    blocks.append(
        context(
            f"{tail}A session counts once it has ended; no check-in counts as absent. "
            f"The testing-environment sign-off opens after {mock_needed} mock exceptions "
            "(practice or assessment)."
        )
    )
    return blocks


def cohort_lines(cohort: CohortTraining) -> list[str]:
    """The cohort against the target, labs, modules and sign-offs (one line each)."""
    if cohort.rate is None:
        att = f"*Attendance:* {not_enough_text(cohort)}."
    else:
        mark = ":white_check_mark: above" if cohort.meets else ":warning: not above"
        att = (
            f"*Attendance:* {_pct(cohort.rate)} of {cohort.expected} engineer-sessions "
            f"({cohort.engineers} engineers, {cohort.held} session{'' if cohort.held == 1 else 's'}) — "
            f"{mark} the {_pct(cohort.target)} target"
        )
        if cohort.below_target:
            att += f"\n*At or under target:* {esc(', '.join(cohort.below_target[:10]))}"
    share = ""
    if cohort.enough and cohort.labs_handed_out:
        share = _pct(cohort.labs_done / cohort.labs_handed_out)
    labs = _labs_line(cohort.labs_done, cohort.labs_handed_out, share)
    modules = " · ".join(
        f"{esc(m.title.split(':')[0])}: {m.completed} of {cohort.engineers}" for m in cohort.modules
    )
    signed = " · ".join(
        f"{label}: {cohort.signed_off[k]} of {cohort.engineers}" for k, label in MILESTONE_LABELS.items()
    )
    return [
        att,
        labs,
        f"*Modules complete:* {modules or 'none configured'}",
        f"*Week-10 sign-offs:* {signed}",
    ]


def cohort_blocks(*, progress: TrainingProgress) -> list[Block]:
    """The PM's cohort summary (shown during the training weeks and afterwards)."""
    blocks: list[Block] = [divider(), header("Training: the cohort")]
    blocks.append(section("\n".join(cohort_lines(progress.cohort))))
    blocks.append(
        context(
            f"{progress.sessions_held} of {progress.sessions_total} sessions held. "
            "A session counts once it has ended; no check-in counts as absent. Cohort figures need "
            f"{progress.cohort.min_cohort} engineers."
        )
    )
    return blocks


def digest_training_text(progress: TrainingProgress) -> str:
    """The digest's training line (plain mrkdwn; names escaped)."""
    return ":mortar_board: *Training weeks*\n" + "\n".join(cohort_lines(progress.cohort))


def correction_modal(*, sessions: Sequence[tuple[str, str]], people: Sequence[tuple[str, str]]) -> View:
    """The mentor's *Correct attendance* form: session, mentee, present or absent."""

    def options(pairs: Sequence[tuple[str, str]]) -> list[Option]:
        return [Option(value=v, text=PlainTextObject(text=clip(t, 75))) for v, t in pairs[:100]]

    def picker(block: B, label: str, pairs: Sequence[tuple[str, str]]) -> InputBlock:
        return InputBlock(
            block_id=block,
            label=PlainTextObject(text=label),
            element=StaticSelectElement(action_id=block, options=options(pairs)),
        )

    return View(
        type="modal",
        callback_id=Callback.TRAINING_CORRECT,
        title=PlainTextObject(text="Correct attendance"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            picker(B.TRAINING_SESSION, "Session", sessions),
            picker(B.TRAINING_MENTEE, "Engineer", people),
            picker(B.TRAINING_STATUS, "They were", [("present", "present"), ("absent", "absent")]),
        ],
    )
