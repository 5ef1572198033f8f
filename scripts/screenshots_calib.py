"""Screenshots for docs/calibration.md and docs/reviews.md (issue 18), from a running sandbox.

    python scripts/screenshots_calib.py [--out docs/screenshots]

Seeds the same pilot as scripts/screenshots.py, then a few more of Ada's live calls at
confidence 5 that her mentor overturns for missing rollback conditions, and one wrong
practice answer (so a re-test is due), all through the sandbox's JSON API. Photographs
the overturn form's "which part failed", Ada's and her mentor's App Home, and the
digest's thread with the cohort's calibration line and red flags.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402
from screenshots import (  # noqa: E402
    ADA,
    FRIDAY_5PM,
    MO,
    PAT,
    REVIEW,
    VIEWPORT,
    Client,
    _message,
    _text_of,
    _why,
    box,
    drained,
    seed_pilot,
    shoot,
    wait,
)

from bot.db.models import Assignment, ScenarioVersion  # noqa: E402
from bot.sandbox.runtime import Sandbox  # noqa: E402
from bot.sandbox.server import SandboxServer  # noqa: E402
from bot.slack.metadata import CardValue  # noqa: E402
from tests.sandbox import pages  # noqa: E402
from tests.sandbox.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

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


def seed_calibration(client: Client, sandbox: Sandbox) -> None:
    """Ada's overconfident live calls and their reviews, and one wrong practice answer."""
    for when, title, review in EXTRA:
        client.at(when)
        client.command(ADA, "/casebook log")
        view = client.modal(ADA, "Log a live decision")
        values = {"title": title, "category": "change_freeze", "source_url": "https://ops.example.com/x/1"}
        client.submit(
            ADA, view, {**values, "verdict": "approve", **_why("approve", title), "confidence": "5"}
        )
        post = _message(client, MO, REVIEW, title)
        if review == "uphold":
            client.click(MO, REVIEW, post["ts"], "review_uphold")
            client.submit(MO, client.modal(MO, "Uphold decision"), {"comment": None})
            continue
        client.click(MO, REVIEW, post["ts"], "review_overturn")
        parts = ["conditions", "evidence"] if "hotfix" in title else ["conditions"]
        values = {"suggested_verdict": "deny", "comment": WHY, "failed_parts": parts}
        client.submit(MO, client.modal(MO, "Overturn decision"), values)
    client.at("2026-11-19T17:30")
    practise_wrong(client, sandbox)


def practise_wrong(client: Client, sandbox: Sandbox) -> None:
    """Deal a practice card to Ada and answer it with a call the scenario does not accept."""
    dm = client.state(ADA)["channel"]
    seen = {m["ts"] for m in client.state(ADA, dm)["timeline"]}
    client.command(ADA, "/casebook practice", dm)
    card = wait(
        lambda: next(
            (
                m
                for m in client.state(ADA, dm)["timeline"]
                if m["ts"] not in seen and "card_actions" in _text_of(m)
            ),
            None,
        ),
        "a practice card",
    )
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
    client.click(ADA, dm, card["ts"], f"card_{verdict}")
    view = client.modal(ADA, f"Justify: {verdict.capitalize()}")
    client.submit(ADA, view, {**_why(verdict, "the service"), "confidence": "5"})


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
    pages.switch_person(page, user)
    page.click('[data-testid="tab-home"]')
    home = page.locator('[data-testid="home"]')
    expect(home).to_contain_text(text)
    page.set_viewport_size({"width": 1280, "height": 1000})
    home.get_by_text(text).first.scroll_into_view_if_needed()
    pages.rest_mouse(page)
    shoot(page, path)
    page.set_viewport_size(VIEWPORT)


def shoot_digest_thread(page: Page, out: Path) -> None:
    """The digest's details in its thread: the calibration line and the red flags."""
    pages.switch_person(page, PAT)
    pages.run_job(page, "digest", FRIDAY_5PM, now=FRIDAY_5PM)
    pages.open_conversation(page, "pilot-pm")
    digest = pages.message(page, "Pilot digest")
    expect(digest).to_contain_text("2 replies")
    digest.locator('[data-testid="thread-link"]').click()
    page.locator('[data-testid="thread"]').evaluate("t => { t.style.width = '600px'; }")
    page.set_viewport_size({"width": 1280, "height": 1000})
    flags = page.locator("#thread-list").get_by_text("Calibration (all decisions so far)").first
    expect(flags).to_be_visible()
    flags.scroll_into_view_if_needed()
    pages.rest_mouse(page)
    shoot(page, out / "digest-calibration.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        sandbox = Sandbox(db_path=Path(tmp) / "sandbox.db").start()
        server = SandboxServer(sandbox, port=0).start()
        try:
            client = Client(server.url, settle=lambda: wait(lambda: drained(sandbox), "the outbox"))
            seed_pilot(client)
            seed_calibration(client, sandbox)
            client.at("2026-11-20T16:30")
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(server.url + "/")
                page.wait_for_selector('[data-testid="conversation"]')
                page.locator("#toasts").evaluate("t => { t.style.display = 'none'; }")
                shoot_overturn_form(page, args.out)
                shoot_home(page, ADA, "Calibration:", args.out / "calibration-home.png")
                shoot_home(page, MO, "Calibration of your mentees", args.out / "calibration-mentor.png")
                shoot_digest_thread(page, args.out)
                browser.close()
        finally:
            server.stop()
            sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
