"""Pictures for docs/calibration.md and docs/reviews.md (issue 18): calibration and overturned parts.

Seeds the same pilot as ``pilot``, then a few more of Ada's live calls at confidence 5 that her
mentor overturns for missing rollback conditions, and one wrong practice answer (so a re-test is
due). Photographs the overturn form's "which part failed", Ada's and her mentor's App Home, and
the digest's thread with the cohort's calibration line and red flags.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from bot.db.models import Assignment, ScenarioVersion
from bot.sandbox.runtime import Sandbox
from bot.slack.metadata import CardValue
from tests.sandbox import pages

from .api import (
    ADA,
    MO,
    REVIEW,
    Client,
    answer_card,
    deal_practice_card,
    decision,
    log_decision,
    message,
    review,
    why,
)
from .photos import VIEWPORT, box, open_home, shoot, widen_thread
from .pilot import open_digest_thread, post_digest, seed_pilot
from .runner import Feature

# Ada's extra live calls: (time, title, review) — "conditions" overturns, "uphold" upholds.
EXTRA = [
    ("2026-11-19T09:10", "orders-api: skip the canary for a config flip", "conditions"),
    ("2026-11-19T11:20", "payments-eu: extend the freeze exception by a day", "conditions"),
    ("2026-11-19T14:30", "search: raise shard count during peak", "uphold"),
    ("2026-11-19T15:40", "ledger: hotfix without a rollback plan", "conditions"),
    ("2026-11-19T16:50", "cdn: new TLS config straight to all edges", "conditions"),
    ("2026-11-20T09:15", "auth: disable rate limit for a partner test", "conditions"),
]
WHY = "No rollback or expiry was named; an exception must say how and when it is undone."


def seed(client: Client, sandbox: Sandbox) -> None:
    """The pilot, then Ada's overconfident live calls and their reviews, and one wrong practice answer."""
    seed_pilot(client, sandbox)
    for when, title, verdict in EXTRA:
        client.at(when)
        values = decision(
            title=title,
            category="change_freeze",
            verdict="approve",
            source_url="https://ops.example.com/x/1",
            extra={"confidence": "5"},
        )
        log_decision(client, ADA, values)
        post = message(client, MO, REVIEW, title)
        if verdict == "uphold":
            review(client, MO, channel=REVIEW, ts=post["ts"], verdict="uphold")
            continue
        parts = ["conditions", "evidence"] if "hotfix" in title else ["conditions"]
        review(
            client,
            MO,
            channel=REVIEW,
            ts=post["ts"],
            verdict="overturn",
            suggested="deny",
            comment=WHY,
            failed_parts=parts,
        )
    client.at("2026-11-19T17:30")
    practise_wrong(client, sandbox)
    client.at("2026-11-20T16:30")


def practise_wrong(client: Client, sandbox: Sandbox) -> None:
    """Deal a practice card to Ada and answer it with a call the scenario does not accept."""
    dm, card = deal_practice_card(client, ADA)
    actions = next(b for b in card["blocks"] if b.get("block_id") == "card_actions")
    assignment_id = CardValue.load(actions["elements"][0]["value"]).assignment_id
    casebook = sandbox.casebook
    assert casebook is not None
    with casebook.deps.sessions() as session:  # the answer key: the one look inside, to be wrong on purpose
        assignment = session.get(Assignment, assignment_id)
        assert assignment is not None
        version = session.get(ScenarioVersion, assignment.scenario_version_id)
        assert version is not None
        ok = {version.expected_verdict, *version.content["expected"]["acceptable"]}
    verdict = next(v for v in ("approve", "deny", "escalate") if v not in ok)
    values = {**why(verdict, "the service"), "confidence": "5"}
    answer_card(client, ADA, dm=dm, card=card, verdict=verdict, values=values)


def photograph(page: Page, client: Client, sandbox: Sandbox, out: Path) -> None:
    """The overturn form, Ada's and Mo's App Home, the digest's calibration line."""
    shoot_overturn_form(page, out)
    shoot_home(page, ADA, "Calibration:", out / "calibration-home.png")
    shoot_home(page, MO, "Calibration of your mentees", out / "calibration-mentor.png")
    shoot_digest_thread(page, out)


def shoot_overturn_form(page: Page, out: Path) -> None:
    """The overturn form on Ada's pending call, with the failed parts chosen."""
    pages.switch_person(page, MO)
    post = pages.review_post(page, "feature flag: enable ledger_v2")
    post.get_by_role("button", name="Overturn").click()
    expect(pages.modal(page).locator(".modal-title")).to_have_text("Overturn decision")
    page.set_viewport_size({"width": 1280, "height": 1100})
    pages.fill(page, {"suggested_verdict": "Escalate"})
    pages.field(page, "failed_parts").locator("select").select_option(["conditions", "escalation"])
    pages.fill(page, {"comment": "The flag change needs the ledger team's lead and a stated rollback."})
    pages.rest_mouse(page)
    shoot(page, out / "overturn-parts.png", clip=box(page, pages.MODAL, pad=24))
    page.click('[data-testid="modal-cancel"]')
    expect(pages.modal(page)).to_have_count(0)
    page.set_viewport_size(VIEWPORT)


def shoot_home(page: Page, user: str, text: str, path: Path) -> None:
    """``user``'s App Home scrolled to ``text``."""
    home = open_home(page, user, text)
    page.set_viewport_size({"width": 1280, "height": 1000})
    home.get_by_text(text).first.scroll_into_view_if_needed()
    pages.rest_mouse(page)
    shoot(page, path)
    page.set_viewport_size(VIEWPORT)


def shoot_digest_thread(page: Page, out: Path) -> None:
    """The digest's details in its thread: the calibration line and the red flags."""
    open_digest_thread(page, post_digest(page))
    widen_thread(page)
    page.set_viewport_size({"width": 1280, "height": 1000})
    flags = page.locator("#thread-list").get_by_text("Calibration (all decisions so far)").first
    expect(flags).to_be_visible()
    flags.scroll_into_view_if_needed()
    pages.rest_mouse(page)
    shoot(page, out / "digest-calibration.png")


FEATURE = Feature(
    name="calib",
    about="docs/calibration.md and docs/reviews.md: overturned parts, calibration on Home and in the digest",
    pictures=(
        "overturn-parts.png",
        "calibration-home.png",
        "calibration-mentor.png",
        "digest-calibration.png",
    ),
    seed=seed,
    photograph=photograph,
)
