"""The README's pictures (docs/sandbox.md, docs/metrics.md): the pilot's last two weeks, photographed.

Fills the last training week and the parallel-run week with a believable pilot (incidents, live
decisions and their reviews, practice, a survey), then photographs the scenario card, the
justification modal with inline errors, the review thread with a verdict, the digest with its
chart, and App Home.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import FloatRect, Locator, Page, expect

from bot.sandbox.runtime import Sandbox
from tests.sandbox import pages

from .api import (
    ADA,
    BEN,
    CY,
    ENGINEERS,
    MO,
    PAT,
    REVIEW,
    Client,
    answer_card,
    deal_practice_card,
    decision,
    log_decision,
    message,
    review,
    text_of,
    wait,
    why,
)
from .photos import VIEWPORT, box, open_home, shoot, shoot_in_view, widen_thread
from .runner import Feature

# The pilot's last two weeks of live decisions: date and time (program time), engineer, category,
# verdict, review (uphold, overturn:<verdict> with OVERTURN_WHY, or "-": still waiting), title.
LIVE_TABLE = """
11-10 10:15 ada config_conflict    approve  uphold        payments-api: single replica in prod for 2 h
11-10 14:40 ben change_freeze      escalate uphold        search-indexer: skip canary for a hotfix
11-11 11:05 cy  change_freeze      escalate uphold        ledger-db: extend maintenance window by 30 min
11-12 09:30 ada customer_exemption approve  overturn:deny checkout: raise rate limit for Acme to 800/s
11-13 15:20 ben rollback           deny     uphold        cdn: purge all caches during peak
11-16 10:05 ada policy_violation   deny     uphold        payments-eu: rate-limits.yaml burst 800 for Acme
11-16 16:45 cy  change_freeze      approve  uphold        auth: rotate signing key outside the window
11-17 11:30 ben config_conflict    approve  uphold        orders-db: read replica without backups for 48 h
11-18 09:50 ada security_exception escalate uphold        k8s: privileged DaemonSet for the new log agent
11-18 14:10 cy  rollback           approve  uphold        billing: roll back 4.2, migration half applied
11-19 10:40 ben policy_violation   approve  -             loadtest namespace without cost-center label
11-19 16:00 ada change_freeze      deny     -             feature flag: enable ledger_v2 for 5% on Friday
"""
OVERTURN_WHY = "Burst above 500 needs the owning team; a compliant path (a quota request) exists."


@dataclass(frozen=True)
class Live:
    when: str
    engineer: str
    category: str
    verdict: str
    review: str
    title: str


def _live(row: str) -> Live:
    day, clock, who, category, verdict, review, title = row.split(maxsplit=6)
    return Live(f"2026-{day}T{clock}", ENGINEERS[who], category, verdict, review, title)


LIVE = [_live(row) for row in LIVE_TABLE.strip().splitlines()]
# Practice sessions: (program-local time, engineer). The call is ggen's recommendation, a
# realistic mix of right and wrong, since ggen is wrong in a fair share of the library.
PRACTICE = [
    ("2026-11-16T09:10", ADA),
    ("2026-11-16T09:25", ADA),
    ("2026-11-17T08:50", ADA),
    ("2026-11-18T17:30", ADA),
    ("2026-11-16T13:00", BEN),
    ("2026-11-17T13:30", CY),
]
# (program-local time, priority, minutes to respond, ref)
INCIDENTS = [
    ("2026-11-10T08:30", "P1", 17, "INC-5101"),
    ("2026-11-11T13:00", "P2", 90, "INC-5107"),
    ("2026-11-12T19:45", "P2", 101, "INC-5112"),
    ("2026-11-16T07:55", "P1", 19, "INC-5120"),
    ("2026-11-17T12:30", "P2", 92, "INC-5126"),
    ("2026-11-19T21:10", "P1", 18, "INC-5133"),
]
SURVEY = {ADA: (4, 4, 5, 3, 4), BEN: (4, 5, 4, 3, 4), CY: (3, 4, 4, 4, 3)}
SURVEY_COMMENTS = {  # shown to PMs only with the averages, unattributed, in random order
    ADA: "The justification template slows me down on the obvious approvals.",
    BEN: "Mentor reviews came back within a day; that made the week.",
    CY: None,
}
FRIDAY_5PM = "2026-11-20T17:00"


def practise(client: Client, engineer: str) -> None:
    """``/casebook practice``, then ggen's call (or Escalate) on the card, justified."""
    dm, card = deal_practice_card(client, engineer)
    found = re.search(r"ggen recommends \*(approve|deny|escalate)\*", text_of(card))
    verdict = found.group(1) if found else "escalate"
    answer_card(client, engineer, dm=dm, card=card, verdict=verdict, values=why(verdict, "the service"))


