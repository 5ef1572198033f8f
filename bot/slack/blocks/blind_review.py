"""The blind second review: its DM card (no first verdict, no thread), its form, and the leads' table.

Built from :class:`bot.domain.blind_reviews.BlindCardData`, which has no field for the
first verdict or the review post, so nothing here can show either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.domain.blind_reviews import BlindCardData
from bot.domain.consistency import Agreement, ConsistencyReport, Row, VerdictPair
from bot.domain.justification import LABELS
from bot.slack.blocks.common import VERDICT_EMOJI, clip, code_block, context, divider, esc, header, section
from bot.slack.blocks.review import slack_date
from bot.slack.blocks.review_modal import comment_block, suggested_verdict_block
from bot.slack.ids import Action, Callback
from bot.slack.ids import Block as B
from bot.slack.metadata import BlindMeta, DecisionValue

MEASUREMENT_ONLY = (
    "For measurement only: your answer does not change this decision. Another reviewer's verdict "
    "decides it; yours is compared with it, unseen by either of you, to see how consistently we judge."
)
DISAGREEMENTS_SHOWN = 10
VERDICT_WORD = {"uphold": "Uphold", "overturn": "Overturn"}


def _slack_message(url: str) -> bool:
    """A Slack message link: its thread has Casebook's note linking to the review post, so not shown."""
    host = (urlsplit(url).hostname or "").lower()
    return host == "slack.com" or host.endswith(".slack.com")


def blind_card_blocks(data: BlindCardData) -> list[Block]:
    """The DM card: the decision as logged and Uphold / Overturn, or the answer once given."""
    blocks: list[Block] = [
        header(f"Blind second review: #{data.decision_id}"),
        section(
            f"*{esc(clip(data.title, 200))}*\n<@{data.engineer_slack_id}> decided "
            f"{VERDICT_EMOJI.get(data.verdict, '')} *{esc(data.verdict.capitalize())}* "
            f"({esc(data.category.replace('_', ' '))}), {slack_date(data.decided_at)}."
        ),
    ]
    for name in ("policy", "evidence", "risk", "conditions", "escalation"):
        value = data.justification.get(name)
        if value:
            blocks.append(section(f"*{LABELS[name]}*\n{esc(clip(str(value), 2800))}"))
    if data.source_text:
        quoted = "\n".join(">" + line for line in esc(clip(data.source_text, 600)).splitlines())
        blocks.append(section(f"*What was raised*\n{quoted}"))
    if data.source_url and not _slack_message(data.source_url):
        blocks.append(context(f"Source: {esc(data.source_url)}"))
    blocks.append(divider())
    if data.status == "open":
        value = DecisionValue(decision_id=data.decision_id).dump()
        blocks.append(
            ActionsBlock(
                block_id=B.BLIND_ACTIONS,
                elements=[
                    ButtonElement(
                        action_id=Action.BLIND_UPHOLD, text=PlainTextObject(text="Uphold"), value=value
                    ),
                    ButtonElement(
                        action_id=Action.BLIND_OVERTURN, text=PlainTextObject(text="Overturn"), value=value
                    ),
                ],
            )
        )
    elif data.my_verdict:
        line = f":ballot_box_with_check: You said *{VERDICT_WORD[data.my_verdict]}*"
        if data.my_suggested:
            line += f" — should have been *{esc(data.my_suggested)}*"
        blocks.append(section(line + ". Thank you; it's recorded."))
    blocks.append(context(MEASUREMENT_ONLY))
    return blocks


def blind_card_text(data: BlindCardData) -> str:
    return f"Blind second review (for measurement only): decision #{data.decision_id}"


def blind_modal(*, data: BlindCardData, meta: BlindMeta) -> View:
    """Uphold: an optional comment. Overturn: what should have been decided, and why."""
    overturn = meta.verdict == "overturn"
    blocks: list[Block] = [
        section(f"*#{data.decision_id}: {esc(clip(data.title, 200))}*\nThey decided *{data.verdict}*."),
    ]
    if overturn:
        blocks.append(suggested_verdict_block(decided=data.verdict))
    blocks.append(
        comment_block(
            overturn=overturn, hint="Leads read this when the two reviews disagree; the engineer doesn't."
        )
    )
    blocks.append(context(MEASUREMENT_ONLY))
    return View(
        type="modal",
        callback_id=Callback.BLIND_REVIEW,
        title=PlainTextObject(text="Blind second review"),
        submit=PlainTextObject(text=VERDICT_WORD.get(meta.verdict, "Save")),
        close=PlainTextObject(text="Cancel"),
        private_metadata=meta.dump(),
        blocks=blocks,
    )


