"""Screenshots for docs/review-quality.md: reviewer consistency on a lead's Home, delayed rework on a
mentor's Home, and a blind second review card.

    python scripts/screenshots_review2.py [--out docs/screenshots]

Like scripts/screenshots.py (whose client and helpers it reuses): its own sandbox on a temporary
database, seeded through the sandbox's JSON API (signed Slack requests), photographed in headless
Chromium. The sandbox gets a lead (the second reviewer) and a program whose ``review_quality``
sends every live decision for a blind second review and shows figures from 5 pairs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from playwright.sync_api import FloatRect, Page, ViewportSize, expect, sync_playwright  # noqa: E402
from screenshots import (  # noqa: E402  (the sandbox's JSON API and photographs)
    Client,
    _message,
    _why,
    drained,
    shoot,
    wait,
)

from bot.config import EXAMPLE_PROGRAM  # noqa: E402
from bot.sandbox import demo  # noqa: E402
from bot.sandbox.runtime import Sandbox  # noqa: E402
from bot.sandbox.server import SandboxServer  # noqa: E402
from tests.sandbox import pages  # noqa: E402
from tests.sandbox.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

LEE, ADA, BEN, CY, MO = "U0LEE", "U0ADA", "U0BEN", "U0CY", "U0MO"
REVIEW = "C0CBREVIEW"
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
ENGINEERS = {"ada": ADA, "ben": BEN, "cy": CY}
# When, engineer, category, verdict, first review (Mo), blind second review (Lee), title.
TABLE = """
11-16 10:15 ada config_conflict    approve  uphold           uphold           payments-api: one replica, 48 h
11-16 14:40 ben change_freeze      escalate uphold           uphold           search-indexer: skip canary
11-17 09:05 cy  change_freeze      escalate uphold           uphold           ledger-db: longer maintenance
11-17 11:30 ada customer_exemption approve  overturn:deny    uphold           checkout: Acme rate limit 800/s
11-17 15:20 ben rollback           deny     uphold           uphold           cdn: purge caches at peak
11-18 10:05 cy  policy_violation   approve  uphold           overturn:deny    loadtest: no cost-center label
11-18 11:45 ada policy_violation   deny     overturn:approve overturn:approve payments-eu: burst 600 (staging)
11-18 14:10 ben security_exception escalate -                -                k8s: privileged log agent
"""
BLIND_WHY = "The label is what routes the bill; without it nobody owns the cost. Deny and ask for it."
FIRST_WHY = (
    "The overlay pins the burst for 30 days with a ticket; that's the standing rule, not an exception."
)


def log_decision(client: Client, engineer: str, category: str, verdict: str, title: str) -> None:
    """``/casebook log`` and its form."""
    client.command(engineer, "/casebook log")
    view = client.modal(engineer, "Log a live decision")
    source = f"https://ops.example.com/exceptions/{sum(map(ord, title)) % 9000 + 1000}"
    values = {"title": title, "category": category, "source_url": source, "verdict": verdict}
    client.submit(engineer, view, {**values, **_why(verdict, title)})


def _program(tmp: Path) -> Path:
    text = EXAMPLE_PROGRAM.read_text()
    start = text.index("review_quality:")
    end = text.index("\n\n", start)
    quality = "review_quality:\n  blind_share: 1.0\n  min_pairs: 5\n"
    path = tmp / "program.yaml"
    path.write_text(text[:start] + quality + text[end:])
    return path


def _review(
    client: Client, user: str, channel: str, ts: str, review: str, title: str, *, blind: bool
) -> None:
    verdict, _, suggested = review.partition(":")
    prefix = "blind" if blind else "review"
    client.click(user, channel, ts, f"{prefix}_{verdict}")
    name = "Blind second review" if blind else f"{verdict.capitalize()} decision"
    view = client.modal(user, name)
    if verdict == "uphold":
        client.submit(user, view, {"comment": None})
        return
    why = BLIND_WHY if blind else FIRST_WHY
    client.submit(user, view, {"suggested_verdict": suggested, "comment": why, "failed_parts": ["policy"]})


def seed(client: Client) -> None:
    """Live decisions with both reviews; one approval that expires and comes back as delayed rework."""
    for row in TABLE.strip().splitlines():
        day, clock, who, category, verdict, first, second, title = row.split(maxsplit=7)
        client.at(f"2026-{day}T{clock}")
        log_decision(client, ENGINEERS[who], category, verdict, title)
        if first != "-":
            post = _message(client, MO, REVIEW, title)
            _review(client, MO, REVIEW, post["ts"], first, title, blind=False)
        if second != "-":
            dm = client.state(LEE)["channel"]
            card = _message(client, LEE, dm, title)
            _review(client, LEE, dm, card["ts"], second, title, blind=True)
    # Ada's approval said "Expires in 48 h": asked on the 18th, she answers that it's still in place.
    client.at("2026-11-18T16:00")
    client.post("/api/job", {"name": "exception-expiry", "at": "2026-11-18T16:00"})
    dm = client.state(ADA)["channel"]
    question = _message(client, ADA, dm, "Were the conditions met?")
    client.click(ADA, dm, question["ts"], "expiry_answer")
    view = client.modal(ADA, "Exception expired")
    note = "Still on one replica: the load test moved to next week and nobody scaled it back."
    client.submit(ADA, view, {"expiry_met": "no", "expiry_outcome": "not_rolled_back", "expiry_note": note})
    _message(client, MO, client.state(MO)["channel"], "Delayed rework")


def _section(page: Page, first: str, last: str) -> FloatRect:
    """The box around Home's blocks from the one containing ``first`` to the one containing ``last``."""
    blocks = page.locator('[data-testid="home"] .home-inner > .blocks > *')
    top = blocks.filter(has_text=first).first.bounding_box()
    bottom = blocks.filter(has_text=last).last.bounding_box()
    assert top and bottom, (first, last)
    return {
        "x": top["x"] - 16,
        "y": top["y"] - 2,
        "width": max(top["width"], bottom["width"]) + 32,
        "height": bottom["y"] + bottom["height"] - top["y"] + 14,
    }


