"""Pictures for docs/review-quality.md: reviewer consistency, delayed rework, a blind second review card.

The sandbox gets a lead, Lee (the second reviewer), and a program whose ``review_quality`` sends
every live decision for a blind second review and shows figures from 5 pairs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from playwright.sync_api import FloatRect, Page

from bot.config import EXAMPLE_PROGRAM
from bot.sandbox import demo
from bot.sandbox.runtime import Sandbox
from tests.sandbox import pages

from .api import ADA, ENGINEERS, LEE, MO, REVIEW, Client, decision, log_decision, message, review
from .photos import open_home, shoot, shoot_in_view
from .runner import Feature

LEE_ROW = "U0LEE,Lee Chen,lee@example.com,lead,,Europe/London\n"
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


@contextmanager
def lead_sandbox(tmp: Path) -> Iterator[Sandbox]:
    """The demo roster plus Lee, and the example program with every decision sent for a blind review."""
    text = EXAMPLE_PROGRAM.read_text()
    start = text.index("review_quality:")
    end = text.index("\n\n", start)
    quality = "review_quality:\n  blind_share: 1.0\n  min_pairs: 5\n"
    program = tmp / "program.yaml"
    program.write_text(text[:start] + quality + text[end:])
    # The roster is read at boot and by the person switcher: Lee stays for this sandbox's life only.
    with mock.patch.object(demo, "DEMO_ROSTER_CSV", demo.DEMO_ROSTER_CSV + LEE_ROW):
        yield Sandbox(db_path=tmp / "sandbox.db", program_path=program)


def _review(client: Client, user: str, *, channel: str, ts: str, outcome: str, blind: bool) -> None:
    verdict, _, suggested = outcome.partition(":")
    comment = (BLIND_WHY if blind else FIRST_WHY) if suggested else None
    review(
        client,
        user,
        channel=channel,
        ts=ts,
        verdict=verdict,
        comment=comment,
        suggested=suggested,
        failed_parts=["policy"],
        blind=blind,
    )


def seed(client: Client, sandbox: Sandbox) -> None:
    """Live decisions with both reviews; one approval that expires and comes back as delayed rework."""
    for row in TABLE.strip().splitlines():
        day, clock, who, category, verdict, first, second, title = row.split(maxsplit=7)
        client.at(f"2026-{day}T{clock}")
        log_decision(client, ENGINEERS[who], decision(title=title, category=category, verdict=verdict))
        if first != "-":
            post = message(client, MO, REVIEW, title)
            _review(client, MO, channel=REVIEW, ts=post["ts"], outcome=first, blind=False)
        # Every decision gets Lee's card (blind_share 1.0): wait for it even when Lee leaves it
        # unanswered, or it may be posted after the clock's next move, stamped with the later time.
        dm = client.state(LEE)["channel"]
        card = message(client, LEE, dm, title)
        if second != "-":
            _review(client, LEE, channel=dm, ts=card["ts"], outcome=second, blind=True)
    # Ada's approval said "Expires in 48 h": asked on the 18th, she answers that it's still in place.
    client.at("2026-11-18T16:00")
    client.post("/api/job", {"name": "exception-expiry", "at": "2026-11-18T16:00"})
    dm = client.state(ADA)["channel"]
    question = message(client, ADA, dm, "Were the conditions met?")
    client.click(ADA, dm, question["ts"], "expiry_answer")
    view = client.modal(ADA, "Exception expired")
    note = "Still on one replica: the load test moved to next week and nobody scaled it back."
    client.submit(ADA, view, {"expiry_met": "no", "expiry_outcome": "not_rolled_back", "expiry_note": note})
    message(client, MO, client.state(MO)["channel"], "Delayed rework")


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


def photograph(page: Page, client: Client, sandbox: Sandbox, out: Path) -> None:
    """Lee's consistency section, Mo's delayed rework, Lee's blind review card."""
    page.set_viewport_size({"width": 1280, "height": 2400})
    open_home(page, LEE, "Reviewer consistency")
    page.get_by_text("Reviewer consistency").first.scroll_into_view_if_needed()
    pages.rest_mouse(page)
    clip = _section(page, "Reviewer consistency", "Agreement: how often")
    shoot(page, out / "consistency-home.png", clip=clip)
    open_home(page, MO, "Delayed rework (1)")
    pages.rest_mouse(page)
    clip = _section(page, "Delayed rework (1)", "counts like an overturn")
    shoot(page, out / "delayed-rework.png", clip=clip)
    page.set_viewport_size({"width": 1280, "height": 1300})
    pages.switch_person(page, LEE)
    card = pages.message(page, "k8s: privileged log agent")
    shoot_in_view(page, card.last, out / "blind-review-card.png", block="end", margin=6)


FEATURE = Feature(
    name="review2",
    about="docs/review-quality.md: reviewer consistency, delayed rework, a blind second review card",
    pictures=("consistency-home.png", "delayed-rework.png", "blind-review-card.png"),
    seed=seed,
    photograph=photograph,
    sandbox=lead_sandbox,
)