def waiting_blocks(items: Sequence[tuple[int, str]]) -> list[Block]:
    """Home: the blind second reviews waiting for this person (nothing when none)."""
    if not items:
        return []
    lines = "\n".join(f"• *#{i}* {esc(clip(title, 120))}" for i, title in items)
    return [
        header(f"Blind second reviews waiting ({len(items)})"),
        section(lines),
        context("Answer on the cards in your DMs. " + MEASUREMENT_ONLY),
    ]


def _kappa(figures: Agreement) -> str:
    if figures.kappa is None:
        return "n/a"
    return f"{figures.kappa:.2f}"


def _table(title: str, rows: Sequence[Row], min_pairs: int) -> str:
    width = max([len(title), *(len(r.label) for r in rows)])
    lines = [f"{title:<{width}}  Pairs  Agree  Kappa"]
    for row in rows:
        f = row.figures
        if not f.enough:
            lines.append(f"{row.label:<{width}}  {f.pairs:>5}  not enough data yet (needs {min_pairs})")
        else:
            lines.append(f"{row.label:<{width}}  {f.pairs:>5}  {f.p_o or 0:>5.0%}  {_kappa(f):>5}")
    return code_block("\n".join(lines))


def _overall(report: ConsistencyReport) -> str:
    f = report.overall
    if not f.enough:
        return (
            f"*Overall:* not enough data yet — {f.pairs} of the {report.min_pairs} "
            "pairs of verdicts needed before agreement is shown."
        )
    kappa = (
        "kappa not defined (both reviews gave the same verdict every time)"
        if f.degenerate
        else f"Cohen's kappa *{_kappa(f)}*"
    )
    return f"*Overall:* agreed on *{f.agree} of {f.pairs}* ({f.p_o or 0:.0%}); {kappa}."


def _disagreement(pair: VerdictPair, url: str | None) -> str:
    title = esc(clip(pair.title, 100))
    ref = f"<{url}|#{pair.decision_id} {title}>" if url else f"#{pair.decision_id} {title}"
    lines = [f"*{ref}* ({esc(pair.category.replace('_', ' '))}, <@{pair.engineer_slack_id}>)"]
    for who, verdict, suggested, comment, tag in (
        (pair.first_slack_id, pair.first_verdict, pair.first_suggested, pair.first_comment, "first"),
        (pair.second_slack_id, pair.second_verdict, pair.second_suggested, pair.second_comment, "blind"),
    ):
        line = f"• <@{who}> ({tag}): *{VERDICT_WORD[verdict]}*"
        if suggested:
            line += f" → {esc(suggested)}"
        if comment:
            line += f" — “{esc(clip(comment, 300))}”"
        lines.append(line)
    return "\n".join(lines)


def consistency_blocks(*, report: ConsistencyReport, links: Mapping[int, str | None]) -> list[Block]:
    """Leads' Home: agreement and kappa per reviewer pair and category, then the disagreements."""
    blocks: list[Block] = [
        header("Reviewer consistency"),
        section(_overall(report)),
    ]
    if report.by_pair:
        blocks.append(section(_table("Reviewer pair", report.by_pair, report.min_pairs)))
        blocks.append(section(_table("Category", report.by_category, report.min_pairs)))
    shown = report.disagreements[:DISAGREEMENTS_SHOWN]
    if shown:
        blocks.append(section(f"*Disagreements ({len(report.disagreements)})* — settle the standard:"))
        blocks.extend(section(_disagreement(p, links.get(p.decision_id))) for p in shown)
    blocks.append(
        context(
            "Agreement: how often the first and the blind second review gave the same verdict. "
            "Kappa: the same, minus the agreement expected by chance (1 = always agree, "
            "0 = no better than chance). The first verdict decides; the blind one only measures."
        )
    )
    return blocks