def _home(page: Page, user: str, text: str) -> None:
    pages.switch_person(page, user)
    page.click('[data-testid="tab-home"]')
    expect(page.locator('[data-testid="home"]')).to_contain_text(text)


def photograph(page: Page, out: Path) -> None:
    page.locator("#toasts").evaluate("t => { t.style.display = 'none'; }")
    page.set_viewport_size({"width": 1280, "height": 2400})
    _home(page, LEE, "Reviewer consistency")
    page.get_by_text("Reviewer consistency").first.scroll_into_view_if_needed()
    pages.rest_mouse(page)
    shoot(
        page,
        out / "consistency-home.png",
        clip=_section(page, "Reviewer consistency", "Agreement: how often"),
    )
    _home(page, MO, "Delayed rework (1)")
    pages.rest_mouse(page)
    shoot(
        page, out / "delayed-rework.png", clip=_section(page, "Delayed rework (1)", "counts like an overturn")
    )
    page.set_viewport_size({"width": 1280, "height": 1300})
    pages.switch_person(page, LEE)
    card = pages.message(page, "k8s: privileged log agent")
    card.last.evaluate("c => c.scrollIntoView({block: 'end'})")
    pages.rest_mouse(page)
    found = card.last.bounding_box()
    assert found
    shoot(
        page,
        out / "blind-review-card.png",
        clip={**found, "y": found["y"] - 6, "height": found["height"] + 12},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    demo.DEMO_ROSTER_CSV += "U0LEE,Lee Chen,lee@example.com,lead,,Europe/London\n"
    with tempfile.TemporaryDirectory() as tmp:
        sandbox = Sandbox(db_path=Path(tmp) / "sandbox.db", program_path=_program(Path(tmp))).start()
        server = SandboxServer(sandbox, port=0).start()
        try:
            client = Client(server.url, settle=lambda: wait(lambda: drained(sandbox), "the outbox"))
            seed(client)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(server.url + "/")
                page.wait_for_selector('[data-testid="conversation"]')
                photograph(page, args.out)
                browser.close()
        finally:
            server.stop()
            sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