def seed_pilot(client: Client, sandbox: Sandbox) -> None:
    """Two weeks of incidents, live decisions and reviews, practice, and a survey, through the bot."""
    for when, priority, minutes, ref in INCIDENTS:
        client.at(when)
        client.command(PAT, f"/casebook incident {priority} {minutes} {ref}")
        # The command is handled after its ack: wait for the answer before the clock moves on.
        message(client, PAT, client.state(PAT)["channel"], f"incident {ref}")
    for live in LIVE:
        client.at(live.when)
        log_and_review(client, live)
    for when, engineer in PRACTICE:
        client.at(when)
        practise(client, engineer)
    client.at("2026-11-20T15:00")
    client.post("/api/job", {"name": "survey", "at": "2026-11-20T15:00"})
    for engineer, answers in SURVEY.items():
        answer_survey(client, engineer, answers)


def log_and_review(client: Client, live: Live) -> None:
    """``/casebook log`` and its form; then the mentor's verdict on the review post, if any."""
    values = decision(title=live.title, category=live.category, verdict=live.verdict)
    log_decision(client, live.engineer, values)
    if live.review == "-":
        return
    post = message(client, MO, REVIEW, live.title)
    verdict, _, suggested = live.review.partition(":")
    comment = OVERTURN_WHY if suggested else None
    review(
        client,
        MO,
        channel=REVIEW,
        ts=post["ts"],
        verdict=verdict,
        comment=comment,
        suggested=suggested,
        failed_parts=["policy"],
    )


def answer_survey(client: Client, engineer: str, answers: tuple[int, ...]) -> None:
    """Open the Friday survey from its DM and answer every question in order."""
    dm = client.state(engineer)["channel"]
    invite = message(client, engineer, dm, "Weekly survey")
    client.click(engineer, dm, invite["ts"], "survey_open")

    def opened() -> dict[str, Any] | None:
        modal: dict[str, Any] | None = client.state(engineer).get("modal")
        return modal["view"] if modal else None

    view: dict[str, Any] = wait(opened, "the survey")
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    values: dict[str, Any] = {block: str(answer) for block, answer in zip(inputs, answers, strict=False)}
    values["survey_comment"] = SURVEY_COMMENTS.get(engineer)
    client.submit(engineer, view, values)


# -- photographs -------------------------------------------------------------------------------
def photograph(page: Page, client: Client, sandbox: Sandbox, out: Path) -> None:
    """Every README screenshot, in an order that tells the story."""
    card = shoot_card(page, client, out)
    shoot_justification_errors(page, card, out)
    shoot_review_thread(page, out)
    shoot_digest(page, out)
    shoot_home(page, out)


def shoot_card(page: Page, client: Client, out: Path) -> Locator:
    """A practice card in the engineer's DM; an hour after the survey, so it is not grouped with it."""
    client.at("2026-11-20T16:10")
    pages.switch_person(page, ADA)
    card, _ = pages.deal_card(page)
    notes = page.locator('[data-testid="ephemeral"]')
    for left in range(notes.count(), 0, -1):
        notes.first.get_by_role("button", name="Dismiss").click()
        expect(notes).to_have_count(left - 1)
    found = card.bounding_box()
    assert found, "the card is not on screen"
    page.set_viewport_size({"width": 1280, "height": int(min(1400, found["height"] + 290))})
    shoot_in_view(page, card, out / "scenario-card.png", block="end")
    page.set_viewport_size(VIEWPORT)
    return card


def shoot_justification_errors(page: Page, card: Locator, out: Path) -> None:
    """The justification modal refusing a too-short justification (tall enough to show it all)."""
    page.set_viewport_size({"width": 1280, "height": 1180})
    card.get_by_role("button", name="Approve", exact=True).click()
    expect(pages.modal(page).locator(".modal-title")).to_have_text("Justify: Approve")
    short = {"policy": "policy says ok", "evidence": "looked at it", "risk": "low", "conditions": "48 h"}
    pages.fill(page, {**short, "confidence": "3"})
    pages.submit(page)
    expect(pages.field_error(page, "policy")).to_contain_text("at least 20 characters")
    shoot(page, out / "justification-errors.png", clip=box(page, pages.MODAL, pad=24))
    page.set_viewport_size(VIEWPORT)
    pages.fill(page, {k: v for k, v in pages.GOOD.items() if k != "escalation"})
    pages.submit(page)
    expect(pages.modal(page)).to_have_count(0)


def shoot_review_thread(page: Page, out: Path) -> None:
    """The mentor's view of an overturned decision: the updated post and the verdict in its thread."""
    pages.switch_person(page, MO)
    post = pages.review_post(page, "checkout: raise rate limit for Acme")
    post.locator('[data-testid="thread-link"]').click()
    expect(pages.message(page, "Overturned by", where="#thread-list").last).to_be_visible()
    page.locator("#thread-list").evaluate("l => l.scrollTop = l.scrollHeight")
    shoot_in_view(page, post, out / "review-thread.png")


def post_digest(page: Page) -> Locator:
    """The PM runs Friday's digest from Time & jobs; its post in #pilot-pm, replies in its thread."""
    pages.switch_person(page, PAT)
    pages.run_job(page, "digest", FRIDAY_5PM, now=FRIDAY_5PM)
    pages.open_conversation(page, "pilot-pm")
    digest = pages.message(page, "Pilot digest")
    expect(digest).to_contain_text("2 replies")  # the details and the chart are in its thread
    return digest


def open_digest_thread(page: Page, digest: Locator) -> Locator:
    """Open the digest's thread; its chart, once loaded (until then the replies below it sit higher)."""
    digest.locator('[data-testid="thread-link"]').click()
    chart = page.locator('#thread-list [data-testid="file"] img.file-image')
    pages.wait_image_loaded(page, chart)
    return chart


def shoot_digest(page: Page, out: Path) -> None:
    """Friday's digest: the channel post, its thread, the chart."""
    digest = post_digest(page)
    shoot_in_view(page, digest, out / "digest.png", margin=4)
    chart = open_digest_thread(page, digest)
    # The replies in one picture: a widened pane, tall enough for all.
    widen_thread(page)
    tall = page.locator("#thread-list").evaluate("l => l.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(3200, int(tall) + 160)})
    pages.rest_mouse(page)
    replies, pane = box(page, "#thread-list .thread-count"), box(page, "#thread-list")
    bottom = pane["y"] + pane["height"]
    clip: FloatRect = {
        "x": pane["x"],
        "y": replies["y"],
        "width": pane["width"],
        "height": bottom - replies["y"],
    }
    shoot(page, out / "digest-thread.png", clip=clip)
    widen_thread(page, "")
    page.set_viewport_size(VIEWPORT)
    chart.click()
    full = page.locator('[data-testid="lightbox"] img')
    pages.wait_image_loaded(page, full)
    shoot(page, out / "digest-chart.png", clip=box(page, '[data-testid="lightbox"] img'), palette=False)
    page.keyboard.press("Escape")


def shoot_home(page: Page, out: Path) -> None:
    """App Home as the engineer sees it: practice by category, last decisions, live decisions."""
    open_home(page, ADA, "Welcome to Casebook, Ada Park")
    pages.rest_mouse(page)
    shoot(page, out / "app-home.png")


FEATURE = Feature(
    name="pilot",
    about="the README's pictures: card, justification errors, review thread, digest, App Home",
    pictures=(
        "scenario-card.png",
        "justification-errors.png",
        "review-thread.png",
        "digest.png",
        "digest-thread.png",
        "digest-chart.png",
        "app-home.png",
    ),
    seed=seed_pilot,
    photograph=photograph,
)
